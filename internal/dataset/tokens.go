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
	encOnce sync.Once
	enc     *tiktoken.Tiktoken
	encErr  error
)

// encoding loads o200k_base from the offline loader (the BPE ranks are embedded; no network).
func encoding() (*tiktoken.Tiktoken, error) {
	encOnce.Do(func() {
		tiktoken.SetBpeLoader(tiktokenloader.NewOfflineLoader())
		enc, encErr = tiktoken.GetEncoding(TokenEncoding)
		if encErr != nil {
			encErr = fmt.Errorf("load tokenizer %s: %w", TokenEncoding, encErr)
		}
	})
	return enc, encErr
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
func NewTokenCounter() (*TokenCounter, error) {
	e, err := encoding()
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

// Chat returns the billed tokens of one chat example.
func (c *TokenCounter) Chat(ex OpenAIChat) int {
	n := 3
	for _, m := range ex.Messages {
		n += 3 + c.Text(m.Role) + c.Text(m.Content)
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
