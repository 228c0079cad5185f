package knn

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

func openFixture(t *testing.T) *Backend {
	t.Helper()
	reg := model.NewRegistry()
	Register(reg)
	ref, err := model.ParseRef("knn:testdata/train.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	b, err := reg.Open(context.Background(), ref, model.Env{})
	if err != nil {
		t.Fatal(err)
	}
	kb := b.(*Backend)
	t.Cleanup(func() { kb.Close() })
	return kb
}

func ask(t *testing.T, b *Backend, question string, turns ...model.Turn) (sql, reasoning string, conf float64) {
	t.Helper()
	resp, err := b.Generate(context.Background(), model.Request{Question: question, Turns: turns})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Choices) != 1 || resp.Choices[0].MeanLogprob == nil {
		t.Fatalf("want one choice with a confidence, got %+v", resp.Choices)
	}
	sql, reasoning = model.ExtractSQL(resp.Choices[0].Text)
	return sql, reasoning, math.Exp(*resp.Choices[0].MeanLogprob)
}

// TestAdapt checks that each kind of value is substituted and the result executes with rows.
func TestAdapt(t *testing.T) {
	b := openFixture(t)
	cases := []struct {
		question string
		want     []string // substrings of the adapted SQL
		absent   []string
	}{
		{"What was the revenue in 2022?", []string{"= 2022"}, []string{"2021"}},
		{"How many orders were placed by customers in France?", []string{"'France'"}, []string{"Germany"}},
		{"List the products in the category Condiments.", []string{"'Condiments'"}, []string{"Beverages"}},
		{"Top 3 product names by revenue.", []string{"LIMIT 3"}, []string{"LIMIT 5"}},
		{"Number of orders from 2021-01-01 to 2021-02-28.", []string{"'2021-01-01'", "'2021-03-01'"}, []string{"2022"}},
		{"How many orders were placed in Mar 2022?", []string{"'2022-03'"}, []string{"2020"}},
		{"Total freight in Q3 2022.", []string{"= 2022", "/ 3) = 3"}, []string{"2021"}},
		{"Tell me the title of the employee Peacock.", []string{"'Peacock'"}, []string{"Buchanan"}},
		{"Which products have a unit price above 80?", []string{"> 80"}, []string{"> 50"}},
		{"What is the units in stock of supplier Grandma Kelly's Homestead?", []string{"'Grandma Kelly''s Homestead'"}, []string{"Exotic"}},
	}
	exec := sqlexec.NewSQLite(b.values.db)
	for _, c := range cases {
		t.Run(c.question, func(t *testing.T) {
			sql, reasoning, conf := ask(t, b, c.question)
			for _, w := range c.want {
				if !strings.Contains(sql, w) {
					t.Errorf("got %s, want it to contain %s", sql, w)
				}
			}
			for _, a := range c.absent {
				if strings.Contains(sql, a) {
					t.Errorf("got %s, want no %s", sql, a)
				}
			}
			res, err := exec.Query(context.Background(), sql, sqlexec.Options{MaxRows: 5})
			if err != nil || len(res.Rows) == 0 {
				t.Errorf("adapted SQL does not return rows: %v", err)
			}
			if conf <= 0 || conf >= 1 || !strings.Contains(reasoning, "check: rows") {
				t.Errorf("confidence %v, reasoning %q", conf, reasoning)
			}
		})
	}
}

func TestFollowUpRefinesPreviousAnswer(t *testing.T) {
	b := openFixture(t)
	prevSQL, _, _ := ask(t, b, "How many orders were placed by customers in Germany?")
	sql, reasoning, _ := ask(t, b, "only for Brazil",
		model.Turn{Question: "How many orders were placed by customers in Germany?", SQL: prevSQL})
	if !strings.Contains(sql, "'Brazil'") || !strings.Contains(sql, "COUNT(DISTINCT Orders.OrderID)") {
		t.Errorf("got %s, want the previous query filtered on Brazil", sql)
	}
	if !strings.Contains(reasoning, "Refined the previous query") {
		t.Errorf("reasoning %q does not say it refined", reasoning)
	}
}

func TestConfidenceOrdersOutcomes(t *testing.T) {
	b := openFixture(t)
	_, _, good := ask(t, b, "What was the revenue in 2022?")
	_, _, empty := ask(t, b, "What was the revenue in 1990?") // executes, NULL sum: one row
	_, _, stale := ask(t, b, "How many orders were placed by customers in Atlantis?")
	if !(good > stale) {
		t.Errorf("confidence: exact match %.2f, stale filter value %.2f; want the first higher", good, stale)
	}
	if empty <= 0 || empty > good {
		t.Errorf("confidence of a year with no data %.2f, want in (0, %.2f]", empty, good)
	}
}

func TestSamplesAndErrors(t *testing.T) {
	b := openFixture(t)
	resp, err := b.Generate(context.Background(), model.Request{Question: "revenue of products in 2022", N: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Choices) != 3 {
		t.Errorf("N=3: got %d choices", len(resp.Choices))
	}
	if _, err := b.Generate(context.Background(), model.Request{Question: "qqq zzz"}); err == nil {
		t.Error("a question sharing no word with the dataset: want an error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Generate(ctx, model.Request{Question: "revenue in 2022"}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: got %v", err)
	}
}

func TestExtractValues(t *testing.T) {
	v := extractValues("Top 5 from 2022-04-01 to 2022-05-31, Dec 2020, Q2 2021 and the second quarter of 2023")
	got := [][]string{v.dates, v.months, v.years, v.quarters, v.numbers}
	want := [][]string{{"2022-04-01", "2022-05-31"}, {"2020-12"}, {"2020", "2021", "2023"}, {"2", "2"}, {"5"}}
	for i := range want {
		if strings.Join(got[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("kind %d: got %v, want %v", i, got[i], want[i])
		}
	}
}
