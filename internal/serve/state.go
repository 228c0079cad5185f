package serve

import (
	"bytes"
	"container/list"
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

func (k cacheKey) size() int { return len(k.question) + len(k.model) + len(k.schema) + 64 }

// bounded is a map that evicts its oldest entries first once it holds more than max
// entries or more than maxBytes bytes (as size counts them), calling evicted for each.
// It is not safe for concurrent use; its owners lock around it.
type bounded[K comparable, V any] struct {
	max, maxBytes int
	size          func(K, V) int
	evicted       func()
	items         map[K]*list.Element
	order         *list.List // of *entry[K, V], oldest first
	bytes         int
}

type entry[K comparable, V any] struct {
	key  K
	val  V
	size int
}

func newBounded[K comparable, V any](max, maxBytes int, size func(K, V) int) *bounded[K, V] {
	return &bounded[K, V]{max: max, maxBytes: maxBytes, size: size, items: map[K]*list.Element{}, order: list.New()}
}

func (b *bounded[K, V]) get(k K) (V, bool) {
	if e, ok := b.items[k]; ok {
		return e.Value.(*entry[K, V]).val, true
	}
	var zero V
	return zero, false
}

// put stores v under k (as the newest entry when k is new); a value larger than the whole
// byte budget is not stored, and k's older value is dropped.
func (b *bounded[K, V]) put(k K, v V) {
	n := b.size(k, v)
	if e, ok := b.items[k]; ok {
		b.remove(e)
	}
	if n > b.maxBytes {
		return
	}
	b.items[k] = b.order.PushBack(&entry[K, V]{key: k, val: v, size: n})
	b.bytes += n
	for b.order.Len() > b.max || b.bytes > b.maxBytes {
		b.remove(b.order.Front())
		if b.evicted != nil {
			b.evicted()
		}
	}
}

func (b *bounded[K, V]) remove(e *list.Element) {
	en := e.Value.(*entry[K, V])
	b.order.Remove(e)
	delete(b.items, en.key)
	b.bytes -= en.size
}

// Default bounds of the answer cache and the conversation store.
const (
	// DefaultCacheBytes bounds the answer cache (its entries' encoded size).
	DefaultCacheBytes = 64 << 20
	// DefaultConversationBytes bounds the conversation store (ids, questions and SQL).
	DefaultConversationBytes = 16 << 20
	// MaxConversationIDLen is the longest conversation id accepted, in bytes.
	MaxConversationIDLen = 128
)

// cache holds answers, evicting the oldest first, bounded in entries and bytes. Entries
// are copies; rows are shared read-only.
type cache struct {
	mu       sync.Mutex
	disabled bool
	m        *bounded[cacheKey, GenerateResponse]
}

func newCache(max, maxBytes int, evicted func()) *cache {
	m := newBounded(max, maxBytes, func(k cacheKey, r GenerateResponse) int { return k.size() + responseSize(r) })
	m.evicted = evicted
	return &cache{disabled: max < 0, m: m}
}

// responseSize is about what r holds in memory: its encoding when it has one, else its
// SQL, reasoning, warnings and cells.
func responseSize(r GenerateResponse) int {
	if r.encoded != nil {
		// the encoding, and the rows and strings it was made from
		return 2*len(r.encoded) + 256
	}
	n := len(r.SQL) + len(r.Reasoning) + 256
	for _, w := range r.Warnings {
		n += len(w) + 16
	}
	for _, row := range r.Rows {
		for _, v := range row {
			n += 16
			if s, ok := v.(string); ok {
				n += len(s)
			}
		}
	}
	return n
}

func (c *cache) get(k cacheKey) (GenerateResponse, bool) {
	if c.disabled {
		return GenerateResponse{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m.get(k)
	if ok {
		r.Warnings = append([]string{}, r.Warnings...)
	}
	return r, ok
}

func (c *cache) put(k cacheKey, r GenerateResponse) {
	if c.disabled {
		return
	}
	r.Warnings = append([]string{}, r.Warnings...)
	r.encoded = encodePrefix(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m.put(k, r)
}

// conversations keep the last turns of each conversation, evicting the oldest
// conversation first, bounded in conversations and bytes.
type conversations struct {
	mu       sync.Mutex
	maxTurns int
	m        *bounded[string, []prompt.Example]
}

func newConversations(max, maxBytes, maxTurns int, evicted func()) *conversations {
	m := newBounded(max, maxBytes, func(id string, turns []prompt.Example) int {
		n := len(id) + 64
		for _, t := range turns {
			n += len(t.Question) + len(t.SQL) + 32
		}
		return n
	})
	m.evicted = evicted
	return &conversations{maxTurns: maxTurns, m: m}
}

func (c *conversations) history(id string) []prompt.Example {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, _ := c.m.get(id)
	return append([]prompt.Example(nil), t...)
}

// add appends turn to conversation id, which becomes the newest.
func (c *conversations) add(id string, turn prompt.Example) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, _ := c.m.get(id)
	t = append(append([]prompt.Example(nil), t...), turn)
	if len(t) > c.maxTurns {
		t = t[len(t)-c.maxTurns:]
	}
	c.m.put(id, t)
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
