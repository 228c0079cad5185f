package planner_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/backend"
	"github.com/sqlforge/sqlforge/internal/model/openaitest"
	"github.com/sqlforge/sqlforge/internal/model/planner"
)

const testKey = "sk-test"

// chatPlanner is a Chat planner whose model is the loopback server, answering each sample
// with the reply of its position.
func chatPlanner(t *testing.T, w *world, replies []string) (*planner.Chat, *openaitest.Server) {
	t.Helper()
	srv := openaitest.New(t)
	srv.Key = testKey
	srv.Reply = func(_ openaitest.ChatRequest, i int) string { return replies[i%len(replies)] }
	ref, err := model.ParseRef("openai:gpt-test")
	if err != nil {
		t.Fatal(err)
	}
	env := model.MapEnv(map[string]string{model.EnvOpenAIAPIKey: testKey, model.EnvOpenAIBaseURL: srv.BaseURL()})
	b, err := backend.Open(context.Background(), ref, env)
	if err != nil {
		t.Fatal(err)
	}
	c := planner.NewChat(w.env, b, "plan:openai:gpt-test")
	c.Samples = len(replies)
	return c, srv
}

func TestChat(t *testing.T) {
	w := northwind(t)
	const byCategory = `{"measures":["revenue"],"group_by":[{"dim":"category"}]}`
	cases := []struct {
		name    string
		replies []string
		want    string // plan text; "" when no answer is valid
		reject  string // in the first rejection's reason
	}{
		{"an unknown metric, then a valid plan",
			[]string{`{"measures":["revnue"],"group_by":[{"dim":"category"}]}`, byCategory},
			"revenue by category", `unknown metric "revnue"`},
		{"a fenced valid plan after prose",
			[]string{"I think the plan is revenue by category.", "```json\n" + byCategory + "\n```"},
			"revenue by category", "plan: $"},
		{"an unknown dimension only",
			[]string{`{"measures":["revenue"],"group_by":[{"dim":"categroy"}]}`},
			"", `group_by[0].dim`},
		{"no JSON at all",
			[]string{"Sorry, I cannot help with that."},
			"", "answer 1: plan: $"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := chatPlanner(t, w, tc.replies)
			ans, err := c.Answer(context.Background(), "Revenue by category")
			switch {
			case tc.want == "":
				if !errors.Is(err, planner.ErrNoPlan) || ans.SQL != "" {
					t.Fatalf("got %q, %v; want ErrNoPlan and no SQL", ans.PlanText, err)
				}
			case err != nil:
				t.Fatalf("Answer: %v (rejected %+v)", err, ans.Rejected)
			case ans.PlanText != tc.want || ans.SQL == "":
				t.Fatalf("answer %q (SQL %q), want %q", ans.PlanText, ans.SQL, tc.want)
			}
			if len(ans.Rejected) == 0 || !strings.Contains(ans.Rejected[0].Reason, tc.reject) {
				t.Errorf("Rejected = %+v, want the first to say %q", ans.Rejected, tc.reject)
			}
			if ans.Raw != strings.Join(tc.replies, "\n") {
				t.Errorf("Raw = %q, want the model's replies", ans.Raw)
			}
			checkPlanRequest(t, srv, len(tc.replies))
		})
	}
}

// checkPlanRequest: one request, asking for n answers under the query_plan JSON schema, with
// the ontology's catalogue as the system prompt.
func checkPlanRequest(t *testing.T, srv *openaitest.Server, n int) {
	t.Helper()
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	body := reqs[0].Body
	rf := body.ResponseFormat
	if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil || rf.JSONSchema.Name != "query_plan" || rf.JSONSchema.Schema == nil {
		t.Fatalf("response_format = %s, want json_schema named query_plan with a schema", reqs[0].Raw["response_format"])
	}
	if !strings.Contains(string(reqs[0].Raw["response_format"]), `"revenue"`) {
		t.Errorf("the schema does not enumerate the metric ids: %s", reqs[0].Raw["response_format"])
	}
	got := 1 // an absent n is one answer
	if body.N != nil {
		got = *body.N
	}
	if got != n {
		t.Errorf("n = %d, want %d", got, n)
	}
	if len(body.Messages) != 2 || body.Messages[0].Role != "system" || !strings.Contains(body.Messages[0].Content.(string), "Metrics:") {
		t.Errorf("messages %+v: want the catalogue as the system prompt and the question", body.Messages)
	}
}

func TestChatModelError(t *testing.T) {
	w := northwind(t)
	c, srv := chatPlanner(t, w, []string{"{}"})
	srv.Enqueue(openaitest.Step{Status: 400})
	_, err := c.Answer(context.Background(), "Revenue by category")
	if err == nil || errors.Is(err, planner.ErrNoPlan) || !strings.Contains(err.Error(), "plan:openai:gpt-test") {
		t.Errorf("err = %v, want the model's error naming the planner", err)
	}
}
