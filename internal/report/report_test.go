package report

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlforge/sqlforge/internal/confidence"
	"github.com/sqlforge/sqlforge/internal/eval"
)

var update = flag.Bool("update", false, "rewrite golden files")

// confident answers like a predictions file, as a model reporting a mean token
// log-probability of ln 0.9 for every answer, so its items get a confidence.
type confident struct{ *eval.FilePredictor }

func (confident) Name() string { return "confident" }

func (p confident) Predict(ctx context.Context, it eval.Item, schema string) (eval.Prediction, error) {
	pred, err := p.FilePredictor.Predict(ctx, it, schema)
	lp := math.Log(0.9)
	pred.Confidence = &confidence.Signals{MeanLogprob: &lp}
	return pred, err
}

// threeModels evaluates gold, a predictions file and the same file with a
// confidence on the Northwind test items.
func threeModels(t *testing.T) *eval.Report {
	t.Helper()
	ctx := context.Background()
	items, err := eval.Load(ctx, "../eval/testdata/northwind_test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	p, err := eval.OpenFile("../eval/testdata/northwind_pred.jsonl", items)
	if err != nil {
		t.Fatal(err)
	}
	dbs := eval.NewDatabases("northwind")
	defer dbs.Close()
	rep, err := eval.Run(ctx, items, []eval.Predictor{eval.Gold{}, p, confident{p}}, dbs, eval.Options{Workers: 2, Data: "northwind_test.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	rep.Models[1].Model = "file:northwind_pred.jsonl"
	return rep
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if d := cmp.Diff(string(got), string(want)); d != "" {
		t.Errorf("%s differs (-got +want):\n%s", name, d)
	}
}

func TestGoldenReports(t *testing.T) {
	rep := threeModels(t)
	var js, md bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", js.Bytes())
	golden(t, "report.md", md.Bytes())
}

func TestCompare(t *testing.T) {
	rep := threeModels(t)
	a := &eval.Report{Version: 1, Items: rep.Items, Models: rep.Models[1:2]}
	b := &eval.Report{Version: 1, Items: rep.Items, Models: rep.Models[0:1]}
	diffs, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 1 || len(diffs[0].Fixed) != 7 || len(diffs[0].Broken) != 0 || diffs[0].Unchanged != 5 {
		t.Fatalf("diffs = %+v, want 7 fixed, 0 broken, 5 unchanged", diffs)
	}
	back, _ := Compare(b, a)
	if len(back[0].Broken) != 7 || len(back[0].Fixed) != 0 {
		t.Errorf("reverse: %d broken %d fixed, want 7 and 0", len(back[0].Broken), len(back[0].Fixed))
	}
	if _, err := Compare(a, &eval.Report{Version: 1, Items: 3, Models: rep.Models[:1]}); err == nil {
		t.Error("compare of different datasets: no error")
	}
}

func TestHTMLRendersInChromium(t *testing.T) {
	rep := threeModels(t)
	dir := t.TempDir()
	if err := WriteDir(dir, rep); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "https://", "<link"} {
		if bytes.Contains(bytes.ToLower(page), []byte(bad)) {
			t.Errorf("report.html contains %q: not self-contained", bad)
		}
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed")
	}
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+t.TempDir(),
		"--dump-dom", "file://"+filepath.Join(dir, HTMLFile))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	dom := string(out)
	for _, id := range []string{"chart-metrics", "chart-hardness", "chart-errors", "chart-latency", "chart-calibration"} {
		if !strings.Contains(dom, `<svg id="`+id+`"`) {
			t.Errorf("rendered DOM has no svg #%s", id)
		}
	}
	if n := strings.Count(dom, `<rect class="bar"`); n < 2*6 {
		t.Errorf("rendered DOM has %d bars, want at least 12 (6 metrics × 2 models)", n)
	}
	if n := strings.Count(dom, `<details class="item"`); n != 36 {
		t.Errorf("rendered DOM has %d item drill-downs, want 36", n)
	}
	if !strings.Contains(dom, `class="diagonal"`) || strings.Count(dom, `<circle class="calibration-bin"`) < 2 {
		t.Error("reliability chart: want the diagonal and at least 2 bins of the confident model")
	}
	if !strings.Contains(dom, `<table id="calibration">`) {
		t.Error("rendered DOM has no calibration table")
	}
}

// TestIndentJSON: indentJSON indents as json.Indent does, strings untouched.
func TestIndentJSON(t *testing.T) {
	for _, src := range []string{
		`{"a":"x\"{[,:]}","b":[],"c":{},"d":[1,{"e":"]\\"},[[]],{"f":{}}],"g":null,"h":-1.5e3,"i":"\\\\"}` + "\n",
		`[]`, `{}`, `"s"`, `[{"k":[{}]}]` + "\n",
	} {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(src), "", "  "); err != nil {
			t.Fatal(err)
		}
		if got := string(indentJSON(nil, []byte(src), "  ")); got != want.String() {
			t.Errorf("indentJSON(%s) = %s, want %s", src, got, want.String())
		}
	}
}
