package confidence

import (
	"math"
	"testing"
)

func ptr(f float64) *float64 { return &f }

func TestValue(t *testing.T) {
	ok := Signals{Parses: true, Prepares: true, Executed: true, Executes: true, NonEmpty: true}
	with := func(f func(*Signals)) Signals { s := ok; f(&s); return s }
	tests := []struct {
		name string
		s    Signals
		want float64
	}{
		{"does not parse", Signals{}, 0},
		{"refused", with(func(s *Signals) { s.Refused = true }), 0},
		{"rows, no logprob", ok, 0.5},
		{"not executed", Signals{Parses: true, Prepares: true}, 0.5},
		{"does not prepare", Signals{Parses: true}, 0.15},
		{"execution failed", with(func(s *Signals) { s.Executes, s.NonEmpty = false, false }), 0.1},
		{"no rows", with(func(s *Signals) { s.NonEmpty = false }), 0.3},
		{"logprob", with(func(s *Signals) { s.MeanLogprob = ptr(math.Log(0.8)) }), 0.8},
		{"positive logprob clamps to 1", with(func(s *Signals) { s.MeanLogprob = ptr(0.3) }), 1},
		{"logprob, no rows", with(func(s *Signals) { s.MeanLogprob, s.NonEmpty = ptr(math.Log(0.8)), false }), 0.48},
		{"half agreement", with(func(s *Signals) { s.Agreement = ptr(0.5) }), 0.375},
		{"full agreement", with(func(s *Signals) { s.Agreement = ptr(1) }), 0.5},
	}
	for _, tt := range tests {
		if got := tt.s.Value(); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParses(t *testing.T) {
	if !Parses("SELECT 1") || Parses("SELEC 1 FROM") || Parses("") {
		t.Error("Parses: want true for SELECT 1, false for garbage and empty")
	}
}
