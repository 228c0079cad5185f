package dataset

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestBalanceCapsCellsKeepsGroups(t *testing.T) {
	recs := synthetic(400)
	// Make one cell dominant: every record of group g0..g199 becomes easy/single.
	for i := range recs {
		if i < len(recs)/2 {
			recs[i].Hardness, recs[i].Shape = "easy", "single"
		}
	}
	out, rep := Balance(recs, BalanceOptions{Seed: 1, Cap: 100})
	st := Stats("", out)
	for cell, n := range st.ByCell {
		if n > 100 {
			t.Errorf("cell %s has %d records, cap 100", cell, n)
		}
	}
	if rep.Dropped["easy/single"] == 0 || rep.Kept != len(out) {
		t.Errorf("report %+v", rep)
	}
	// Whole groups: every kept group keeps all of its records from that cell.
	in, got := map[string]int{}, map[string]int{}
	for _, r := range recs {
		in[r.Hardness+r.Shape+r.Group]++
	}
	for _, r := range out {
		got[r.Hardness+r.Shape+r.Group]++
	}
	for k, n := range got {
		if n != in[k] {
			t.Fatalf("group %s split by balancing: kept %d of %d", k, n, in[k])
		}
	}
}

func TestPreprocess(t *testing.T) {
	recs := []Record{
		{Question: "How many orders?", SQL: "SELECT  COUNT(*)\nFROM Orders;"},
		{Question: "how many orders", SQL: "SELECT COUNT(*) FROM Orders"},
		{Question: "Broken?", SQL: "SELEC 1"},
	}
	out, rep, err := Preprocess(context.Background(), recs, PreprocessOptions{
		Validate: func(_ context.Context, sql string) error {
			if strings.HasPrefix(sql, "SELEC ") {
				return errors.New("syntax error")
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].SQL != "SELECT COUNT(*) FROM Orders" || out[0].ID == "" || rep.Invalid != 1 || rep.Dedupe.Removed[ReasonExactQuestion] != 1 {
		t.Fatalf("out %+v, report %+v", out, rep)
	}
}
