package serve

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/prompt"
)

func TestBoundedEvictsOldestByCountAndBytes(t *testing.T) {
	tests := []struct {
		name          string
		max, maxBytes int
		sizes         []int // of the values put under keys 0, 1, 2, ...
		wantKeys      []int
		wantEvictions int
	}{
		{"within bounds", 10, 100, []int{10, 20, 30}, []int{0, 1, 2}, 0},
		{"count bound", 2, 100, []int{10, 20, 30}, []int{1, 2}, 1},
		{"byte bound", 10, 50, []int{10, 20, 30}, []int{1, 2}, 1},
		{"byte bound drops several", 10, 40, []int{10, 10, 10, 40}, []int{3}, 3},
		{"larger than the budget is not stored", 10, 40, []int{10, 50}, []int{0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBounded(tt.max, tt.maxBytes, func(_ int, v int) int { return v })
			evictions := 0
			b.evicted = func() { evictions++ }
			for k, v := range tt.sizes {
				b.put(k, v)
			}
			var got []int
			for k := range tt.sizes {
				if _, ok := b.get(k); ok {
					got = append(got, k)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantKeys) || evictions != tt.wantEvictions {
				t.Errorf("kept %v with %d evictions, want %v with %d", got, evictions, tt.wantKeys, tt.wantEvictions)
			}
			sum := 0
			for _, k := range got {
				sum += tt.sizes[k]
			}
			if b.bytes != sum {
				t.Errorf("bytes %d, want %d", b.bytes, sum)
			}
		})
	}
}

// TestConversationEvictionsCounted: a small conversation budget evicts the oldest
// conversations and /metrics counts them.
func TestConversationEvictionsCounted(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{ConversationBytes: 4 << 10, CacheSize: -1})
	for i := range 100 {
		id := fmt.Sprintf("conv-%03d-%s", i, strings.Repeat("x", 100))
		if status, _, errResp := f.post(t, GenerateRequest{Question: "how many orders", ConversationID: id}, nil); status != 200 {
			t.Fatalf("request %d: %d %+v", i, status, errResp)
		}
	}
	res, err := http.Get(f.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), `sqlforge_evictions_total{store="conversations"}`) ||
		strings.Contains(string(body), `sqlforge_evictions_total{store="conversations"} 0`) {
		t.Errorf("conversation evictions not counted:\n%s", grepLines(string(body), "evictions"))
	}
}

func TestConversationKeepsLastTurns(t *testing.T) {
	c := newConversations(10, 1<<20, 2, nil)
	for i := range 3 {
		c.add("a", prompt.Example{Question: fmt.Sprint(i)})
	}
	got := c.history("a")
	if len(got) != 2 || got[0].Question != "1" || got[1].Question != "2" {
		t.Errorf("history %+v, want turns 1 and 2", got)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
