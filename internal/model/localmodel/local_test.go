package localmodel_test

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/lm"
	"github.com/sqlforge/sqlforge/internal/lm/constrain"
	"github.com/sqlforge/sqlforge/internal/lm/peft"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/model/localmodel"
	"github.com/sqlforge/sqlforge/internal/train/local"
	"github.com/sqlforge/sqlforge/internal/train/pretrain"
)

var testRecords = []dataset.Record{
	{Question: "How many albums are there?", SQL: "SELECT COUNT(*) FROM Album"},
	{Question: "List the names of all artists.", SQL: "SELECT Name FROM Artist"},
	{Question: "What is the total of all invoices?", SQL: "SELECT SUM(Total) FROM Invoice"},
	{Question: "Which tracks are longer than 5 minutes?", SQL: "SELECT Name FROM Track WHERE Milliseconds > 300000",
		Context: "CREATE TABLE Track (Name TEXT, Milliseconds INTEGER)"},
}

// writeTinyModel writes a random tiny model with a tokenizer trained on
// testRecords into a temporary directory and returns it.
func writeTinyModel(t *testing.T, seed uint64) (string, *lm.Model) {
	t.Helper()
	dir := t.TempDir()
	tok, err := pretrain.TrainTokenizer(testRecords, 320)
	if err != nil {
		t.Fatal(err)
	}
	shape := pretrain.Shape{Hidden: 32, Layers: 2, Heads: 4, KVHeads: 2, Intermediate: 64, Context: 256}
	m, err := lm.NewModel(pretrain.ModelConfig(shape, tok.VocabSize()))
	if err != nil {
		t.Fatal(err)
	}
	m.InitRandom(seed, 0.1)
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	if err := pretrain.WriteTokenizer(dir, tok, shape.Context); err != nil {
		t.Fatal(err)
	}
	return dir, m
}

func openRef(t *testing.T, ref string) *localmodel.Backend {
	t.Helper()
	r, err := model.ParseRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	reg := model.NewRegistry()
	localmodel.Register(reg, nil)
	b, err := reg.Open(context.Background(), r, model.Env{})
	if err != nil {
		t.Fatal(err)
	}
	return b.(*localmodel.Backend)
}

func ask(t *testing.T, b model.Backend, req model.Request) model.Choice {
	t.Helper()
	resp, err := b.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Choices) != 1 {
		t.Fatalf("got %d choices, want 1", len(resp.Choices))
	}
	return resp.Choices[0]
}

// TestGenerateMatchesModel checks the backend's decoding against lm's own
// greedy Generate and its mean log-probability against a full forward pass.
func TestGenerateMatchesModel(t *testing.T) {
	dir, _ := writeTinyModel(t, 3)
	b := openRef(t, "local:"+dir)
	m := b.Model()
	question := "How many albums are there?"
	ch := ask(t, b, model.Request{Question: question, MaxTokens: 12, Logprobs: true})

	p, err := m.Render(localmodel.Messages(question, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	ids := m.Tokenizer.Encode(p.Text)
	end, _ := m.Tokenizer.TokenID("<|im_end|>")
	want, err := m.LM.Generate(context.Background(), ids, 12, [][]int{{end}})
	if err != nil {
		t.Fatal(err)
	}
	if got, w := ch.Text, m.Tokenizer.DecodeSkipSpecial(want); got != w {
		t.Fatalf("text %q, want %q", got, w)
	}
	// Mean log-probability from one forward pass over prompt + answer.
	seq := append(append([]int{}, ids...), want...)
	n := len(want)
	if ch.FinishReason == "stop" {
		seq, n = append(seq, end), n+1
	}
	acts, err := m.LM.Forward(seq[:len(seq)-1], 1, len(seq)-1, lm.ForwardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	V := m.LM.Config.VocabSize
	var sum float64
	for i := len(ids) - 1; i < len(seq)-1; i++ {
		row := acts.Logits[i*V : (i+1)*V]
		sum += logSoftmax(row, seq[i+1])
	}
	if ch.MeanLogprob == nil {
		t.Fatal("no mean logprob")
	}
	if got, w := *ch.MeanLogprob, sum/float64(n); math.Abs(got-w) > 1e-4 || got > 0 {
		t.Fatalf("mean logprob %v, want %v", got, w)
	}
}

func logSoftmax(row []float32, id int) float64 {
	top := math.Inf(-1)
	for _, v := range row {
		top = math.Max(top, float64(v))
	}
	var s float64
	for _, v := range row {
		s += math.Exp(float64(v) - top)
	}
	return float64(row[id]) - top - math.Log(s)
}

func TestStopSequences(t *testing.T) {
	dir, _ := writeTinyModel(t, 5)
	b := openRef(t, "local:"+dir)
	question := "List the names of all artists."
	full := ask(t, b, model.Request{Question: question, MaxTokens: 10})
	if len(full.Text) < 2 {
		t.Skipf("random model answered %q: too short to cut", full.Text)
	}
	stop := full.Text[len(full.Text)/2:]
	cut := ask(t, b, model.Request{Question: question, MaxTokens: 10, Stop: []string{"\x00never", stop}})
	if want := full.Text[:strings.Index(full.Text, stop)]; cut.Text != want || cut.FinishReason != "stop" {
		t.Fatalf("got %q (%s), want %q (stop)", cut.Text, cut.FinishReason, want)
	}
	if full.FinishReason == "length" && full.Text == cut.Text {
		t.Fatal("stop sequence had no effect")
	}
}

// memorise fully trains m, the model in dir, on testRecords tokenized as
// `sqlforge train` does, and saves it back to dir.
func memorise(t *testing.T, dir string, m *lm.Model) {
	t.Helper()
	lm := openRef(t, "local:"+dir).Model()
	exs, _, err := local.RecordExamples(lm.Tokenizer, lm.Template, testRecords, 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg := local.DefaultConfig(local.ModeFull)
	cfg.MaxSteps, cfg.LearningRate, cfg.EvalEvery, cfg.WeightDecay = 60, 1e-2, 0, 0
	if _, err := local.Train(context.Background(), m, local.Dataset{Train: exs}, cfg, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
}

// TestTrainedAnswer fully trains a tiny model on the records as `sqlforge
// train` tokenizes them and checks that the backend then answers with their
// SQL: training and inference render the same text.
func TestTrainedAnswer(t *testing.T) {
	dir, m := writeTinyModel(t, 7)
	memorise(t, dir, m)
	b := openRef(t, "local:"+dir)
	for _, r := range testRecords {
		ch := ask(t, b, model.Request{Question: r.Question, Schema: r.Context, MaxTokens: 40, Logprobs: true})
		if ch.Text != r.SQL || ch.FinishReason != "stop" {
			t.Errorf("%q: got %q (%s), want %q (stop)", r.Question, ch.Text, ch.FinishReason, r.SQL)
		}
		if *ch.MeanLogprob < -0.5 {
			t.Errorf("%q: mean logprob %v of a memorised answer", r.Question, *ch.MeanLogprob)
		}
	}
}

func TestAdapter(t *testing.T) {
	dir, m := writeTinyModel(t, 9)
	base := ask(t, openRef(t, "local:"+dir), model.Request{Question: "How many albums are there?", MaxTokens: 8})
	if err := m.AddLoRA(lm.LoRAConfig{R: 2, Alpha: 4, TargetModules: []string{"q_proj", "v_proj"}}, 1); err != nil {
		t.Fatal(err)
	}
	adapter := filepath.Join(t.TempDir(), "adapter")
	if err := peft.Save(adapter, m, dir); err != nil {
		t.Fatal(err)
	}
	b := openRef(t, "local:"+dir+"+"+adapter)
	if n := len(b.Model().LM.LoRAParams()); n != 2*2*2 {
		t.Fatalf("got %d LoRA tensors, want 8", n)
	}
	// B is zero: the adapter leaves the answer unchanged.
	if got := ask(t, b, model.Request{Question: "How many albums are there?", MaxTokens: 8}); got.Text != base.Text {
		t.Fatalf("with a zero adapter %q, without %q", got.Text, base.Text)
	}
}

func TestLoadErrors(t *testing.T) {
	dir, _ := writeTinyModel(t, 11)
	for _, tc := range []struct{ name, dir, adapter, want string }{
		{"missing dir", filepath.Join(dir, "nope"), "", "no such file"},
		{"file not dir", filepath.Join(dir, "config.json"), "", "not a directory"},
		{"missing adapter", dir, filepath.Join(dir, "nope"), "adapter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := localmodel.Load(tc.dir, tc.adapter, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	resolved, err := localmodel.Load("tiny", "", func(name string) (string, bool, error) { return dir, name == "tiny", nil })
	if err != nil || resolved.Dir != dir {
		t.Fatalf("resolver: got %v, %v", resolved, err)
	}
	b := openRef(t, "local:"+dir)
	long := strings.Repeat("albums artists tracks ", 200)
	if _, err := b.Generate(context.Background(), model.Request{Question: long}); err == nil || !strings.Contains(err.Error(), "context") {
		t.Fatalf("long prompt: got %v, want a context error", err)
	}
}

// testNames are the tables and columns testRecords' queries use.
var testNames = constrain.Names{Tables: map[string][]string{
	"Album": {"AlbumId", "Title"}, "Artist": {"ArtistId", "Name"}, "Invoice": {"InvoiceId", "Total"},
	"Track": {"Name", "Milliseconds"}}}

// TestConstrainedDecoding checks schema-constrained decoding in the backend:
// an untrained model's answers become valid SELECT prefixes over the names
// (complete ones when it stopped), a trained model's memorised answers are
// unchanged, and a zero Names turns the constraint off again.
func TestConstrainedDecoding(t *testing.T) {
	dir, m := writeTinyModel(t, 5)
	b := openRef(t, "local:"+dir)
	free := ask(t, b, model.Request{Question: "How many albums are there?", MaxTokens: 30})
	b.Constrain(testNames)
	for _, r := range testRecords {
		ch := ask(t, b, model.Request{Question: r.Question, MaxTokens: 30})
		rec, ok := constrain.NewRecognizer(testNames).Feed(ch.Text)
		if !ok {
			t.Errorf("%q: constrained answer %q is not a valid prefix", r.Question, ch.Text)
		}
		if ch.FinishReason == "stop" && !rec.Complete() {
			t.Errorf("%q: stopped on an incomplete query %q", r.Question, ch.Text)
		}
	}
	b.Constrain(constrain.Names{})
	if again := ask(t, b, model.Request{Question: "How many albums are there?", MaxTokens: 30}); again.Text != free.Text {
		t.Errorf("unconstrained again: %q, want %q", again.Text, free.Text)
	}

	memorise(t, dir, m)
	tb := openRef(t, "local:"+dir)
	tb.Constrain(testNames)
	for _, r := range testRecords {
		ch := ask(t, tb, model.Request{Question: r.Question, Schema: r.Context, MaxTokens: 40})
		if ch.Text != r.SQL || ch.FinishReason != "stop" {
			t.Errorf("constrained %q: got %q (%s), want %q (stop)", r.Question, ch.Text, ch.FinishReason, r.SQL)
		}
	}
}

// TestSampling checks temperature sampling in the backend: N choices, each
// choice i equal to lm.GenerateWith's sample with seed Seed+i, reproducible
// for a seed, and a negative temperature refused.
func TestSampling(t *testing.T) {
	dir, _ := writeTinyModel(t, 9)
	b := openRef(t, "local:"+dir)
	m := b.Model()
	question := "List the names of all artists."
	temp, seed := 1.5, 40
	req := model.Request{Question: question, MaxTokens: 10, Temperature: &temp, Seed: &seed, N: 3, Logprobs: true}
	resp, err := b.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Choices) != 3 {
		t.Fatalf("%d choices, want 3", len(resp.Choices))
	}
	p, err := m.Render(localmodel.Messages(question, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	ids := m.Tokenizer.Encode(p.Text)
	end, _ := m.Tokenizer.TokenID("<|im_end|>")
	distinct := map[string]bool{}
	for i, ch := range resp.Choices {
		want, err := m.LM.GenerateWith(context.Background(), ids, lm.GenerateOptions{MaxNew: 10, Temperature: temp,
			Seed: uint64(seed + i), Stop: [][]int{{end}}})
		if err != nil {
			t.Fatal(err)
		}
		if w := m.Tokenizer.DecodeSkipSpecial(want.Tokens); ch.Text != w {
			t.Errorf("choice %d: %q, want %q", i, ch.Text, w)
		}
		if ch.MeanLogprob == nil || *ch.MeanLogprob > 0 {
			t.Errorf("choice %d: mean logprob %v", i, ch.MeanLogprob)
		}
		distinct[ch.Text] = true
	}
	if len(distinct) < 2 {
		t.Errorf("three samples at temperature %g are all %q", temp, resp.Choices[0].Text)
	}
	again, err := b.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Choices {
		if again.Choices[i].Text != resp.Choices[i].Text {
			t.Errorf("choice %d not reproducible: %q then %q", i, resp.Choices[i].Text, again.Choices[i].Text)
		}
	}
	neg := -1.0
	if _, err := b.Generate(context.Background(), model.Request{Question: question, Temperature: &neg}); err == nil {
		t.Error("negative temperature accepted")
	}
}
