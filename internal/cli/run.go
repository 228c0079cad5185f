package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/datagen"
	"github.com/sqlforge/sqlforge/internal/eval"
	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/report"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
)

// runSummary is what `sqlforge run` prints (as JSON with --json).
type runSummary struct {
	Out    string       `json:"out"`
	Train  trainSummary `json:"train"`
	Models []runModel   `json:"models"`
	Report string       `json:"report"`
	// DevReport is the report on the hand-written dev set.
	DevReport string   `json:"dev_report,omitempty"`
	Serve     string   `json:"serve"`
	Seconds   float64  `json:"seconds"`
	Notes     []string `json:"notes,omitempty"`
}

type runModel struct {
	Model string  `json:"model"`
	EX    float64 `json:"ex"`
	EM    float64 `json:"em"`
	Valid float64 `json:"valid"`
	// DevEX is the execution accuracy on the hand-written dev set (seed grader).
	DevEX *float64 `json:"dev_ex,omitempty"`
}

func (a *app) newRunCmd() *cobra.Command {
	o := defaultTrainOptions()
	// Full fine-tuning by default: in the same budget (the inference split,
	// docs/local-model.md) 1000 full steps reached EX 22% and 800 LoRA steps
	// (r=16 on all seven projections, lr 2e-3) 7%; --lora selects LoRA.
	// 800 full steps keep the whole job under 10 minutes on 2 cores.
	o.steps, o.lr, o.full, o.targets = 800, 1e-3, true, "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"
	// The model learns to write query plans (plan:local), which the one compiler turns into SQL;
	// --target sql trains the raw-SQL model instead.
	o.target = "plan"
	dev := filepath.Join("testdata", "realistic", "northwind.jsonl")
	useLoRA := false
	var out string
	var size, testN int
	var split string
	constrained, evidence := false, false
	// Two year-swapped copies per pair: on the inference split (100 items,
	// 1000 full steps) EX 22% -> 32% (docs/local-model.md).
	augment := 2
	c := &cobra.Command{
		Use:   "run --out DIR",
		Short: "The main job: generate Northwind data, fine-tune the embedded model, evaluate, report",
		Long: `run does the whole life of a domain text-to-SQL model on this machine, with no key and no
download: it generates execution-verified Northwind question/SQL pairs (DIR/data), fine-tunes the
embedded sqlforge-tiny on the train split (DIR/train; every weight by default, LoRA adapters in
PEFT's layout with --lora), evaluates the knn baseline, the base
model and the fine-tuned model on the test split, writes the report (DIR/report) and prints the
summary and the command that serves the fine-tuned model. --steps trades time for accuracy;
--split inference evaluates on the inference split, to tune settings without touching test.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return userErr(fmt.Errorf("--out is required"))
			}
			if useLoRA {
				o.full = false
				if !cmd.Flags().Changed("lr") {
					o.lr = 2e-3
				}
			}
			if o.target == "plan" && !cmd.Flags().Changed("augment") {
				augment = 0 // year copies rewrite SQL, not plans; the plan generator varies years itself
			}
			return a.runMain(cmd.Context(), out, size, testN, split, dev, constrained, evidence, augment, o)
		},
	}
	f := c.Flags()
	f.StringVar(&out, "out", "", "output directory (required)")
	f.IntVar(&size, "size", 3000, "pairs to generate before dedupe, balance and split")
	f.IntVar(&testN, "sample", 0, "evaluate a seeded sample of this many items of the split (0: all)")
	aliasFlag(f, "test", "sample")
	f.BoolVar(&constrained, "constrain", constrained, "plan models: decode under the plan grammar (slower); raw-SQL models: also evaluate with schema-constrained decoding")
	f.IntVar(&augment, "augment", augment, "add up to N execution-verified copies of each train pair with its year swapped (question and SQL alike); 0: none")
	f.BoolVar(&evidence, "evidence", evidence, "generate the data with evidence: the definitions of the ontology concepts each question mentions (gen --evidence)")
	f.StringVar(&split, "split", "test", "split to evaluate on: test, or inference to tune settings without touching test")
	f.StringVar(&dev, "dev", dev, "hand-written questions (records JSONL) every model is also scored on, by the seed project's grader; empty: none")
	f.IntVar(&o.steps, "steps", o.steps, "fine-tuning steps")
	f.BoolVar(&useLoRA, "lora", false, "LoRA adapters (--lora-r, --lora-alpha, --lora-targets; all seven projections and lr 2e-3 unless --lr, tuned for --steps 800, where train's defaults are PEFT's q_proj,v_proj and 2e-4) instead of full fine-tuning")
	addTrainerFlags(f, &o)
	return c
}

// runEvaluation is what step 3 of the main job measured.
type runEvaluation struct {
	items, devItems []eval.Item
	rep, devRep     *eval.Report
	notes           []string
}

func (a *app) runMain(ctx context.Context, out string, size, testN int, split, dev string, constrained, evidence bool, augment int, o trainOptions) error {
	if split != "test" && split != "inference" {
		return userErr(fmt.Errorf("--split must be test or inference"))
	}
	start := time.Now()
	data := filepath.Join(out, "data")
	a.step("1/4 generating Northwind data")
	if err := a.runGen(ctx, data, size, evidence); err != nil {
		return err
	}
	a.step("2/4 fine-tuning " + o.base)
	o.data, o.out = filepath.Join(data, "train.jsonl"), filepath.Join(out, "train")
	if augment > 0 {
		aug, err := datagen.AugmentYearsFile(ctx, o.data, augment)
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
		o.data = aug
	}
	if _, err := os.Stat(filepath.Join(o.out, "checkpoint.gob")); err == nil {
		o.resume = true
	}
	ts, err := a.finetuneLocal(ctx, o)
	if err != nil {
		return err
	}
	a.step("3/4 evaluating on the " + split + " split")
	ev, err := a.runEvaluate(ctx, data, split, dev, testN, ts, o, constrained)
	if err != nil {
		return err
	}
	a.step("4/4 writing the report")
	s, err := runReport(out, ev, ts, o)
	if err != nil {
		return err
	}
	s.Seconds = time.Since(start).Seconds()
	if a.jsonOut {
		return a.printJSON(s)
	}
	a.printRunSummary(s, ev, split, dev)
	return nil
}

// runGen is step 1 of the main job: gen's pipeline on Northwind, writing data.
func (a *app) runGen(ctx context.Context, data string, size int, evidence bool) error {
	sum, err := a.genData(ctx, datagen.BuildOptions{DB: "", Ontology: "northwind", Generator: "plans", Seed: 42, Size: size,
		Evidence: evidence, Out: data}, genLLMFlags{})
	if err != nil {
		return fmt.Errorf("run: gen: %w", err)
	}
	// gen's own summary is progress here: it goes to stderr (or nowhere
	// with -q), so stdout carries only run's summary (one JSON document
	// with --json).
	if a.quiet {
		return nil
	}
	return a.printGenSummary(a.stderr, sum)
}

// runEvaluate is step 3 of the main job: every model on (a sample of) the split, and on the
// hand-written dev set graded as the seed project grades.
func (a *app) runEvaluate(ctx context.Context, data, split, dev string, testN int, ts trainSummary, o trainOptions, constrained bool) (runEvaluation, error) {
	var ev runEvaluation
	items, err := eval.Load(ctx, filepath.Join(data, split+".jsonl"))
	if err != nil {
		return ev, fmt.Errorf("run: %w", err)
	}
	ev.items = sampleItems(items, testN)
	preds, notes, closePreds, err := a.runPredictors(ctx, data, ts, o, constrained)
	if err != nil {
		return ev, fmt.Errorf("run: %w", err)
	}
	defer closePreds()
	ev.notes = notes
	if dev != "" {
		if ev.devItems, err = eval.Load(ctx, dev); err != nil {
			ev.notes = append(ev.notes, fmt.Sprintf("dev set %s skipped: %v", dev, err))
		}
	}
	opts := eval.Options{Workers: 2, Query: sqlexec.Options{Timeout: 10 * time.Second, MaxRows: 1_000_000},
		Data: filepath.Join(data, split+".jsonl"), DB: "northwind", Progress: a.evalProgress((len(ev.items) + len(ev.devItems)) * len(preds))}
	dbs := eval.NewDatabases("northwind")
	defer dbs.Close()
	if ev.rep, err = eval.Run(ctx, ev.items, preds, dbs, opts); err != nil {
		return ev, fmt.Errorf("run: evaluate: %w", err)
	}
	if len(ev.devItems) > 0 {
		// The hand-written questions are graded as the seed project grades (match seed).
		dopts := opts
		dopts.Mode, dopts.Data = match.Seed, dev
		if ev.devRep, err = eval.Run(ctx, ev.devItems, preds, dbs, dopts); err != nil {
			return ev, fmt.Errorf("run: evaluate %s: %w", dev, err)
		}
	}
	return ev, nil
}

// runReport is step 4 of the main job: the reports in OUT/report (and OUT/report-dev) and
// the summary.
func runReport(out string, ev runEvaluation, ts trainSummary, o trainOptions) (runSummary, error) {
	repDir := filepath.Join(out, "report")
	if err := report.WriteDir(repDir, ev.rep); err != nil {
		return runSummary{}, fmt.Errorf("run: %w", err)
	}
	serveRef := ts.Model
	if o.target == "plan" {
		serveRef = model.PlanPrefix + ts.Model
	}
	s := runSummary{Out: out, Train: ts, Report: filepath.Join(repDir, report.HTMLFile), Notes: ev.notes,
		Serve: "sqlforge serve --model " + serveRef}
	if ev.devRep != nil {
		devDir := filepath.Join(out, "report-dev")
		if err := report.WriteDir(devDir, ev.devRep); err != nil {
			return runSummary{}, fmt.Errorf("run: %w", err)
		}
		s.DevReport = filepath.Join(devDir, report.HTMLFile)
	}
	for i, m := range ev.rep.Models {
		rm := runModel{Model: m.Model, EX: m.Summary.EX, EM: m.Summary.EM, Valid: m.Summary.Valid}
		if ev.devRep != nil {
			ex := ev.devRep.Models[i].Summary.EX
			rm.DevEX = &ex
		}
		s.Models = append(s.Models, rm)
	}
	return s, nil
}

// printRunSummary prints the main job's table of models and where its outputs are.
func (a *app) printRunSummary(s runSummary, ev runEvaluation, split, dev string) {
	fmt.Fprintf(a.stdout, "\n%-52s %7s %7s %7s %8s\n", "model", "EX", "EM", "valid", "dev EX")
	for _, m := range s.Models {
		devEX := "-"
		if m.DevEX != nil {
			devEX = fmt.Sprintf("%.1f%%", 100**m.DevEX)
		}
		fmt.Fprintf(a.stdout, "%-52s %6.1f%% %6.1f%% %6.1f%% %8s\n", m.Model, 100*m.EX, 100*m.EM, 100*m.Valid, devEX)
	}
	for _, n := range s.Notes {
		fmt.Fprintln(a.stdout, "note:", n)
	}
	fmt.Fprintf(a.stdout, "\n%d %s items; dev EX: the %d hand-written questions of %s (seed grader)\n", len(ev.items), split, len(ev.devItems), dev)
	fmt.Fprintf(a.stdout, "fine-tuning %d steps (loss %.3f -> %.3f), %.1f min in all\nreport: %s\n",
		s.Train.Steps, s.Train.FirstLoss, s.Train.FinalLoss, s.Seconds/60, s.Report)
	if s.DevReport != "" {
		fmt.Fprintf(a.stdout, "dev:    %s\n", s.DevReport)
	}
	fmt.Fprintf(a.stdout, "serve:  %s\n", s.Serve)
}

// step announces a stage of the main job on stderr.
func (a *app) step(msg string) {
	if !a.quiet {
		fmt.Fprintln(a.stderr, "==>", msg)
	}
}

// sampleItems returns a seeded random sample of n items in their original
// order (all of them when n is 0 or not below len(items)): the split's first
// items are not a fair sample, being grouped by question template.
func sampleItems(items []eval.Item, n int) []eval.Item {
	if n <= 0 || n >= len(items) {
		return items
	}
	idx := rand.New(rand.NewPCG(1, 1)).Perm(len(items))[:n]
	sort.Ints(idx)
	out := make([]eval.Item, n)
	for i, j := range idx {
		out[i] = items[j]
	}
	return out
}
