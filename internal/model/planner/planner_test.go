package planner_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/plan"
)

// cand is a candidate as a table row: a plan text (parsed against the ontology), a score and
// what it leaves unexplained.
type cand struct {
	text    string
	score   float64
	missing []string
}

func (w *world) candidates(cs []cand) []planner.Candidate {
	var out []planner.Candidate
	for _, c := range cs {
		out = append(out, w.candidate(c.text, c.score, c.missing...))
	}
	return out
}

func TestChoose(t *testing.T) {
	w := northwind(t)
	cases := []struct {
		name  string
		cands []cand
		// want is the chosen plan's text; one of wantAny when the result ties.
		want    string
		wantAny []string
		// reject is a substring of the first rejection's reason.
		reject      string
		wantMissing []string
		noPlan      bool
	}{
		{name: "an unknown metric is rejected, the next candidate answers",
			cands:  []cand{{"revnue by category", 0.9, nil}, {"revenue by category", 0.5, nil}},
			want:   "revenue by category",
			reject: `unknown metric "revnue" (did you mean revenue?)`},
		{name: "an unknown dimension is rejected",
			cands:  []cand{{"revenue by categroy", 0.9, nil}, {"revenue by category", 0.5, nil}},
			want:   "revenue by category",
			reject: `unknown dimension "categroy"`},
		{name: "an unknown segment is rejected",
			cands:  []cand{{"order_count where shiped_late", 0.9, nil}, {"order_count", 0.5, nil}},
			want:   "order_count",
			reject: `shiped_late`},
		{name: "a plan returning no rows is dropped",
			cands:  []cand{{"revenue by product where category = 'No Such Category'", 0.9, nil}, {"revenue by product top 5", 0.4, nil}},
			want:   "revenue by product top 5",
			reject: "the SQL returned no rows"},
		{name: "a threshold nothing passes answers when it reads the question best",
			cands: []cand{{"units_on_order by category having units_on_order > 500", 1.0, nil}, {"units_on_order by category bottom 1", 0.3, nil}},
			want:  "units_on_order by category having units_on_order > 500"},
		{name: "a threshold nothing passes loses to a plan with rows scored about as well",
			cands:  []cand{{"units_on_order by category having units_on_order > 500", 0.6, nil}, {"units_on_order by category", 0.5, nil}},
			want:   "units_on_order by category",
			reject: "the SQL returned no rows"},
		{name: "two plans with the same rows outvote a higher-scored different one",
			// Northwind has three shippers: the first two return the same three rows.
			cands:   []cand{{"order_count by shipper top 1", 0.8, nil}, {"order_count by shipper", 0.5, nil}, {"order_count by shipper top 10", 0.45, nil}},
			wantAny: []string{"order_count by shipper"}},
		{name: "a higher score wins when the agreeing plans weigh less",
			cands: []cand{{"order_count by shipper top 1", 0.8, nil}, {"order_count by shipper", 0.35, nil}, {"order_count by shipper top 10", 0.3, nil}},
			want:  "order_count by shipper top 1"},
		{name: "nothing survives: ErrNoPlan with what is missing",
			cands: []cand{
				{"phone_number where shipper = 'Speedy Express'", 0.6, []string{"phone"}},
				{"revenue by product where category = 'No Such Category'", 0.3, []string{"phone"}},
			},
			noPlan: true, wantMissing: []string{"phone"}, reject: `unknown metric "phone_number"`},
		{name: "no candidates at all", noPlan: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ans, err := w.env.Choose(context.Background(), w.candidates(tc.cands))
			if tc.noPlan {
				if !errors.Is(err, planner.ErrNoPlan) {
					t.Fatalf("err = %v, want ErrNoPlan", err)
				}
				if ans.SQL != "" || ans.Plan != nil || ans.Confidence != 0 {
					t.Errorf("got SQL %q, plan %v, confidence %v; want none and 0", ans.SQL, ans.Plan, ans.Confidence)
				}
				if !slices.Equal(ans.Missing, tc.wantMissing) {
					t.Errorf("Missing = %q, want %q", ans.Missing, tc.wantMissing)
				}
			} else {
				if err != nil {
					t.Fatalf("Choose: %v (rejected %+v)", err, ans.Rejected)
				}
				want := append([]string{tc.want}, tc.wantAny...)
				if !slices.Contains(want, ans.PlanText) {
					t.Fatalf("chose %q, want %q", ans.PlanText, want)
				}
				if ans.SQL == "" || ans.Explanation == "" || ans.Confidence <= 0 || ans.Confidence > 1 {
					t.Errorf("answer lacks SQL, explanation or a confidence in (0,1]: %+v", ans)
				}
			}
			if tc.reject != "" {
				if len(ans.Rejected) == 0 || !strings.Contains(ans.Rejected[0].Reason, tc.reject) {
					t.Errorf("Rejected = %+v, want the first to say %q", ans.Rejected, tc.reject)
				}
			}
		})
	}
}

// TestChooseConfidence: candidates that agree on the result give a higher confidence than
// candidates of the same scores that split, and each unexplained part lowers it.
func TestChooseConfidence(t *testing.T) {
	w := northwind(t)
	conf := func(cs ...cand) float64 {
		t.Helper()
		ans, err := w.env.Choose(context.Background(), w.candidates(cs))
		if err != nil {
			t.Fatal(err)
		}
		return ans.Confidence
	}
	agree := conf(cand{"order_count by shipper", 0.8, nil}, cand{"order_count by shipper top 10", 0.8, nil})
	split := conf(cand{"order_count by shipper", 0.8, nil}, cand{"order_count by shipper top 1", 0.8, nil})
	alone := conf(cand{"order_count by shipper", 0.8, nil})
	missing := conf(cand{"order_count by shipper", 0.8, []string{"phone"}})
	if !(agree > split) {
		t.Errorf("confidence when agreeing %v, when split %v: want agreeing higher", agree, split)
	}
	if agree != alone {
		t.Errorf("confidence of agreeing plans %v, of one plan %v: want equal (no disagreement)", agree, alone)
	}
	if !(missing < alone) {
		t.Errorf("confidence with a missing part %v, without %v: want lower", missing, alone)
	}
}

func TestKNN(t *testing.T) {
	w := northwind(t)
	if w.knn.Len() == 0 {
		t.Fatal("no plans indexed")
	}
	cases := []struct {
		q        string
		want     string // plan text; "" when the question is not answerable
		wantRows int
	}{
		{"Top 5 products by revenue", "revenue by product top 5", 5},
		{"Which shipping company handled the most orders from 2020 to 2024?", "order_count by shipper in 2020..2024 top 1", 1},
	}
	for _, tc := range cases {
		t.Run(tc.q, func(t *testing.T) {
			ans, err := w.knn.Answer(context.Background(), tc.q)
			if err != nil {
				t.Fatalf("Answer: %v (rejected %+v)", err, ans.Rejected)
			}
			if ans.PlanText != tc.want {
				t.Fatalf("plan %q (confidence %v), want %q", ans.PlanText, ans.Confidence, tc.want)
			}
			if n := w.rows(t, ans.SQL); n != tc.wantRows {
				t.Errorf("SQL returns %d rows, want %d:\n%s", n, tc.wantRows, ans.SQL)
			}
			if ans.Explanation == "" || ans.Confidence < 0.5 {
				t.Errorf("explanation %q, confidence %v: want an explanation and confidence >= 0.5", ans.Explanation, ans.Confidence)
			}
		})
	}
}

// TestKNNUnanswerable: the ontology has no phone numbers, so whatever plan answers does so
// with a low confidence and says what it did not understand.
func TestKNNUnanswerable(t *testing.T) {
	w := northwind(t)
	ans, err := w.knn.Answer(context.Background(), "What is the phone number of Speedy Express?")
	if err != nil && !errors.Is(err, planner.ErrNoPlan) {
		t.Fatal(err)
	}
	if ans.Confidence >= 0.5 || len(ans.Missing) == 0 {
		t.Errorf("plan %q: confidence %v, missing %q; want < 0.5 and something missing", ans.PlanText, ans.Confidence, ans.Missing)
	}
	if !slices.Contains(ans.Missing, "phone") {
		t.Errorf("Missing = %q, want it to name phone", ans.Missing)
	}
}

func TestNewKNNWithoutPlans(t *testing.T) {
	w := northwind(t)
	recs := []dataset.Record{{Question: "q", SQL: "SELECT 1"}, {Question: "q2", SQL: "SELECT 2", PlanText: "no_such_metric"}}
	if _, err := planner.NewKNN(w.env, "plan:knn:empty", recs); err == nil {
		t.Fatal("NewKNN over records without a usable plan: want an error")
	}
}

func TestRefine(t *testing.T) {
	w := northwind(t)
	cases := []struct {
		prev, q string
		want    string
	}{
		// The linker links Germany to customer_country first (ship_country and
		// supplier_country also hold it); the previous breakdown is kept.
		{"revenue by category", "only for Germany", "revenue by category where customer_country = 'Germany'"},
		{"revenue by category", "just the top 3", "revenue by category top 3"},
		{"revenue by category", "by year instead", "revenue by order_year"},
		{"revenue by category where customer_country = 'Germany' top 3", "by year instead", "revenue by order_year where customer_country = 'Germany' top 3"},
		{"order_count where customer_country = 'Germany' in 2022", "by year instead", "order_count by order_year where customer_country = 'Germany' in 2022"},
	}
	for _, tc := range cases {
		t.Run(tc.q, func(t *testing.T) {
			ans, err := w.knn.Refine(context.Background(), w.mustPlan(t, tc.prev), tc.q)
			if err != nil {
				t.Fatalf("Refine: %v", err)
			}
			if strings.Contains(tc.q, "Germany") && !hasFilter(ans.Plan, "customer_country", "Germany") {
				t.Errorf("plan %q lacks the filter customer_country = 'Germany'", ans.PlanText)
			}
			if ans.PlanText != tc.want {
				t.Errorf("refined %q with %q: got %q, want %q", tc.prev, tc.q, ans.PlanText, tc.want)
			}
		})
	}
}

func hasFilter(p *plan.Plan, dim, value string) bool {
	if p == nil {
		return false
	}
	for _, f := range p.Filters {
		if f.Dim == dim && f.Op == plan.OpEq && slices.Equal(f.Values, []string{value}) {
			return true
		}
	}
	return false
}

func TestOpen(t *testing.T) {
	w := northwind(t)
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "train.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := dataset.WriteJSONL(f, w.recs); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t.Run("plan:knn:DIR reads DIR/train.jsonl", func(t *testing.T) {
		ref, err := model.ParseRef("plan:knn:" + dir)
		if err != nil {
			t.Fatal(err)
		}
		p, err := planner.Open(ctx, ref, w.env, model.MapEnv(nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		k, ok := p.(*planner.KNN)
		if !ok || k.Len() != w.knn.Len() {
			t.Fatalf("got %T, want a KNN over the %d plans written", p, w.knn.Len())
		}
		if ans, err := p.Answer(ctx, "Top 5 products by revenue"); err != nil || ans.PlanText != "revenue by product top 5" {
			t.Errorf("answer %q, %v", ans.PlanText, err)
		}
	})
	for _, tc := range []struct{ name, ref, wantErr string }{
		{"a non-plan reference", "knn:" + dir, "not a plan: reference"},
		{"a missing dataset", "plan:knn:" + filepath.Join(dir, "nope"), "read dataset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref, err := model.ParseRef(tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			_, err = planner.Open(ctx, ref, w.env, model.MapEnv(nil), nil)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Open(%s) = %v, want an error saying %q", tc.ref, err, tc.wantErr)
			}
		})
	}
}
