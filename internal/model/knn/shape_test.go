package knn

import (
	"testing"

	"github.com/sqlforge/sqlforge/internal/prompt"
)

func TestShapeCues(t *testing.T) {
	tests := []struct {
		question string
		has      cues
		lacks    cues
	}{
		{"How many orders were placed in 2022?", cueCount | cueYear, cueGrouped | cueTop | cueMonthly},
		{"Top 5 employees by number of orders", cueTop | cueGrouped | cueNumber, cueYear},
		{"Monthly revenue in 2023", cueMonthly | cueYear, cueGrouped},
		{"Show country of origins performing below the mean on number of suppliers.", cueMean, cueYear},
		{"Which suppliers had average product price more than 26?", cueThreshold | cueNumber, cueMean},
		{"What was the percentage growth in net sales between 2023 and 2024?", cueChange | cueBetweenYears | cueYear, cueGrouped},
		{"During March 2022, what was our otd?", cueMonth, cueGrouped},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			got := shapeCues(tt.question)
			if got&tt.has != tt.has {
				t.Errorf("cues %b lack %b", got, tt.has&^got)
			}
			if got&tt.lacks != 0 {
				t.Errorf("cues %b have %b", got, got&tt.lacks)
			}
		})
	}
}

func TestRerankPrefersTheQuestionsShape(t *testing.T) {
	hits := []prompt.Hit{
		{Example: prompt.Example{Question: "Rank the employees by orders in 2022"}, Pos: -1, Score: 10},
		{Example: prompt.Example{Question: "How many orders were placed in 2021?"}, Pos: -1, Score: 8},
		{Example: prompt.Example{Question: "How many orders were placed?"}, Pos: -1, Score: 9},
	}
	got := rerank("How many orders in 2022?", hits, nil, 2)
	if len(got) != 2 {
		t.Fatalf("rerank kept %d hits; want 2", len(got))
	}
	if want := "How many orders were placed in 2021?"; got[0].Example.Question != want {
		t.Errorf("best = %q; want %q", got[0].Example.Question, want)
	}
	if got[0].Score > 8 || got[1].Score >= got[0].Score {
		t.Errorf("scores %v, %v: want reranked scores, best first, never above BM25", got[0].Score, got[1].Score)
	}
}
