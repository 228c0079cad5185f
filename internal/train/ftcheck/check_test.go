package ftcheck

import (
	"fmt"
	"strings"
	"testing"
)

const good = `{"messages":[{"role":"system","content":"You write SQLite."},{"role":"user","content":"how many orders?"},{"role":"assistant","content":"SELECT count(*) FROM orders"}]}`

func goodLines(n int) []string {
	var out []string
	for i := range n {
		out = append(out, strings.Replace(good, "orders?", fmt.Sprintf("orders in %d?", 2000+i), 1))
	}
	return out
}

func TestRules(t *testing.T) {
	tests := []struct {
		name, line, rule string
		sev              Severity
	}{
		{"invalid json", `{"messages": [`, "invalid_json", Error},
		{"no messages", `{"prompt":"x","completion":"y"}`, "missing_messages_list", Error},
		{"unknown top key", `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}],"extra":1}`, "unrecognized_key", Error},
		{"unknown message key", `{"messages":[{"role":"user","content":"q","foo":1},{"role":"assistant","content":"a"}]}`, "message_unrecognized_key", Error},
		{"bad role", `{"messages":[{"role":"human","content":"q"},{"role":"assistant","content":"a"}]}`, "unrecognized_role", Error},
		{"no role", `{"messages":[{"content":"q"},{"role":"assistant","content":"a"}]}`, "message_missing_key", Error},
		{"empty content", `{"messages":[{"role":"user","content":""},{"role":"assistant","content":"a"}]}`, "missing_content", Error},
		{"no assistant", `{"messages":[{"role":"user","content":"q"}]}`, "example_missing_assistant_message", Error},
		{"weight on user", `{"messages":[{"role":"user","content":"q","weight":1},{"role":"assistant","content":"a"}]}`, "weight_not_assistant", Error},
		{"weight 0.5", `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","weight":0.5}]}`, "invalid_weight", Error},
		{"ends with user", `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"},{"role":"user","content":"thanks"}]}`, "last_not_assistant", Warning},
		{"late system", `{"messages":[{"role":"user","content":"q"},{"role":"system","content":"s"},{"role":"assistant","content":"a"}]}`, "system_not_first", Warning},
		{"empty messages", `{"messages":[]}`, "empty_example", Warning},
		{"too long", `{"messages":[{"role":"user","content":"` + strings.Repeat("word ", 17000) + `"},{"role":"assistant","content":"a"}]}`, "example_too_long", Error},
		{"duplicate", good, "duplicate_example", Warning},
		{"blank", "   ", "empty_line", Warning},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines := append(goodLines(10), good, tc.line) // the bad line is line 12
			rep, err := Check(strings.NewReader(strings.Join(lines, "\n")), "train.jsonl", Options{Model: "gpt-3.5-turbo-0125"})
			if err != nil {
				t.Fatal(err)
			}
			var found []string
			for _, is := range rep.Issues {
				found = append(found, is.String())
				if is.Rule == tc.rule && is.Line == 12 && is.Severity == tc.sev {
					if !strings.HasPrefix(is.String(), "train.jsonl:12: "+string(tc.sev)+": "+tc.rule+": ") {
						t.Errorf("issue reads %q", is.String())
					}
					return
				}
			}
			t.Errorf("got issues %v, want %s %s at line 12", found, tc.sev, tc.rule)
		})
	}
}

func TestGoodFileHasNoIssuesAndACost(t *testing.T) {
	rep, err := Check(strings.NewReader(strings.Join(goodLines(20), "\n")), "t.jsonl", Options{Model: "gpt-4o-mini-2024-07-18", Epochs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Issues) != 0 {
		t.Fatalf("issues %v, want none", rep.Issues)
	}
	if rep.Examples != 20 || rep.Tokens <= 20*10 || rep.BilledTokens != rep.Tokens {
		t.Errorf("examples %d tokens %d billed %d", rep.Examples, rep.Tokens, rep.BilledTokens)
	}
	want := float64(rep.Tokens*2) * 3.00 / 1e6
	if rep.CostUSD != want || rep.Duration <= 0 {
		t.Errorf("cost %v duration %v, want %v and > 0", rep.CostUSD, rep.Duration, want)
	}
}

func TestTooFewAndUnknownModel(t *testing.T) {
	rep, _ := Check(strings.NewReader(good), "t.jsonl", Options{Model: "gpt-5-nonexistent"})
	rules := map[string]bool{}
	for _, is := range rep.Issues {
		rules[is.Rule] = true
	}
	if !rules["too_few_examples"] || !rules["unknown_model"] || rep.CostUSD != 0 {
		t.Errorf("issues %v cost %v, want too_few_examples and unknown_model, no cost", rep.Issues, rep.CostUSD)
	}
	rep, _ = Check(strings.NewReader(good), "v.jsonl", Options{Model: "gpt-4o-mini-2024-07-18", Validation: true})
	if rep.Errors() != 0 {
		t.Errorf("validation file: %v, want no minimum", rep.Issues)
	}
}

func TestDPO(t *testing.T) {
	pair := `{"input":{"messages":[{"role":"user","content":"orders in %d?"}]},"preferred_output":[{"role":"assistant","content":"SELECT count(*) FROM orders"}],"non_preferred_output":[{"role":"assistant","content":"SELECT * FROM orders"}]}`
	var lines []string
	for i := range 10 {
		lines = append(lines, fmt.Sprintf(pair, i))
	}
	bad := `{"input":{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]},"preferred_output":[{"role":"assistant","content":"x"}],"non_preferred_output":[{"role":"user","content":"x"}]}`
	rep, _ := Check(strings.NewReader(strings.Join(append(lines, bad), "\n")), "p.jsonl", Options{Model: "gpt-4o-mini-2024-07-18"})
	if rep.Kind != KindDPO {
		t.Fatalf("kind %s, want dpo", rep.Kind)
	}
	got := map[string]int{}
	for _, is := range rep.Issues {
		got[is.Rule] = is.Line
	}
	if got["input_not_ending_in_user"] != 11 || got["invalid_output"] != 11 || got["identical_outputs"] != 11 || len(rep.Issues) != 3 {
		t.Errorf("issues %v, want input_not_ending_in_user, invalid_output and identical_outputs at line 11", rep.Issues)
	}
}

func TestDefaultEpochs(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{10, 10}, {1, 25}, {50, 3}, {5000, 3}, {20000, 1}} {
		if got := DefaultEpochs(tc.n); got != tc.want {
			t.Errorf("DefaultEpochs(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}
