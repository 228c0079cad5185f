package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/bqload/bqtest"
)

// TestGenBigQuery runs the BigQuery flow of docs/bigquery.md on goccy/bigquery-emulator:
// db load-bigquery into a dataset of its own, gen with pairs in BigQuery SQL verified on
// the emulator and exports whose prompts show the BigQuery schema and name the engine,
// then eval of the gold on the same URL (EX 100%). Skipped without SQLFORGE_TEST_BIGQUERY_URL.
func TestGenBigQuery(t *testing.T) {
	r := bqtest.URL(t)
	bqtest.Slow(t)
	r.Dataset = "cli_gen"
	url := r.String()
	if code, _, stderr := runCLI(t, "db", "load-bigquery", "--url", url, "--replace"); code != 0 {
		t.Fatalf("load: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "db", "load-bigquery", "--url", url); code != exitInput || !strings.Contains(stderr, "--replace") {
		t.Errorf("second load: exit %d, %s", code, stderr)
	}
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "--json", "gen", "--db", url, "--out", dir, "--size", "150", "--formats", "openai,sql-create-context")
	if code != 0 {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	var sum genSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, stdout)
	}
	if sum.Generated != 150 || sum.Kept < 100 || sum.Stats.Rejected["error"] > 0 {
		t.Fatalf("summary: %+v", sum)
	}
	train, err := os.ReadFile(filepath.Join(dir, "train.jsonl"))
	if err != nil || !strings.Contains(string(train), "CAST(o.OrderDate AS DATE)") && !strings.Contains(string(train), "EXTRACT(") {
		t.Errorf("train.jsonl has no BigQuery date function (%v)", err)
	}
	if !strings.Contains(string(train), `"db":"`+url+`"`) && !strings.Contains(string(train), `"db": "`+url+`"`) {
		t.Errorf("records do not name the database %s", url)
	}
	chat, err := os.ReadFile(filepath.Join(dir, "openai", "train.jsonl"))
	if err != nil || !strings.Contains(string(chat), "specialized in BigQuery") || !strings.Contains(string(chat), "OrderID INT64") {
		t.Errorf("openai export does not show the BigQuery schema (%v)", err)
	}
	code, stdout, stderr = runCLI(t, "--json", "eval", "--data", filepath.Join(dir, "test.jsonl"), "--db", url, "--model", "gold")
	if code != 0 || !strings.Contains(stdout, `"ex": 1`) && !strings.Contains(stdout, `"execution_accuracy": 1`) {
		t.Errorf("eval gold: exit %d\n%s\n%s", code, firstN(stdout, 600), stderr)
	}
}

func firstN(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
