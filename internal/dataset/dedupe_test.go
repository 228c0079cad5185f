package dataset

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDedupeRules(t *testing.T) {
	rec := func(q, group, hash string) Record {
		return Record{Question: q, SQL: "SELECT 1", Group: group, ResultHash: hash, Shape: "single", Concepts: []string{"revenue"}}
	}
	tests := []struct {
		name    string
		in      []Record
		kept    []string
		removed map[string]int
	}{
		{"exact after case, space and punctuation", []Record{
			rec("What was total revenue in 2021?", "a", ""), rec("what was  total revenue in 2021", "b", ""),
		}, []string{"What was total revenue in 2021?"}, map[string]int{ReasonExactQuestion: 1}},
		{"near in same group", []Record{
			rec("What was the total revenue in 2021?", "a", ""), rec("What was total revenue in 2021?", "a", ""),
		}, []string{"What was the total revenue in 2021?"}, map[string]int{ReasonNearQuestion: 1}},
		{"literal value differs, other group: kept", []Record{
			rec("What was the total revenue in 2021?", "a", "h1"), rec("What was the total revenue in 2022?", "b", "h2"),
		}, []string{"What was the total revenue in 2021?", "What was the total revenue in 2022?"}, map[string]int{}},
		{"capitalised name differs: kept", []Record{
			rec("Show the total revenue for customers in Germany", "a", ""), rec("Show the total revenue for customers in Denmark", "b", ""),
		}, []string{"Show the total revenue for customers in Germany", "Show the total revenue for customers in Denmark"}, map[string]int{}},
		{"quoted value differs: kept", []Record{
			rec("How many orders shipped by 'speedy express'", "a", ""), rec("How many orders shipped by 'speedy expres'", "b", ""),
		}, []string{"How many orders shipped by 'speedy express'", "How many orders shipped by 'speedy expres'"}, map[string]int{}},
		{"only function words differ, other group: removed", []Record{
			rec("what is the total revenue of all the orders", "a", ""), rec("what is the total revenue of all orders", "b", ""),
		}, []string{"what is the total revenue of all the orders"}, map[string]int{ReasonNearQuestion: 1}},
		{"literal differs but same result hash: removed", []Record{
			rec("Total revenue for 2021-01 through 2021-12", "a", "h"), rec("Total revenue for 2021-01 through 2021-12 inclusive", "b", "h"),
		}, []string{"Total revenue for 2021-01 through 2021-12"}, map[string]int{ReasonSameResult: 1}},
		{"same result same intent other group: removed", []Record{
			rec("Revenue in Q1 2021", "a", "h"), rec("Sales for January to March 2021", "b", "h"),
		}, []string{"Revenue in Q1 2021"}, map[string]int{ReasonSameResult: 1}},
		{"same result, same group paraphrase: kept", []Record{
			rec("Revenue in Q1 2021", "a", "h"), rec("Sales for January to March 2021", "a", "h"),
		}, []string{"Revenue in Q1 2021", "Sales for January to March 2021"}, map[string]int{}},
		{"same result, other shape: kept", []Record{
			rec("Revenue in Q1 2021", "a", "h"), func() Record { r := rec("Revenue by month in Q1 2021", "b", "h"); r.Shape = "trend"; return r }(),
		}, []string{"Revenue in Q1 2021", "Revenue by month in Q1 2021"}, map[string]int{}},
		{"other database: kept", []Record{
			rec("How many customers are there", "a", ""), func() Record { r := rec("How many customers are there", "a", ""); r.DB = "chinook"; return r }(),
		}, []string{"How many customers are there", "How many customers are there"}, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, rep := Dedupe(tt.in, DedupeOptions{})
			var got []string
			for _, r := range out {
				got = append(got, r.Question)
			}
			if d := cmp.Diff(got, tt.kept); d != "" {
				t.Errorf("kept (-got +want):\n%s", d)
			}
			if d := cmp.Diff(rep.Removed, tt.removed); d != "" {
				t.Errorf("removed (-got +want):\n%s", d)
			}
			if rep.In != len(tt.in) || rep.Kept != len(out) {
				t.Errorf("report in=%d kept=%d, want %d, %d", rep.In, rep.Kept, len(tt.in), len(out))
			}
		})
	}
}

// TestDedupeMatchesSeedOnNearDuplicates checks that within one group, the kept set is what
// the seed's quadratic loop (keep q unless ratio(q, kept) >= 0.9 for some kept) keeps.
func TestDedupeMatchesSeedOnNearDuplicates(t *testing.T) {
	words := []string{"what", "was", "the", "total", "revenue", "sales", "of", "all", "orders", "shipped", "late", "in", "average", "per", "customer"}
	var in []Record
	for i := 0; i < 400; i++ {
		n := 4 + i%7
		q := ""
		for k := 0; k < n; k++ {
			q += words[(i*7+k*k*3+k*i)%len(words)] + " "
		}
		in = append(in, Record{Question: q, SQL: "SELECT 1", Group: "g"})
	}
	var want []string
	var kept []string
	for _, r := range in {
		nq := NormalizeQuestion(r.Question)
		dup := false
		for _, k := range kept {
			if nq == k || Ratio(nq, k) >= 0.9 {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, nq)
			want = append(want, r.Question)
		}
	}
	out, _ := Dedupe(in, DedupeOptions{})
	var got []string
	for _, r := range out {
		got = append(got, r.Question)
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Fatalf("kept differs from the quadratic seed loop (-got +want):\n%s", d)
	}
}

func BenchmarkDedupe10k(b *testing.B) {
	metrics := []string{"revenue", "freight", "gross profit", "order count", "average order value", "discount rate"}
	dims := []string{"country", "category", "shipper", "employee", "month", "quarter"}
	countries := []string{"Germany", "France", "Brazil", "USA", "UK", "Spain", "Italy", "Mexico"}
	var in []Record
	for i := 0; len(in) < 10000; i++ {
		m, d, c, y := metrics[i%6], dims[(i/6)%6], countries[(i/36)%8], 2020+(i/288)%5
		g := fmt.Sprintf("%d", i)
		for _, f := range []string{"What was the %s by %s in %s for %d?", "Show %s per %s for %s in %d", "%s broken down by %s, %s, %d"} {
			in = append(in, Record{Question: fmt.Sprintf(f, m, d, c, y), SQL: "SELECT 1", Group: g})
		}
	}
	b.ResetTimer()
	for b.Loop() {
		_, rep := Dedupe(in, DedupeOptions{})
		b.ReportMetric(float64(rep.Compared), "ratios/op")
	}
}
