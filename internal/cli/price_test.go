package cli

import (
	"encoding/json"
	"math"
	"path/filepath"
	"testing"
)

// TestStatsAndCheckPriceAlike generates a small set on the embedded Northwind, exports it,
// and checks that data stats (on the records) and finetune check (on the OpenAI export that
// would be uploaded) price it alike: one price table, one token counter, one epoch rule
// (issue 15: they said $8.62 and $31.56 for one file).
func TestStatsAndCheckPriceAlike(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nw")
	if code, _, errs := runCLI(t, "gen", "--out", dir, "--size", "30", "--seed", "7", "--formats", "openai"); code != 0 {
		t.Fatalf("gen: exit %d, %s", code, errs)
	}
	var stats struct {
		Cost struct {
			Tokens int     `json:"training_tokens"`
			Epochs int     `json:"epochs"`
			USD    float64 `json:"usd"`
		} `json:"cost"`
	}
	code, out, errs := runCLI(t, "--json", "data", "stats", filepath.Join(dir, "train.jsonl"))
	if code != 0 || json.Unmarshal([]byte(out), &stats) != nil {
		t.Fatalf("data stats: exit %d, %s%s", code, out, errs)
	}
	var check struct {
		Tokens int     `json:"billed_tokens_per_epoch"`
		Epochs int     `json:"epochs"`
		USD    float64 `json:"estimated_cost_usd"`
	}
	code, out, errs = runCLI(t, "--json", "finetune", "check", filepath.Join(dir, "openai", "train.jsonl"))
	if code != 0 || json.Unmarshal([]byte(out), &check) != nil {
		t.Fatalf("finetune check: exit %d, %s%s", code, out, errs)
	}
	if check.USD <= 0 || math.Abs(stats.Cost.USD-check.USD) > 0.02*check.USD {
		t.Errorf("data stats prices $%.4f (%d tokens x %d), finetune check $%.4f (%d tokens x %d): want within 2%%",
			stats.Cost.USD, stats.Cost.Tokens, stats.Cost.Epochs, check.USD, check.Tokens, check.Epochs)
	}

	// The old spelling of --price-model still works, hidden, for one release.
	code, out, errs = runCLI(t, "--json", "data", "stats", "--model", "gpt-4o-2024-08-06", filepath.Join(dir, "train.jsonl"))
	if code != 0 || json.Unmarshal([]byte(out), &stats) != nil {
		t.Fatalf("data stats --model: exit %d, %s%s", code, out, errs)
	}
	if want := check.USD * 25 / 3; math.Abs(stats.Cost.USD-want) > 0.02*want {
		t.Errorf("data stats --model gpt-4o-2024-08-06: $%.4f, want $%.4f", stats.Cost.USD, want)
	}
}
