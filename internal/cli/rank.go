package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/sqlforge/sqlforge/internal/eval"
	"github.com/sqlforge/sqlforge/internal/ranking"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
	"github.com/sqlforge/sqlforge/internal/train/local"
	"github.com/sqlforge/sqlforge/models"
)

// baseFlag is --base: train takes it several times (to rank bases), run once.
type baseFlag struct{ o *trainOptions }

func (b *baseFlag) String() string {
	if b.o == nil {
		return ""
	}
	return b.o.base
}

func (b *baseFlag) Set(v string) error {
	if len(b.o.bases) > 0 && !b.o.multiBase {
		return errors.New("give one --base")
	}
	if len(b.o.bases) == 0 {
		b.o.base = v
	}
	b.o.bases = append(b.o.bases, v)
	return nil
}

func (b *baseFlag) Type() string { return "string" }

// rankOptions are train's flags for ranking several bases.
type rankOptions struct {
	eval, db string
	test     int
}

func addRankFlags(f *pflag.FlagSet, ro *rankOptions) {
	f.StringVar(&ro.eval, "eval", "", "with several --base: the records every fine-tuned base answers (default: --val, else DATA/test.jsonl)")
	f.StringVar(&ro.db, "eval-db", "northwind", "with several --base: the database the evaluation records run on")
	f.IntVar(&ro.test, "sample", 0, "with several --base: evaluate a seeded sample of N records (0: all)")
	aliasFlag(f, "test", "sample")
}

// rankBases fine-tunes every --base with the same settings and ranks them (internal/ranking).
func (a *app) rankBases(ctx context.Context, o trainOptions, ro rankOptions) error {
	if o.data == "" || o.out == "" {
		return userErr(errors.New("--data and --out are required"))
	}
	isDir := func(p string) bool { st, err := os.Stat(p); return err == nil && st.IsDir() }
	path := ranking.EvalData(ro.eval, o.val, o.data, isDir)
	if path == "" {
		return userErr(errors.New("several --base are ranked on evaluation records: give --eval FILE (or --val)"))
	}
	items, err := eval.Load(ctx, path)
	if err != nil {
		return userErr(err)
	}
	items = sampleItems(items, ro.test)
	fo := o.finetuneOptions()
	fo.Log = a.progress
	r, err := ranking.Run(ctx, ranking.Config{Bases: o.bases, Out: o.out, Items: items, DB: ro.db, Resolve: models.Resolve,
		Eval:     eval.Options{Workers: 2, Query: sqlexec.Options{Timeout: 10 * time.Second, MaxRows: 1_000_000}, Data: path, DB: ro.db},
		Progress: a.step,
		Train: func(ctx context.Context, base, dir string) (ranking.Trained, error) {
			p := a.newTrainProgress("train")
			fo.Observe = p.observe
			defer p.finish()
			return ranking.Finetuner(fo)(ctx, base, dir)
		}})
	var ie *local.InputError
	if errors.As(err, &ie) {
		return userErr(err)
	}
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if a.jsonOut {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.WriteTable(a.stdout)
	return nil
}
