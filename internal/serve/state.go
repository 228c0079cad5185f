package serve

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"

	"github.com/sqlforge/sqlforge/internal/prompt"
)

// cacheKey identifies an answer: the question (lower case, spaces collapsed), the model,
// the schema hash, and what was asked of the execution.
type cacheKey struct {
	question, model, schema string
	execute                 bool
	maxRows                 int
}

// cache holds answers, evicting the oldest first. Entries are copies; rows are shared
// read-only.
type cache struct {
	mu    sync.Mutex
	max   int
	items map[cacheKey]GenerateResponse
	order []cacheKey
}

func newCache(max int) *cache { return &cache{max: max, items: map[cacheKey]GenerateResponse{}} }

func (c *cache) get(k cacheKey) (GenerateResponse, bool) {
	if c.max < 0 {
		return GenerateResponse{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.items[k]
	if ok {
		r.Warnings = append([]string{}, r.Warnings...)
	}
	return r, ok
}

func (c *cache) put(k cacheKey, r GenerateResponse) {
	if c.max < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; !ok {
		c.order = append(c.order, k)
	}
	r.Warnings = append([]string{}, r.Warnings...)
	r.encoded = encodePrefix(r)
	c.items[k] = r
	for len(c.order) > c.max {
		delete(c.items, c.order[0])
		c.order = c.order[1:]
	}
}

// conversations keep the last turns of each conversation, evicting the oldest
// conversation first.
type conversations struct {
	mu       sync.Mutex
	max      int
	maxTurns int
	turns    map[string][]prompt.Example
	order    []string
}

func newConversations(max, maxTurns int) *conversations {
	return &conversations{max: max, maxTurns: maxTurns, turns: map[string][]prompt.Example{}}
}

func (c *conversations) history(id string) []prompt.Example {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]prompt.Example(nil), c.turns[id]...)
}

func (c *conversations) add(id string, turn prompt.Example) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.turns[id]
	if !ok {
		c.order = append(c.order, id)
	}
	t = append(t, turn)
	if len(t) > c.maxTurns {
		t = t[len(t)-c.maxTurns:]
	}
	c.turns[id] = t
	for len(c.order) > c.max {
		delete(c.turns, c.order[0])
		c.order = c.order[1:]
	}
}

// encodedTail is how the JSON of a response with LatencyMS 0, no ConversationID and Cached
// false ends; encodePrefix cuts it off.
const encodedTail = `,"latency_ms":0,"conversation_id":""}`

// encodePrefix encodes r without its per-request fields (LatencyMS, ConversationID,
// Cached), which come last in GenerateResponse; appendCached completes it. It returns nil
// when the encoding does not end as expected.
func encodePrefix(r GenerateResponse) []byte {
	r.LatencyMS, r.ConversationID, r.Cached, r.encoded = 0, "", false, nil
	b, err := json.Marshal(r)
	if err != nil || !bytes.HasSuffix(b, []byte(encodedTail)) {
		return nil
	}
	return b[:len(b)-len(encodedTail)]
}

// appendCached appends the JSON of the cached answer r (r.encoded != nil) to dst, with its
// per-request fields, as json.Encoder would write it (with a newline).
func appendCached(dst []byte, r *GenerateResponse) ([]byte, error) {
	id, err := json.Marshal(r.ConversationID)
	if err != nil {
		return nil, err
	}
	dst = append(dst, r.encoded...)
	dst = append(dst, `,"latency_ms":`...)
	dst = strconv.AppendFloat(dst, r.LatencyMS, 'f', -1, 64)
	dst = append(dst, `,"conversation_id":`...)
	dst = append(dst, id...)
	if r.Cached {
		dst = append(dst, `,"cached":true`...)
	}
	return append(dst, "}\n"...), nil
}
