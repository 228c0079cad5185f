package backend_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/backend"
)

func TestOpenErrors(t *testing.T) {
	for _, c := range []struct {
		ref  model.Ref
		env  map[string]string
		want string
		na   bool
	}{
		{model.Ref{Scheme: "gopher", Name: "x"}, nil, `the "gopher" backend is not available`, true},
		{model.Ref{Scheme: model.SchemeKNN, Name: "/nonexistent/train.jsonl"}, nil, "opening model knn:/nonexistent/train.jsonl", false},
		{model.Ref{Scheme: model.SchemeLocal, Name: "/nonexistent/model"}, nil, "opening model local:/nonexistent/model", false},
		{model.Ref{Scheme: model.SchemeOpenAI, Name: "gpt-4o-mini"}, map[string]string{}, "OPENAI_API_KEY", false},
	} {
		_, err := backend.Open(context.Background(), c.ref, model.MapEnv(c.env))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%s) = %v, want an error containing %q", c.ref, err, c.want)
		}
		if c.na != errors.Is(err, model.ErrNotAvailable) {
			t.Errorf("Open(%s): errors.Is(ErrNotAvailable) = %v, want %v", c.ref, !c.na, c.na)
		}
	}
}

func TestSchemesCoverReferences(t *testing.T) {
	for _, s := range []string{model.SchemeKNN, model.SchemeLocal, model.SchemeOpenAI, model.SchemeAzure, model.SchemeOllama, model.SchemeHTTP} {
		found := false
		for _, x := range backend.Schemes {
			found = found || x == s
		}
		if !found {
			t.Errorf("backend.Schemes lacks %q", s)
		}
	}
}
