package serve

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/openaitest"
	"github.com/sqlforge/sqlforge/internal/train/pretrain"
)

// The three follow-ups every model kind is asked after "Revenue by category", in one
// conversation: a filter, a limit and a grouping change.
var followUps = []struct {
	q string
	// plan is the plan text a plan model answers with, the previous plan edited.
	plan string
	// sql is a fragment of its SQL.
	sql string
}{
	{"only for Germany", "revenue by category where customer_country = 'Germany'", "'Germany'"},
	{"just the top 3", "revenue by category where customer_country = 'Germany' top 3", "LIMIT 3"},
	{"by year instead", "revenue by order_year where customer_country = 'Germany' top 3", "'Germany'"},
}

// TestFollowUpEveryModelKind: after "Revenue by category", each kind of model is asked to
// filter, limit and regroup in the same conversation. Plan models (plan:knn, plan:local,
// plan:openai) edit the previous plan and say so; a chat SQL model is given the conversation
// and its changed SQL is reported as refined; knn and local raw-SQL models answer with
// follow_up.supported false and a warning that says so, never silently.
func TestFollowUpEveryModelKind(t *testing.T) {
	if testing.Short() {
		t.Skip("sets up six models")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	chat := openaitest.New(t)
	chat.Reply = func(req openaitest.ChatRequest, _ int) string {
		text := func(i int) string { s, _ := req.Messages[i].Content.(string); return s }
		last := text(len(req.Messages) - 1)
		if strings.Contains(text(0), "plan") && strings.Contains(last, "Revenue by category") {
			return `{"measures":["revenue"],"group_by":[{"dim":"category"}]}`
		}
		sql := "SELECT c.CategoryName, SUM(od.UnitPrice * od.Quantity) AS revenue FROM order_details od JOIN Products p ON p.ProductID = od.ProductID JOIN Categories c ON c.CategoryID = p.CategoryID"
		var conv strings.Builder
		for i := range req.Messages {
			conv.WriteString(text(i) + "\n")
		}
		all := conv.String()
		if strings.Contains(all, "Germany") {
			sql += " JOIN Orders o ON o.OrderID = od.OrderID JOIN Customers cu ON cu.CustomerID = o.CustomerID WHERE cu.Country = 'Germany'"
		}
		if strings.Contains(all, "by year") {
			sql = strings.Replace(sql, "c.CategoryName", "strftime('%Y', o.OrderDate)", 1) + " GROUP BY 1"
		} else {
			sql += " GROUP BY 1"
		}
		if strings.Contains(all, "top 3") {
			sql += " ORDER BY 2 DESC LIMIT 3"
		}
		return "```sql\n" + sql + "\n```"
	}
	t.Setenv(model.EnvOpenAIBaseURL, chat.BaseURL())
	t.Setenv(model.EnvOpenAIAPIKey, "test-key")
	local := tinyLocalModel(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, kind := range []struct {
		ref       string
		plan      bool
		supported bool
	}{
		{"plan:knn", true, true},
		{"plan:local:" + local, true, true},
		{"plan:openai:gpt-4o-mini", true, true},
		{"openai:gpt-4o-mini", false, true},
		{"knn", false, false},
		{"local:" + local, false, false},
	} {
		t.Run(kind.ref, func(t *testing.T) {
			svc, closeAll, err := Setup(context.Background(), SetupOptions{Model: kind.ref, GenSize: 300, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			defer closeAll()
			if strings.HasPrefix(kind.ref, "local:") {
				// a random model writes no SQL: in its place, one that answers every question
				// with the same query, under the local model's name
				name := svc.Model()
				b := &scripted{answer: func(context.Context, model.Request) (string, error) {
					return "SELECT CategoryName FROM Categories", nil
				}}
				svc.cfg.Backend = named{b, name}
			}
			ctx := context.Background()
			first, err := svc.Generate(ctx, GenerateRequest{Question: "Revenue by category"})
			if err != nil {
				t.Fatalf("first question: %v", err)
			}
			if first.FollowUp != nil {
				t.Errorf("a first question has follow_up %+v", first.FollowUp)
			}
			prevSQL := first.SQL
			for _, f := range followUps {
				r, err := svc.Generate(ctx, GenerateRequest{Question: f.q, ConversationID: first.ConversationID})
				if err != nil {
					t.Fatalf("%q: %v", f.q, err)
				}
				fu := r.FollowUp
				if fu == nil || fu.Message == "" {
					t.Fatalf("%q: follow_up %+v, want one with a message", f.q, fu)
				}
				if fu.Supported != kind.supported {
					t.Errorf("%q: supported %v, want %v (%s)", f.q, fu.Supported, kind.supported, fu.Message)
				}
				unchanged := r.SQL == prevSQL
				if fu.Refined == unchanged {
					t.Errorf("%q: refined %v but the SQL changed: %v", f.q, fu.Refined, !unchanged)
				}
				if (!fu.Supported || !fu.Refined) && !hasWarning(r.Warnings, fu.Message) {
					t.Errorf("%q: follow-up not applied, and no warning says so: %q", f.q, r.Warnings)
				}
				if kind.plan || kind.ref == "openai:gpt-4o-mini" {
					if !fu.Refined || !strings.Contains(r.SQL, f.sql) {
						t.Errorf("%q: refined %v (%s), SQL %q; want it refined, with %s", f.q, fu.Refined, fu.Message, r.SQL, f.sql)
					}
				}
				if kind.plan && r.PlanText != f.plan {
					t.Errorf("%q: plan %q, want %q", f.q, r.PlanText, f.plan)
				}
				prevSQL = r.SQL
			}
		})
	}
}

// named is a backend under another name.
type named struct {
	*scripted
	name string
}

func (n named) Name() string { return n.name }

func hasWarning(ws []string, msg string) bool {
	for _, w := range ws {
		if strings.Contains(w, msg) {
			return true
		}
	}
	return false
}

// tinyLocalModel writes a randomly initialised one-layer model, with a tokenizer, and returns
// its folder.
func tinyLocalModel(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	recs := []dataset.Record{{Question: "How many orders are there?", SQL: "SELECT COUNT(*) FROM Orders"}}
	tok, err := pretrain.TrainTokenizer(recs, 300)
	if err != nil {
		t.Fatal(err)
	}
	shape := pretrain.Shape{Hidden: 16, Layers: 1, Heads: 2, KVHeads: 1, Intermediate: 32, Context: 1024}
	m, err := lm.NewModel(pretrain.ModelConfig(shape, tok.VocabSize()))
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(1, 0.1)
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	if err := pretrain.WriteTokenizer(dir, tok, shape.Context); err != nil {
		t.Fatal(err)
	}
	return dir
}
