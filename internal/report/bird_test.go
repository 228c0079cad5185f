package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/eval"
)

// birdReport evaluates gold on the five-question BIRD fixture, R-VES timed
// vesRepeat times (0: off).
func birdReport(t *testing.T, vesRepeat int) *eval.Report {
	t.Helper()
	ctx := context.Background()
	items, err := eval.Load(ctx, "bird:../dataset/testdata/bird")
	if err != nil {
		t.Fatal(err)
	}
	dbs := eval.NewDatabases("")
	defer dbs.Close()
	rep, err := eval.Run(ctx, items, []eval.Predictor{eval.Gold{}}, dbs,
		eval.Options{Workers: 2, Mode: "bird", VESRepeat: vesRepeat, Data: "bird:fixture"})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestBIRDDifficultyAndVES: BIRD data get EX per difficulty in report.md and
// report.html and each item's difficulty in the drill-down; the reports say
// how many timings R-VES took, and n/a where it was not measured.
func TestBIRDDifficultyAndVES(t *testing.T) {
	render := func(rep *eval.Report) (md, html string) {
		var m, h bytes.Buffer
		if err := WriteMarkdown(&m, rep); err != nil {
			t.Fatal(err)
		}
		if err := WriteHTML(&h, rep); err != nil {
			t.Fatal(err)
		}
		return m.String(), h.String()
	}

	md, html := render(birdReport(t, 2))
	for _, want := range []string{
		"R-VES over 2 timings per query pair",
		"## EX by BIRD difficulty\n\n| model | simple | moderate | challenging |\n|---|---:|---:|---:|\n| gold | 100.0% (2) | 100.0% (2) | 100.0% (1) |\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "| 100.0% | n/a |") { // F1, then R-VES
		t.Errorf("report.md shows R-VES n/a although it was measured:\n%s", md)
	}
	for _, want := range []string{
		"R-VES over 2 timings per query pair",
		`<table id="difficulty">`, `id="chart-difficulty"`,
		"<tr><td>gold</td><td>100.0% (2)</td><td>100.0% (2)</td><td>100.0% (1)</td></tr>",
		"<tr><td>difficulty</td><td>challenging</td></tr>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(html, "%!") {
		t.Errorf("report.html holds a formatting error (%%!...)")
	}

	md, html = render(birdReport(t, 0))
	if !strings.Contains(md, "R-VES not measured") || !strings.Contains(md, "| 100.0% | n/a |") {
		t.Errorf("without R-VES, report.md should say n/a:\n%s", md)
	}
	if !strings.Contains(html, "R-VES not measured") || !strings.Contains(html, "<td>n/a</td>") || strings.Contains(html, "<td>0.00</td>") {
		t.Errorf("without R-VES, report.html should say n/a, not 0.00")
	}
}
