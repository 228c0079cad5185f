package llm

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSimilarity(t *testing.T) {
	cases := []struct {
		a, b     string
		min, max float64
	}{
		{"Show me the number of orders shipped to Germany.", "How many orders were shipped to Germany?", 1, 1},
		{"total freight paid in 2023?", "What was the total freight paid in 2022?", 0.6, 0.7},
		{"How many suppliers are based in Japan?", "How many products are in the catalogue?", 0, 0},
		{"Which countries have the most customers?", "How many customers are there per country?", 0.75, 0.85},
		{"", "", 1, 1},
	}
	for _, c := range cases {
		if got := Similarity(c.a, c.b); got < c.min || got > c.max {
			t.Errorf("Similarity(%q, %q) = %.3f, want in [%v, %v]", c.a, c.b, got, c.min, c.max)
		}
	}
}

func TestParseQuestions(t *testing.T) {
	u := questionUnit{concepts: []string{"Revenue"}, styles: []Style{Styles[0], Styles[1], Styles[3]}}
	cases := []struct {
		name    string
		text    string
		want    []string // styles of the kept questions
		invalid map[string]int
	}{
		{"fenced object", "```json\n{\"questions\":[{\"question\":\"What was the revenue in 2023?\",\"style\":\"formal\"}," +
			"{\"question\":\"hey how much did we make?\",\"style\":\"Colloquial\"}]}\n```", []string{"formal", "colloquial"}, map[string]int{}},
		{"bare array, wrong style label", `Here: [{"question":"Revenue by year please","style":"bogus"}]`, []string{"formal"}, map[string]int{}},
		{"prose", "1. What is revenue?\n2. Revenue by year?", nil, map[string]int{InvalidJSON: 1}},
		{"bad questions", `{"questions":[{"question":"Revenue?"},{"question":"SELECT SUM(x) FROM t"},{"question":"  "},{"question":"too many"}]}`,
			nil, map[string]int{InvalidLength: 1, InvalidSQL: 1, InvalidEmpty: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv := map[string]int{}
			qs := parseQuestions(c.text, u, inv)
			var got []string
			for _, q := range qs {
				got = append(got, q.Style)
				if len(q.Concepts) != 1 {
					t.Errorf("concepts %v", q.Concepts)
				}
			}
			if len(got) != len(c.want) || len(inv) != len(c.invalid) {
				t.Fatalf("got styles %v invalid %v, want %v %v", got, inv, c.want, c.invalid)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("style %d: got %s, want %s", i, got[i], c.want[i])
				}
			}
			for k, n := range c.invalid {
				if inv[k] != n {
					t.Errorf("invalid[%s] = %d, want %d", k, inv[k], n)
				}
			}
		})
	}
}

func TestDedupeQuestions(t *testing.T) {
	qs := []Question{{Text: "What was the total freight over the whole period from 2020 to 2024?"},
		{Text: "What was the total freight over the whole period from 2020 to 2024 then?"},
		{Text: "Which shipper carried the most orders?"}}
	kept, removed := dedupeQuestions(qs, 0.9)
	if len(kept) != 2 || removed != 1 || kept[1].Text != qs[2].Text {
		t.Errorf("got %v (removed %d), want the first and the third", kept, removed)
	}
}

func TestOneLine(t *testing.T) {
	cases := map[string]string{
		"SELECT a,\n  b\nFROM t":                  "SELECT a, b FROM t",
		"SELECT 'a  b'\n FROM t -- note\nWHERE x": "SELECT 'a  b' FROM t WHERE x",
		"  SELECT 1  ":                            "SELECT 1",
	}
	for in, want := range cases {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStoreSurvivesATornLine(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.putResponse(cachedResponse{Key: "k1", Choices: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.putUnit("u1", map[string]int{"x": 1}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A kill while writing leaves half a line.
	f, _ := os.OpenFile(filepath.Join(dir, "journal.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"unit":"u2","out":{"x"`)
	f.Close()
	s, err = OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out map[string]int
	if ok, err := s.unit("u1", &out); !ok || err != nil || out["x"] != 1 {
		t.Errorf("u1: %v %v %v", ok, err, out)
	}
	if ok, _ := s.unit("u2", &out); ok {
		t.Error("the torn unit was read")
	}
	if r, ok := s.response("k1"); !ok || r.Choices[0] != "a" {
		t.Errorf("k1: %v %v", r, ok)
	}
	if err := s.putUnit("u3", 3); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "journal.jsonl"))
	if want := "{\"unit\":\"u1\",\"out\":{\"x\":1}}\n{\"unit\":\"u3\",\"out\":3}\n"; string(b) != want {
		t.Errorf("journal:\n%s\nwant\n%s", b, want)
	}
}

func TestLimiterSpacesRequests(t *testing.T) {
	now := time.Unix(0, 0)
	var waits []time.Duration
	l := newLimiter(120, func() time.Time { return now }, func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	})
	for range 3 {
		if err := l.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if len(waits) != 2 || waits[0] != 500*time.Millisecond || waits[1] != time.Second {
		t.Errorf("waits %v, want [500ms 1s] at 120 requests a minute", waits)
	}
}

func TestPriceOf(t *testing.T) {
	for name, want := range map[string]float64{"gpt-4o-mini": 0.15, "gpt-4o-mini-2024-07-18": 0.15, "gpt-4o": 2.5, "o3": 2, "qwen2.5-coder": 0} {
		p, ok := PriceOf(name)
		if p.Input != want || ok != (want > 0) {
			t.Errorf("PriceOf(%q) = %v %v, want input %v", name, p, ok, want)
		}
	}
}
