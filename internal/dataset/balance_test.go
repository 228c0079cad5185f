package dataset

import (
	"context"
	"errors"
	"fmt"
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

func TestBalanceFactorAndProtection(t *testing.T) {
	// 300 medium/single records in 30 groups, 40 easy/lookup in 4 groups, and 8 other small cells.
	var recs []Record
	add := func(hard, shape string, groups, per int) {
		for g := 0; g < groups; g++ {
			for k := 0; k < per; k++ {
				recs = append(recs, Record{Question: fmt.Sprintf("%s %s %d %d", hard, shape, g, k),
					Hardness: hard, Shape: shape, Group: fmt.Sprintf("%s-%s-%d", hard, shape, g)})
			}
		}
	}
	add("medium", "single", 30, 10)
	add("easy", "lookup", 4, 10)
	for i := 0; i < 8; i++ {
		add("hard", fmt.Sprintf("s%d", i), 2, 10)
	}
	cases := []struct {
		name         string
		opts         BalanceOptions
		wantMediumLE int
		wantEasy     int
	}{
		{"default factor 2", BalanceOptions{Seed: 1}, 40, 40},
		{"factor 3", BalanceOptions{Seed: 1, CapFactor: 3}, 60, 40},
		// easy is 40/500 = 8% of the input: protected below 10%, so never capped even with a tiny cap.
		{"protect rare hardness", BalanceOptions{Seed: 1, Cap: 10, ProtectBelow: 0.10}, 10, 40},
		{"no protection", BalanceOptions{Seed: 1, Cap: 10}, 10, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _ := Balance(recs, c.opts)
			st := Stats("", out)
			if got := st.ByCell["medium/single"]; got > c.wantMediumLE || got == 0 {
				t.Errorf("medium/single kept %d, want 1..%d", got, c.wantMediumLE)
			}
			if got := st.ByCell["easy/lookup"]; got != c.wantEasy {
				t.Errorf("easy/lookup kept %d, want %d", got, c.wantEasy)
			}
		})
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
