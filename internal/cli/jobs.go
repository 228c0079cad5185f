package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/match"
	"github.com/sqlforge/sqlforge/internal/report"
	"github.com/sqlforge/sqlforge/internal/train"
	ftazure "github.com/sqlforge/sqlforge/internal/train/azure"
	"github.com/sqlforge/sqlforge/internal/train/jobs"
	ftopenai "github.com/sqlforge/sqlforge/internal/train/openai"
	"github.com/sqlforge/sqlforge/internal/train/recipe"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

func (a *app) newJobsCmd() *cobra.Command {
	var state string
	var poll time.Duration
	cmd := &cobra.Command{Use: "jobs", Short: "List, show, watch, cancel and deploy recorded fine-tuning jobs"}
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
	watch := &cobra.Command{Use: "watch ID", Short: "Follow a job to its end, resuming after the last recorded event", Args: cobra.ExactArgs(1),
		RunE: withReg(func(ctx context.Context, reg *registry.Registry, args []string) error {
			if err := checkPoll(poll); err != nil {
				return err
			}
			if rec, err := reg.Get(ctx, args[0]); err == nil && recipe.IsEngine(rec.Provider) {
				return a.watchRecipeJob(ctx, reg, args[0], poll)
			}
			eng, err := engineForJob(ctx, reg, args[0], poll)
			if err != nil {
				return err
			}
			return a.watchJob(ctx, eng, reg, args[0], poll)
		})}
	watch.Flags().DurationVar(&poll, "poll", 0, pollUsage)
	cmd.AddCommand(
		&cobra.Command{Use: "list", Short: "List jobs", Args: cobra.NoArgs, RunE: withReg(a.jobsList)},
		&cobra.Command{Use: "show ID", Short: "Show a job, its history, checkpoints and metrics", Args: cobra.ExactArgs(1), RunE: withReg(a.jobsShow)},
		watch,
		a.newJobsDeployCmd(withReg),
		&cobra.Command{Use: "undeploy NAME", Short: "Delete an Azure deployment and record it as deleted", Args: cobra.ExactArgs(1),
			RunE: withReg(a.jobsUndeploy)},
		&cobra.Command{Use: "deployments", Short: "List recorded deployments", Args: cobra.NoArgs, RunE: withReg(a.jobsDeployments)},
		&cobra.Command{Use: "cancel ID", Short: "Cancel a job", Args: cobra.ExactArgs(1),
			RunE: withReg(func(ctx context.Context, reg *registry.Registry, args []string) error {
				if rec, err := reg.Get(ctx, args[0]); err == nil && recipe.IsEngine(rec.Provider) {
					return a.cancelRecipeJob(ctx, reg, rec)
				}
				eng, err := engineForJob(ctx, reg, args[0], 0)
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

func engineForJob(ctx context.Context, reg *registry.Registry, id string, poll time.Duration) (*ftopenai.Engine, error) {
	rec, err := reg.Get(ctx, id)
	if err != nil {
		return nil, userErr(err)
	}
	return newEngine(rec.Provider, poll)
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

// watchJob follows a job to its end with jobs.Watch; with poll > 0 the job and the
// deployments are polled every poll instead of on their default schedules.
func (a *app) watchJob(ctx context.Context, eng *ftopenai.Engine, reg *registry.Registry, id string, poll time.Duration) error {
	return jobs.Watch(ctx, eng, reg, id, a.jobOptions(poll))
}

// jobOptions wires jobs' steps to this command: progress on stderr, results on stdout, the
// Azure client from the environment and evaluation through sqlforge eval.
func (a *app) jobOptions(poll time.Duration) jobs.Options {
	return jobs.Options{Sleep: ftSleep, Poll: poll, Progress: a.progress,
		Print:    func(format string, args ...any) { fmt.Fprintf(a.stdout, format, args...) },
		Deployer: newDeployer, Evaluate: a.evalDeployment}
}

// newDeployer is the Azure management client, configured from the environment only
// (AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP, AZURE_OPENAI_RESOURCE_NAME,
// AZURE_MANAGEMENT_TOKEN; AZURE_MANAGEMENT_ENDPOINT overrides the endpoint). With poll > 0
// provisioning is checked every poll instead of the client's default schedule.
func newDeployer(poll time.Duration) (*ftazure.Client, error) {
	c, err := ftazure.ConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, userErr(err)
	}
	c.Sleep = ftSleep
	if poll > 0 {
		// The client gives up after MaxPolls, by default 360 polls at its 1-minute cap, about
		// 6 hours; keep that time bound when polling faster.
		c.Poll, c.MaxPolls = jobs.PollEvery(poll), max(360, int(6*time.Hour/poll))
	}
	cl, err := ftazure.New(c)
	if err != nil {
		return nil, userErr(err)
	}
	return cl, nil
}

func addDeployFlags(cmd *cobra.Command, f *deployFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.sku, "sku", "standard", "deployment SKU: standard, globalstandard, developer, ...")
	fl.IntVar(&f.capacity, "capacity", 1, "deployment capacity (thousands of tokens per minute)")
	fl.StringVar(&f.evalData, "eval-data", "", "evaluate the deployment as azure:NAME on this dataset once it succeeded")
}

// check validates the flags without I/O.
func (f deployFlags) check() error {
	if f.capacity < 1 {
		return userErr(fmt.Errorf("--capacity %d: must be at least 1", f.capacity))
	}
	if f.sku == "" {
		return userErr(errors.New("--sku: must not be empty"))
	}
	if f.evalData != "" && !strings.Contains(f.evalData, ":") { // a plain file: check it now, not after the job
		if _, err := os.Stat(f.evalData); err != nil {
			return userErr(fmt.Errorf("--eval-data: %w", err))
		}
	}
	return nil
}

func (a *app) newJobsDeployCmd(withReg func(func(context.Context, *registry.Registry, []string) error) func(*cobra.Command, []string) error) *cobra.Command {
	var f deployFlags
	cmd := &cobra.Command{
		Use:   "deploy JOB|MODEL --name NAME",
		Short: "Deploy a job's fine-tuned model, or a model or checkpoint id, on Azure OpenAI",
		Long: `deploy creates or updates an Azure OpenAI deployment through the management API and waits until
it is provisioned. JOB is a recorded job (its fine-tuned model is deployed); anything else is taken
as a model id, such as a checkpoint's fine_tuned_model_checkpoint from "sqlforge jobs show".`,
		Args: cobra.ExactArgs(1),
		RunE: withReg(func(ctx context.Context, reg *registry.Registry, args []string) error {
			if f.name == "" {
				return userErr(errors.New("--name is required"))
			}
			if err := f.check(); err != nil {
				return err
			}
			cl, err := newDeployer(0)
			if err != nil {
				return err
			}
			d := registry.Deployment{Account: cl.Account(), Name: f.name, Model: args[0], SKU: f.sku, Capacity: f.capacity, EvalData: f.evalData}
			if rec, err := reg.Get(ctx, args[0]); err == nil {
				if rec.Job.Status != train.StatusSucceeded || rec.Job.FineTunedModel == "" {
					return userErr(fmt.Errorf("job %s is %s and has no fine-tuned model to deploy", args[0], rec.Job.Status))
				}
				d.JobID, d.Model = rec.Job.ID, rec.Job.FineTunedModel
			} else if !errors.Is(err, registry.ErrNotFound) {
				return err
			}
			return jobs.Deploy(ctx, cl, reg, d, a.jobOptions(0))
		}),
	}
	cmd.Flags().StringVar(&f.name, "name", "", "deployment name (required)")
	addDeployFlags(cmd, &f)
	return cmd
}

// evalDeployment evaluates a deployment as azure:NAME on its EvalData and writes the report
// into dir.
func (a *app) evalDeployment(ctx context.Context, d registry.Deployment, dir string) error {
	rep, _, err := a.runEval(ctx, evalFlags{data: d.EvalData, db: "northwind", mode: string(match.Default), models: []string{"azure:" + d.Name},
		reportDir: dir, timeout: 30 * time.Second, cacheDir: filepath.Join(dir, "cache")})
	if err != nil {
		return fmt.Errorf("evaluate deployment %s: %w", d.Name, err)
	}
	if err := report.WriteDir(dir, rep); err != nil {
		return err
	}
	for _, m := range rep.Models {
		fmt.Fprintf(a.stdout, "%-30s EX %5.1f%%  valid %5.1f%%  report: %s\n", m.Model, 100*m.Summary.EX, 100*m.Summary.Valid,
			filepath.Join(dir, report.HTMLFile))
	}
	return nil
}

func (a *app) jobsUndeploy(ctx context.Context, reg *registry.Registry, args []string) error {
	cl, err := newDeployer(0)
	if err != nil {
		return err
	}
	if err := cl.Delete(ctx, args[0]); err != nil {
		return err
	}
	d, err := reg.GetDeployment(ctx, args[0])
	if errors.Is(err, registry.ErrDeploymentNotFound) {
		d, err = registry.Deployment{Account: cl.Account(), Name: args[0], SKU: "standard", Capacity: 1}, nil
	}
	if err != nil {
		return err
	}
	d.State = registry.DeploymentDeleted
	if err := reg.SaveDeployment(ctx, d); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "deployment %s deleted\n", args[0])
	return nil
}

func (a *app) jobsDeployments(ctx context.Context, reg *registry.Registry, _ []string) error {
	ds, err := reg.Deployments(ctx)
	if err != nil {
		return err
	}
	if a.jsonOut {
		return a.dbPrintJSON(ds)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tACCOUNT\tSTATE\tMODEL\tSKU\tCAPACITY\tJOB")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", d.Name, d.Account, d.State, d.Model, d.SKU, d.Capacity, d.JobID)
	}
	return tw.Flush()
}
