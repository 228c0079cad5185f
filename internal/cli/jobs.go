package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/train"
	ftopenai "github.com/sqlforge/sqlforge/internal/train/openai"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

func (a *app) newJobsCmd() *cobra.Command {
	var state string
	cmd := &cobra.Command{Use: "jobs", Short: "List, show, watch and cancel recorded fine-tuning jobs"}
	cmd.PersistentFlags().StringVar(&state, "state", "", "state database (default $XDG_STATE_HOME/sqlforge/jobs.db)")
	withReg := func(run func(ctx context.Context, reg *registry.Registry, args []string) error) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			reg, err := openState(cmd.Context(), state)
			if err != nil {
				return err
			}
			defer reg.Close()
			return run(cmd.Context(), reg, args)
		}
	}
	cmd.AddCommand(
		&cobra.Command{Use: "list", Short: "List jobs", Args: cobra.NoArgs, RunE: withReg(a.jobsList)},
		&cobra.Command{Use: "show ID", Short: "Show a job, its history, checkpoints and metrics", Args: cobra.ExactArgs(1), RunE: withReg(a.jobsShow)},
		&cobra.Command{Use: "watch ID", Short: "Follow a job to its end, resuming after the last recorded event", Args: cobra.ExactArgs(1),
			RunE: withReg(func(ctx context.Context, reg *registry.Registry, args []string) error {
				eng, err := engineForJob(ctx, reg, args[0])
				if err != nil {
					return err
				}
				return a.watchJob(ctx, eng, reg, args[0])
			})},
		&cobra.Command{Use: "cancel ID", Short: "Cancel a job", Args: cobra.ExactArgs(1),
			RunE: withReg(func(ctx context.Context, reg *registry.Registry, args []string) error {
				eng, err := engineForJob(ctx, reg, args[0])
				if err != nil {
					return err
				}
				j, err := eng.Cancel(ctx, args[0])
				if err != nil {
					return err
				}
				if err := reg.SetStatus(ctx, j); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "job %s %s\n", j.ID, j.Status)
				return nil
			})},
	)
	return cmd
}

func engineForJob(ctx context.Context, reg *registry.Registry, id string) (*ftopenai.Engine, error) {
	rec, err := reg.Get(ctx, id)
	if err != nil {
		return nil, userErr(err)
	}
	return newEngine(rec.Provider)
}

func (a *app) jobsList(ctx context.Context, reg *registry.Registry, _ []string) error {
	recs, err := reg.List(ctx)
	if err != nil {
		return err
	}
	if a.jsonOut {
		return a.dbPrintJSON(recs)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPROVIDER\tBASE\tSTATUS\tMODEL\tCREATED")
	for _, r := range recs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Job.ID, r.Provider, r.Job.BaseModel, r.Job.Status, r.Job.FineTunedModel, r.Job.CreatedAt.Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}

func (a *app) jobsShow(ctx context.Context, reg *registry.Registry, args []string) error {
	rec, err := reg.Get(ctx, args[0])
	if err != nil {
		return userErr(err)
	}
	cps, err := reg.Checkpoints(ctx, args[0])
	if err != nil {
		return err
	}
	ms, err := reg.Metrics(ctx, args[0])
	if err != nil {
		return err
	}
	if a.jsonOut {
		return a.dbPrintJSON(map[string]any{"job": rec, "checkpoints": cps, "metrics": ms})
	}
	j := rec.Job
	fmt.Fprintf(a.stdout, "job %s (%s) %s on %s -> %s\n", j.ID, rec.Provider, j.Status, j.BaseModel, j.FineTunedModel)
	if j.Error != "" {
		fmt.Fprintf(a.stdout, "error: %s\n", j.Error)
	}
	for _, h := range rec.History {
		fmt.Fprintf(a.stdout, "  %s  %s\n", h.At.Format("2006-01-02 15:04:05"), h.Status)
	}
	for _, c := range cps {
		fmt.Fprintf(a.stdout, "checkpoint step %d %s train_loss=%.4f valid_loss=%.4f\n", c.Step, c.Model, c.Metrics.TrainLoss, c.Metrics.ValidLoss)
	}
	if len(ms) > 0 {
		last := ms[len(ms)-1]
		fmt.Fprintf(a.stdout, "%d steps; last step %.0f train_loss=%.4f\n", len(ms), last.Step, last.TrainLoss)
	}
	return nil
}

// watchJob follows a job, printing new events, then records checkpoints and results.
func (a *app) watchJob(ctx context.Context, eng *ftopenai.Engine, reg *registry.Registry, id string) error {
	j, err := train.Follow(ctx, eng, reg, id, train.FollowOptions{Sleep: ftSleep,
		OnEvent:  func(e train.Event) { a.progress("%s %s %s\n", e.CreatedAt.Format("15:04:05"), e.Level, e.Message) },
		OnStatus: func(j train.Job) { a.progress("status %s\n", j.Status) },
	})
	if err != nil {
		return err
	}
	if j.Status == train.StatusSucceeded {
		cps, err := eng.Checkpoints(ctx, id)
		if err != nil {
			return err
		}
		if err := reg.SaveCheckpoints(ctx, id, cps); err != nil {
			return err
		}
		rows, _, err := eng.Results(ctx, j)
		if err != nil {
			return err
		}
		if err := reg.SaveMetrics(ctx, id, rows); err != nil {
			return err
		}
	}
	fmt.Fprintf(a.stdout, "job %s %s %s\n", j.ID, j.Status, j.FineTunedModel)
	if j.Status == train.StatusFailed || j.Status == train.StatusCancelled {
		return fmt.Errorf("job %s %s: %s", j.ID, j.Status, j.Error)
	}
	return nil
}
