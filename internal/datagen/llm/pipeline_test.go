package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/sqlforge/sqlforge/internal/database"
	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/datagen/llm"
	"github.com/sqlforge/sqlforge/internal/datagen/llm/llmtest"
	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/openaitest"
	"github.com/sqlforge/sqlforge/internal/ontology"
	"github.com/sqlforge/sqlforge/internal/schema"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// world is Northwind with its ontology, schema and a few deterministic examples.
type world struct {
	db       *database.DB
	ont      *ontology.Ontology
	sch      *schema.Schema
	examples []dataset.Record
}

var (
	worldOnce sync.Once
	shared    world
	worldErr  error
)

func northwind(t *testing.T) world {
	t.Helper()
	worldOnce.Do(func() {
		ctx := context.Background()
		if shared.db, worldErr = database.Open(ctx, "northwind"); worldErr != nil {
			return
		}
		if shared.ont, worldErr = ontology.LoadRef("northwind"); worldErr != nil {
			return
		}
		if shared.sch, worldErr = schema.Introspect(ctx, shared.db.DB); worldErr != nil {
			return
		}
		shared.examples, _, worldErr = datagen.Generate(ctx, shared.db.DB, shared.ont, datagen.Options{Seed: 1, Size: 40})
	})
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return shared
}

// scripted starts a loopback server answering with a fresh llmtest.Script.
func scripted(t *testing.T) (*openaitest.Server, *llmtest.Script, model.Backend) {
	t.Helper()
	srv := openaitest.New(t)
	sc := &llmtest.Script{}
	srv.Reply = sc.Reply
	b, err := model.NewClient(model.ClientConfig{Name: srv.BaseURL() + "#teacher", Model: "teacher",
		Flavor: model.FlavorCompatible, BaseURL: srv.BaseURL(), Concurrency: 4, Retry: model.RetryPolicy{MaxRetries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	return srv, sc, b
}

func options(t *testing.T, w world, b model.Backend, dir string) llm.Options {
	t.Helper()
	st, err := llm.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return llm.Options{QuestionModel: b, QuestionModelName: "gpt-4o-mini", SQLModelName: "gpt-4o-mini", Store: st,
		Questions: 32, K: 3, Triplets: 3, Examples: w.examples, DB: "northwind", Workers: 4}
}

// expected is the reason each catalog behaviour must be rejected for ("" = kept) and the
// agreement of kept ones.
var expected = map[string]struct {
	reason    string
	agreement float64
}{
	llmtest.Good: {"", 1}, llmtest.Slow: {"", 1}, llmtest.MinorWrong: {"", 0.6667},
	llmtest.Split: {llm.RejectNoMajority, 0}, llmtest.Prose: {llm.RejectMalformed, 0}, llmtest.Broken: {llm.RejectSQLError, 0},
	llmtest.NoRows: {llm.RejectEmpty, 0}, llmtest.OtherIntent: {llm.RejectBackTranslation, 0},
}

func behaviour(question string) string {
	for _, e := range llmtest.Catalog {
		if strings.Contains(strings.ToLower(question), strings.ToLower(e.Phrase)) {
			return e.Behaviour
		}
	}
	return ""
}

func TestPipelineKeepsOnlyWhatTheDatabaseAgreesWith(t *testing.T) {
	t.Parallel()
	w := northwind(t)
	_, _, b := scripted(t)
	ctx := context.Background()
	res, err := llm.Run(ctx, w.db.DB, w.ont, w.sch, options(t, w, b, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	ex := sqlexec.NewSQLite(w.db.DB)
	seen := map[string]int{}
	for _, p := range res.Pairs {
		if p.Context != "" {
			continue // triplets, below
		}
		bh := behaviour(p.Question)
		seen[bh]++
		want := expected[bh]
		if want.reason != "" || p.Agreement != want.agreement {
			t.Errorf("kept %q (%s) with agreement %v; want reason %q, agreement %v", p.Question, bh, p.Agreement, want.reason, want.agreement)
		}
		r, err := ex.Query(ctx, p.SQL, sqlexec.Options{})
		if err != nil || len(r.Rows) == 0 || p.Rows != len(r.Rows) || p.ResultHash == "" {
			t.Errorf("kept %q: SQL %q gives %v rows (record says %d), err %v", p.Question, p.SQL, r, p.Rows, err)
		}
		if p.Source != "llm:gpt-4o-mini" || p.Shape != llm.ShapeLLM || p.Group == "" || p.Style == "" || len(p.Concepts) == 0 {
			t.Errorf("kept pair lacks provenance: %+v", p.Record)
		}
	}
	for _, r := range res.Rejected {
		if r.Context != "" || r.Question == "" && r.Reason == llm.RejectMalformed {
			continue
		}
		bh := behaviour(r.Question)
		seen[bh]++
		if want := expected[bh]; r.Reason != want.reason {
			t.Errorf("rejected %q (%s) for %q (%s); want %q", r.Question, bh, r.Reason, r.Detail, want.reason)
		}
	}
	for bh := range expected {
		if seen[bh] == 0 {
			t.Errorf("behaviour %s never exercised (seen %v)", bh, seen)
		}
	}
	rep := res.Report
	if rep.Questions.Invalid[llm.InvalidJSON] != 1 || rep.Questions.Invalid[llm.InvalidDuplicate] == 0 {
		t.Errorf("question stage: got invalid %v, want 1 malformed_json and some near_duplicate", rep.Questions.Invalid)
	}
	if rep.Triplets.Kept != 1 || rep.Rejected[llm.RejectMalformed] == 0 || rep.Rejected[llm.RejectSQLError] < 2 {
		t.Errorf("triplets: got kept %d, rejected %v; want 1 kept, a malformed and a failing one", rep.Triplets.Kept, rep.Rejected)
	}
	if rep.Usage[llm.StageSQL].Requests == 0 || rep.Usage[llm.StageBack].PromptTokens == 0 || rep.CostUSD <= 0 {
		t.Errorf("usage %+v, cost %v: want counted tokens and a price", rep.Usage, rep.CostUSD)
	}
	if rep.Diversity.Questions != rep.Questions.Kept || len(rep.Diversity.ByStyle) < 6 || rep.Diversity.MeanNearest >= 0.9 {
		t.Errorf("diversity %+v", rep.Diversity)
	}
	if res.Run.Sent.Requests == 0 || res.Run.Sent.Requests != sumRequests(rep.Usage) {
		t.Errorf("run sent %+v, report usage %+v: a first run sends every request", res.Run.Sent, rep.Usage)
	}
}

func sumRequests(u map[string]llm.Tokens) int {
	n := 0
	for _, t := range u {
		n += t.Requests
	}
	return n
}

func fingerprint(t *testing.T, res *llm.Result) string {
	t.Helper()
	b, err := json.Marshal(struct {
		P []llm.Pair
		R []llm.Rejection
		Q []llm.Question
		M llm.Report
	}{res.Pairs, res.Rejected, res.Questions, res.Report})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRerunCostsNothing(t *testing.T) {
	t.Parallel()
	w := northwind(t)
	srv, _, b := scripted(t)
	dir := t.TempDir()
	first, err := llm.Run(context.Background(), w.db.DB, w.ont, w.sch, options(t, w, b, dir))
	if err != nil {
		t.Fatal(err)
	}
	before := len(srv.Requests())
	again, err := llm.Run(context.Background(), w.db.DB, w.ont, w.sch, options(t, w, b, dir))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()) - before; n != 0 || again.Run.Sent.Requests != 0 || again.Run.CostUSD != 0 {
		t.Errorf("re-run sent %d requests (%+v), want none", n, again.Run)
	}
	if again.Run.Resumed == 0 {
		t.Errorf("re-run resumed no unit from the journal")
	}
	if got, want := fingerprint(t, again), fingerprint(t, first); got != want {
		t.Errorf("re-run differs:\ngot  %.400s\nwant %.400s", got, want)
	}
}

func TestKillAndRestartFinishTheSameJob(t *testing.T) {
	t.Parallel()
	w := northwind(t)
	_, _, b := scripted(t)
	small := func(o llm.Options) llm.Options { o.Questions = 16; return o }
	whole, err := llm.Run(context.Background(), w.db.DB, w.ont, w.sch, small(options(t, w, b, t.TempDir())))
	if err != nil {
		t.Fatal(err)
	}
	total := sumRequests(whole.Report.Usage)

	for _, killAt := range []int{total / 3, total - 3} {
		srv, sc, b := scripted(t)
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		sc.OnRequest = func(n int) {
			if n == killAt {
				cancel()
			}
		}
		opts := small(options(t, w, b, dir))
		if _, err := llm.Run(ctx, w.db.DB, w.ont, w.sch, opts); !errors.Is(err, context.Canceled) {
			t.Fatalf("kill at request %d: got %v, want context.Canceled", killAt, err)
		}
		cancel()
		opts.Store.Close()
		res, err := llm.Run(context.Background(), w.db.DB, w.ont, w.sch, small(options(t, w, b, dir)))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fingerprint(t, res), fingerprint(t, whole); got != want {
			t.Errorf("kill at %d: restarted result differs:\ngot  %.400s\nwant %.400s", killAt, got, want)
		}
		// Only the requests in flight at the kill may be sent twice.
		if sent := len(srv.Requests()); sent > total+opts.Workers {
			t.Errorf("kill at %d: %d requests in all, want at most %d + %d in flight", killAt, sent, total, opts.Workers)
		}
		if res.Run.Resumed == 0 {
			t.Errorf("kill at %d: nothing resumed from the journal", killAt)
		}
	}
}
