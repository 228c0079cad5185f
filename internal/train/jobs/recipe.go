package jobs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sqlforge/sqlforge/internal/lm/peft"
	"github.com/sqlforge/sqlforge/internal/train"
	"github.com/sqlforge/sqlforge/internal/train/recipe"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

// LaunchRecipe starts the recipe written in recipeDir (with options ro) on this machine and
// records it as a running job; it returns the job's id. WatchRecipe follows it.
func LaunchRecipe(ctx context.Context, reg *registry.Registry, ro recipe.Options, recipeDir string, o Options) (string, error) {
	id := fmt.Sprintf("%s-%s", ro.Engine, time.Now().UTC().Format("20060102-150405.000"))
	st := recipe.RunState{JobID: id, Engine: ro.Engine, Base: ro.Base, Name: ro.Name}
	if !ro.Full {
		st.Rank = ro.LoRAR
	}
	dir, err := filepath.Abs(recipeDir)
	if err != nil {
		return "", err
	}
	if st, err = recipe.Start(dir, st); err != nil {
		return "", err
	}
	j := train.Job{ID: id, Status: train.StatusRunning, BaseModel: ro.Base, Method: train.MethodSupervised, CreatedAt: st.Started,
		TrainingFile: filepath.Join(dir, "data", "train.jsonl"), ValidationFile: filepath.Join(dir, "data", "val.jsonl"),
		Hyperparameters: train.Hyperparameters{Epochs: ro.Epochs, BatchSize: ro.GlobalBatch}}
	if err := reg.Add(ctx, registry.Record{Provider: string(ro.Engine), Job: j, TrainingPath: dir, ValidationPath: j.ValidationFile}); err != nil {
		return "", err
	}
	o.progress("job %s: %s running in %s (pid %d); logs: %s\n", id, ro.Engine, dir, st.PID, filepath.Join(dir, recipe.LogFile))
	return id, nil
}

// recipeBackoff paces following a run on this machine: every 2 s, growing to 30 s while
// nothing changes.
var recipeBackoff = train.Backoff{Initial: 2 * time.Second, Max: 30 * time.Second, Factor: 1.5}

// WatchRecipe follows a cluster-engine run recorded in the registry to its end (resuming
// after the last recorded event), then records its checkpoints and metrics, writes
// results.csv and curves, checks the adapter and prints how to serve it.
func WatchRecipe(ctx context.Context, reg *registry.Registry, rec registry.Record, o Options) error {
	id := rec.Job.ID
	tr := recipe.Tracker{Dir: rec.TrainingPath}
	st, err := tr.State()
	if err != nil {
		return err
	}
	b := recipeBackoff
	if o.Poll > 0 {
		b = PollEvery(o.Poll)
	}
	j, err := train.Follow(ctx, tr, reg, id, train.FollowOptions{Sleep: o.sleep(), Backoff: b,
		OnEvent:  func(e train.Event) { o.progress("%s\n", e.Message) },
		OnStatus: func(j train.Job) { o.progress("status %s\n", j.Status) },
	})
	if err != nil {
		return err
	}
	rows, err := tr.History()
	if err != nil {
		return err
	}
	cps, err := tr.Checkpoints()
	if err != nil {
		return err
	}
	if err := reg.SaveCheckpoints(ctx, id, cps); err != nil {
		return err
	}
	if len(rows) > 0 {
		if err := reg.SaveMetrics(ctx, id, rows); err != nil {
			return err
		}
		if err := recipe.WriteResults(filepath.Join(rec.TrainingPath, "results.csv"), rows); err != nil {
			return err
		}
		if err := WriteResults(reg, j, recipe.ResultsCSV(rows), rows, o); err != nil {
			return err
		}
	}
	o.print("job %s %s %s\n", j.ID, j.Status, j.FineTunedModel)
	if j.Status != train.StatusSucceeded {
		return fmt.Errorf("job %s %s: %s", j.ID, j.Status, j.Error)
	}
	ro := recipe.Defaults(recipe.Options{Base: st.Base, Name: st.Name, LoRAR: st.Rank, Full: st.Rank == 0})
	if _, err := os.Stat(filepath.Join(tr.Adapter(), peft.ConfigFile)); err == nil {
		rep, err := peft.Check(tr.Adapter(), "")
		if err != nil {
			return fmt.Errorf("job %s: adapter %s: %w", j.ID, tr.Adapter(), err)
		}
		ro.LoRAR, ro.Full = rep.R, false
		o.print("adapter: %s (r=%d, alpha=%g, %d modules)\n", tr.Adapter(), rep.R, rep.Alpha, rep.Modules)
	}
	o.print("serve:   %s\n", recipe.ServeCommand(ro, tr.Adapter()))
	o.print("model:   %s\n", recipe.Reference("HOST", ro.Name))
	return nil
}

// CancelRecipe stops a cluster-engine run and records it cancelled.
func CancelRecipe(ctx context.Context, reg *registry.Registry, rec registry.Record, o Options) error {
	tr := recipe.Tracker{Dir: rec.TrainingPath}
	if err := tr.Cancel(); err != nil {
		return err
	}
	j, err := tr.GetJob(ctx, rec.Job.ID)
	if err != nil {
		return err
	}
	if err := reg.SetStatus(ctx, j); err != nil {
		return err
	}
	o.print("job %s %s\n", j.ID, j.Status)
	return nil
}
