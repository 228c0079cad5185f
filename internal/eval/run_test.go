package eval

import (
	"context"
	"testing"

	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// runNorthwind evaluates the Northwind test items with preds.
func runNorthwind(t *testing.T, opts Options, preds ...func(items []Item) Predictor) *Report {
	t.Helper()
	ctx := context.Background()
	items, err := Load(ctx, "testdata/northwind_test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var ps []Predictor
	for _, p := range preds {
		ps = append(ps, p(items))
	}
	dbs := NewDatabases("northwind")
	defer dbs.Close()
	rep, err := Run(ctx, items, ps, dbs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func gold(_ []Item) Predictor { return Gold{} }

func filePred(path string) func(items []Item) Predictor {
	return func(items []Item) Predictor {
		p, err := OpenFile(path, items)
		if err != nil {
			panic(err)
		}
		return p
	}
}

func TestGoldScoresFull(t *testing.T) {
	for _, mode := range []match.Mode{match.Spider, match.Bird, match.Defog, match.Seed} {
		t.Run(string(mode), func(t *testing.T) {
			rep := runNorthwind(t, Options{Mode: mode, Workers: 2, VESRepeat: 2}, gold)
			s := rep.Models[0].Summary
			if s.EX != 1 || s.EM != 1 || s.Valid != 1 || s.F1 != 1 || s.Scored != 12 || s.BrokenGold != 0 || s.ESM != 1 {
				t.Errorf("gold summary = %+v, want EX, EM, ESM, valid and F1 all 1 on 12 items", s)
			}
			if s.RVES < 25 || s.RVES > 125 {
				t.Errorf("gold R-VES = %v, want within [25, 125]", s.RVES)
			}
		})
	}
}

func TestFilePredictionVerdicts(t *testing.T) {
	rep := runNorthwind(t, Options{Workers: 3}, filePred("testdata/northwind_pred.jsonl"))
	type want struct {
		status, class string
		ex, em, valid bool
	}
	wants := []want{
		0:  {StatusCorrect, "", true, true, true},                         // case differs only
		1:  {StatusWrong, sqlexec.ClassUnknownTable, false, false, false}, // Shipper
		2:  {StatusCorrect, "", true, false, true},                        // columns permuted
		3:  {StatusWrong, match.DiffRows, false, false, true},             // other year
		4:  {StatusCorrect, "", true, false, true},                        // COUNT(*) same counts
		5:  {StatusWrong, match.DiffColumns, false, false, true},          // a column missing
		6:  {StatusCorrect, "", true, false, true},                        // spider strips DISTINCT from both
		7:  {StatusWrong, match.DiffOrder, false, false, true},            // ORDER BY reversed
		8:  {StatusCorrect, "", true, true, true},                         // identical
		9:  {StatusWrong, sqlexec.ClassSyntax, false, false, false},       // SELEC
		10: {StatusWrong, sqlexec.ClassUnknownColumn, false, false, false},
		11: {StatusNoPrediction, ClassGeneration, false, false, false},
	}
	items := rep.Models[0].Items
	for i, w := range wants {
		it := items[i]
		if it.Status != w.status || it.ErrorClass != w.class || *it.Metrics.EX != w.ex || it.Metrics.EM != w.em || it.Metrics.Valid != w.valid {
			t.Errorf("item %d: got status %s class %q ex %v em %v valid %v (%s), want %+v",
				i, it.Status, it.ErrorClass, *it.Metrics.EX, it.Metrics.EM, it.Metrics.Valid, it.Reason+it.PredError, w)
		}
	}
}
