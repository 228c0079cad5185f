package serve

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/dialect/sqlite"
	"github.com/sqlforge/sqlforge/internal/model/planner"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/plan"
	"github.com/sqlforge/sqlforge/internal/plan/compile"
)

var (
	planKNNOnce sync.Once
	planKNN     *planner.KNN
	planKNNErr  error
)

// northwindKNN is plan:knn over 300 plans generated from the embedded Northwind, built
// once per test binary.
func northwindKNN(t *testing.T) *planner.KNN {
	t.Helper()
	planKNNOnce.Do(func() { planKNN, planKNNErr = buildKNN(context.Background(), "northwind") })
	if planKNNErr != nil {
		t.Fatal(planKNNErr)
	}
	return planKNN
}

// buildKNN is plan:knn over 300 plans generated from the embedded database name and its
// shipped ontology.
func buildKNN(ctx context.Context, name string) (*planner.KNN, error) {
	db, err := database.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	ont, err := ontology.LoadRef(name)
	if err != nil {
		return nil, err
	}
	env, err := planner.NewEnv(ctx, db.DB, ont, compile.New(ont, sqlite.New()))
	if err != nil {
		return nil, err
	}
	recs, _, err := datagen.GeneratePlans(ctx, db.DB, ont, datagen.Options{Seed: 1, Size: 300})
	if err != nil {
		return nil, err
	}
	return planner.NewKNN(env, "plan:knn:test", recs)
}

// noPlan is a planner no plan ever answers for.
type noPlan struct{ missing []string }

func (noPlan) Name() string { return "plan:none" }

func (p noPlan) Answer(context.Context, string) (planner.Answer, error) {
	return planner.Answer{Missing: p.missing, Candidates: 1,
		Rejected: []planner.Rejection{{Plan: "phone_number", Reason: `unknown metric "phone_number"`}}}, planner.ErrNoPlan
}

func TestPlannedGenerate(t *testing.T) {
	k := northwindKNN(t)
	f := newFixture(t, Config{}, ServiceConfig{Planner: k})
	status, r, e := f.post(t, GenerateRequest{Question: "Top 5 products by revenue", Execute: true}, nil)
	if status != http.StatusOK {
		t.Fatalf("status %d: %+v", status, e)
	}
	if r.PlanText != "revenue by product top 5" || r.Explanation != "Revenue by product, top 5" {
		t.Errorf("plan_text %q, explanation %q", r.PlanText, r.Explanation)
	}
	var p plan.Plan
	if err := json.Unmarshal(r.Plan, &p); err != nil || plan.Format(&p) != r.PlanText {
		t.Errorf("plan %s (%v) is not the JSON form of %q", r.Plan, err, r.PlanText)
	}
	if r.SQL == "" || len(r.Rows) != 5 || len(r.Columns) == 0 {
		t.Errorf("sql %q, %d rows, columns %v: want the SQL executed with 5 rows", r.SQL, len(r.Rows), r.Columns)
	}
	if r.Confidence < LowConfidence || len(r.Warnings) != 0 || r.Model != k.Name() {
		t.Errorf("confidence %v, warnings %q, model %q", r.Confidence, r.Warnings, r.Model)
	}
}

// TestPlannedGenerateHTTPFields: the wire body names the plan fields as documented.
func TestPlannedGenerateHTTPFields(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{Planner: northwindKNN(t)})
	res, err := f.srv.Client().Post(f.srv.URL+"/generate-sql", "application/json", strings.NewReader(`{"question":"Revenue by category"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	var body map[string]json.RawMessage
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	for _, k := range []string{"sql", "plan", "plan_text", "explanation", "confidence", "warnings", "conversation_id"} {
		if _, ok := body[k]; !ok {
			t.Errorf("body %s lacks %q", data, k)
		}
	}
}

// TestPlannedFollowUp: a follow-up in a conversation refines the previous plan; the same
// words in a new conversation are a new question.
func TestPlannedFollowUp(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{Planner: northwindKNN(t)})
	_, first, _ := f.post(t, GenerateRequest{Question: "Revenue by category"}, nil)
	if first.PlanText != "revenue by category" {
		t.Fatalf("first answer %q, want revenue by category", first.PlanText)
	}
	status, next, e := f.post(t, GenerateRequest{Question: "only for Germany", ConversationID: first.ConversationID, Execute: true}, nil)
	if status != http.StatusOK {
		t.Fatalf("status %d: %+v", status, e)
	}
	const want = "revenue by category where customer_country = 'Germany'"
	if next.PlanText != want || next.ConversationID != first.ConversationID {
		t.Errorf("follow-up: plan %q in conversation %q, want %q in %q", next.PlanText, next.ConversationID, want, first.ConversationID)
	}
	if len(next.Rows) == 0 || next.Cached {
		t.Errorf("follow-up: %d rows, cached %v; want rows, not from the cache", len(next.Rows), next.Cached)
	}
	_, fresh, _ := f.post(t, GenerateRequest{Question: "only for Germany"}, nil)
	if fresh.PlanText == want {
		t.Errorf("a new conversation answered %q like the follow-up", fresh.PlanText)
	}
}

func TestPlannedUnanswerable(t *testing.T) {
	cases := []struct {
		name    string
		planner planner.Planner
		noSQL   bool
	}{
		// plan:knn still finds a plan (revenue of the shipper), with a low confidence.
		{"knn", northwindKNN(t), false},
		{"no plan", noPlan{missing: []string{"phone"}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{}, ServiceConfig{Planner: tc.planner})
			status, r, e := f.post(t, GenerateRequest{Question: "What is the phone number of Speedy Express?", Execute: true}, nil)
			if status != http.StatusOK {
				t.Fatalf("status %d: %+v", status, e)
			}
			if tc.noSQL && (r.SQL != "" || r.Confidence != 0 || r.Plan != nil || len(r.Rows) != 0) {
				t.Errorf("got sql %q, confidence %v, plan %s, %d rows; want none and 0", r.SQL, r.Confidence, r.Plan, len(r.Rows))
			}
			if r.Confidence >= LowConfidence {
				t.Errorf("confidence %v, want < %v", r.Confidence, LowConfidence)
			}
			if !anyContains(r.Warnings, "phone") || !containsStr(r.Missing, "phone") {
				t.Errorf("warnings %q, missing %q: want them to name phone", r.Warnings, r.Missing)
			}
		})
	}
}

func anyContains(xs []string, sub string) bool {
	for _, x := range xs {
		if strings.Contains(x, sub) {
			return true
		}
	}
	return false
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// TestPagePlanFields: the page shows the answer's explanation and plan text, marks answers
// under LowConfidence, and loads nothing from elsewhere (the rendering itself is checked in
// headless Chromium by TestPlannedPageInChromium, where one is installed).
func TestPagePlanFields(t *testing.T) {
	f := newFixture(t, Config{}, ServiceConfig{Planner: noPlan{}})
	res, err := f.srv.Client().Get(f.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	page := string(data)
	for _, want := range []string{
		"body.explanation", "body.plan_text", `id: "plan"`, `id: "plan-text"`, `el("code"`,
		"const lowConfidence = " + strconv.FormatFloat(LowConfidence, 'g', -1, 64) + ";",
		"body.confidence < lowConfidence", `.low {`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Index(page, "planLine(body)") > strings.Index(page, `el("pre", {id: "sql"}`) {
		t.Errorf("the plan line is not placed above the SQL")
	}
	for _, external := range []string{`src="http`, `href="http`, "@import", "url(", "//cdn"} {
		if strings.Contains(page, external) {
			t.Errorf("page loads an external asset (%s)", external)
		}
	}
}
