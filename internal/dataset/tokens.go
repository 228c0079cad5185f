package dataset

import (
	"fmt"
	"sync"

	"github.com/pkoukk/tiktoken-go"
	tiktokenloader "github.com/pkoukk/tiktoken-go-loader"
)

// TokenEncoding is the tokenizer of the OpenAI models sqlforge prices (gpt-4o, gpt-4.1 families).
const TokenEncoding = "o200k_base"

var (
	encMu sync.Mutex
	encs  = map[string]*tiktoken.Tiktoken{}
)

// encoding loads a tiktoken encoding from the offline loader (the BPE ranks are embedded;
// no network), once per process.
func encoding(name string) (*tiktoken.Tiktoken, error) {
	encMu.Lock()
	defer encMu.Unlock()
	if e, ok := encs[name]; ok {
		return e, nil
	}
	tiktoken.SetBpeLoader(tiktokenloader.NewOfflineLoader())
	e, err := tiktoken.GetEncoding(name)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", name, err)
	}
	encs[name] = e
	return e, nil
}

// TokenCounter counts training tokens the way OpenAI bills chat fine-tuning: each message
// costs 3 tokens of framing plus its role and content, and each example 3 more for the
// assistant priming (OpenAI cookbook, "How to count tokens with tiktoken"). Repeated
// texts (the system prompt with the schema) are counted once and remembered.
// A TokenCounter is not safe for concurrent use.
type TokenCounter struct {
	enc   *tiktoken.Tiktoken
	cache map[string]int
}

// NewTokenCounter loads the o200k_base tokenizer.
func NewTokenCounter() (*TokenCounter, error) { return NewTokenCounterFor(TokenEncoding) }

// NewTokenCounterFor loads the named tiktoken encoding (o200k_base, cl100k_base). It is the
// one token counter of data stats, gen's manifest and finetune check.
func NewTokenCounterFor(encodingName string) (*TokenCounter, error) {
	e, err := encoding(encodingName)
	if err != nil {
		return nil, err
	}
	return &TokenCounter{enc: e, cache: map[string]int{}}, nil
}

// Text returns the number of tokens of s.
func (c *TokenCounter) Text(s string) int {
	if n, ok := c.cache[s]; ok {
		return n
	}
	n := len(c.enc.EncodeOrdinary(s))
	if len(c.cache) < 1<<16 {
		c.cache[s] = n
	}
	return n
}

// ChatFraming is the tokens an example costs beyond its messages (the reply priming).
const ChatFraming = 3

// Message returns the billed tokens of one chat message: 3 of framing, its role and its
// content (texts: content, tool calls, function call), and 1 more plus the name when it has one.
func (c *TokenCounter) Message(role, name string, texts ...string) int {
	n := 3 + c.Text(role)
	for _, t := range texts {
		n += c.Text(t)
	}
	if name != "" {
		n += 1 + c.Text(name)
	}
	return n
}

// Chat returns the billed tokens of one chat example.
func (c *TokenCounter) Chat(ex OpenAIChat) int {
	n := ChatFraming
	for _, m := range ex.Messages {
		n += c.Message(m.Role, "", m.Content)
	}
	return n
}

// Records returns the billed tokens of recs rendered as OpenAI chat examples (with the
// reasoning form when reasoning is true).
func (c *TokenCounter) Records(recs []Record, reasoning bool, opts ExportOptions) int {
	total := 0
	for i := range recs {
		total += c.Chat(Chat(&recs[i], reasoning, opts))
	}
	return total
}
