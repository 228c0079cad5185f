// Package jobs runs managed fine-tuning jobs from end to end: upload the files, create the job,
// record it in the registry, follow it, keep its checkpoints, metrics and curves, and deploy
// and evaluate the fine-tuned model on Azure OpenAI. Cluster-engine runs (axolotl, TRL) launched
// on this machine are recorded and followed the same way (LaunchRecipe, WatchRecipe).
//
// The provider engines and the Azure management client are opened by the caller (the one
// switch that reads credentials lives in the command line); this package only sequences them.
package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/sqlforge/sqlforge/internal/train"
	ftazure "github.com/sqlforge/sqlforge/internal/train/azure"
	"github.com/sqlforge/sqlforge/internal/train/ftcheck"
	ftopenai "github.com/sqlforge/sqlforge/internal/train/openai"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

// Options are what every step needs besides the engine and the registry.
type Options struct {
	// Sleep waits between polls (default train.Sleep); tests make it instant.
	Sleep train.Sleeper
	// Poll, when positive, checks the job and the deployments every Poll instead of their
	// default backoff schedules.
	Poll time.Duration
	// Progress receives notes on what is happening (events, uploads, states).
	Progress func(format string, args ...any)
	// Print receives the results: the job's and the deployments' final states.
	Print func(format string, args ...any)
	// Deployer opens the Azure management client, when a deployment needs one.
	Deployer func(poll time.Duration) (*ftazure.Client, error)
	// Evaluate, when set, evaluates a succeeded deployment that asks for it (EvalData) and
	// writes its report into dir.
	Evaluate func(ctx context.Context, d registry.Deployment, dir string) error
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(format, args...)
	}
}

func (o Options) print(format string, args ...any) {
	if o.Print != nil {
		o.Print(format, args...)
	}
}

func (o Options) sleep() train.Sleeper {
	if o.Sleep == nil {
		return train.Sleep
	}
	return o.Sleep
}

// PollEvery is the schedule of a fixed poll interval d: every d, whether or not anything
// changed. For d <= 0 it is the zero Backoff, which every poller replaces by its default.
func PollEvery(d time.Duration) train.Backoff {
	if d <= 0 {
		return train.Backoff{}
	}
	return train.Backoff{Initial: d, Max: d, Factor: 1}
}

// Submission is one job to create: the checked files and the job's settings.
type Submission struct {
	// Provider names the engine ("openai" or "azure"), recorded with the job.
	Provider string
	// Train and Val are the training and (optional) validation files.
	Train, Val string
	// Base is the base model; Suffix the fine-tuned model name's suffix; Seed the job's seed.
	Base, Suffix string
	Seed         int64
	// Hyperparameters are the job's epochs, batch size and learning-rate multiplier (0: auto).
	Hyperparameters train.Hyperparameters
	// Check is the training file's check report: its kind picks the method (DPO or supervised)
	// and its cost estimate is recorded.
	Check *ftcheck.Report
	// Deploy, when its Name is set, is recorded as a pending deployment of the job, so that a
	// killed run is finished by Watch.
	Deploy registry.Deployment
}

// Submit uploads the files, creates the job, records it (and its pending deployment) in reg
// and returns it. It does not wait for the job: Watch does.
func Submit(ctx context.Context, eng *ftopenai.Engine, reg *registry.Registry, s Submission, o Options) (train.Job, error) {
	tf, err := eng.Upload(ctx, s.Train)
	if err != nil {
		return train.Job{}, err
	}
	o.progress("uploaded %s as %s\n", s.Train, tf.ID)
	spec := train.JobSpec{BaseModel: s.Base, TrainingFile: tf.ID, Suffix: s.Suffix, Seed: s.Seed, Method: train.MethodSupervised,
		Hyperparameters: s.Hyperparameters}
	if s.Check.Kind == ftcheck.KindDPO {
		spec.Method = train.MethodDPO
	}
	if s.Val != "" {
		vf, err := eng.Upload(ctx, s.Val)
		if err != nil {
			return train.Job{}, err
		}
		spec.ValidationFile = vf.ID
		o.progress("uploaded %s as %s\n", s.Val, vf.ID)
	}
	j, err := eng.CreateJob(ctx, spec)
	if err != nil {
		return train.Job{}, err
	}
	if err := reg.Add(ctx, registry.Record{Provider: s.Provider, Job: j, Suffix: s.Suffix, TrainingPath: s.Train,
		ValidationPath: s.Val, EstimatedCost: s.Check.CostUSD}); err != nil {
		return train.Job{}, err
	}
	o.print("job %s created (%s)\n", j.ID, j.Status)
	if s.Deploy.Name != "" {
		d := s.Deploy
		d.JobID, d.State = j.ID, registry.DeploymentPending
		if err := reg.SaveDeployment(ctx, d); err != nil {
			return train.Job{}, err
		}
	}
	return j, nil
}

// Watch follows a job, reporting new events, then records its checkpoints and results (and
// writes results.csv and curves.svg in the job directory), and finishes the deployments
// requested for the job. A job that failed or was cancelled is an error.
func Watch(ctx context.Context, eng *ftopenai.Engine, reg *registry.Registry, id string, o Options) error {
	j, err := train.Follow(ctx, eng, reg, id, train.FollowOptions{Sleep: o.sleep(), Backoff: PollEvery(o.Poll),
		OnEvent:  func(e train.Event) { o.progress("%s %s %s\n", e.CreatedAt.Format("15:04:05"), e.Level, e.Message) },
		OnStatus: func(j train.Job) { o.progress("status %s\n", j.Status) },
	})
	if err != nil {
		return err
	}
	if j.Status == train.StatusSucceeded {
		if err := saveOutcome(ctx, eng, reg, j, o); err != nil {
			return err
		}
	}
	o.print("job %s %s %s\n", j.ID, j.Status, j.FineTunedModel)
	if err := FinishDeployments(ctx, reg, j, o); err != nil {
		return err
	}
	if j.Status == train.StatusFailed || j.Status == train.StatusCancelled {
		return fmt.Errorf("job %s %s: %s", j.ID, j.Status, j.Error)
	}
	return nil
}

// saveOutcome records a succeeded job's checkpoints and metrics and writes its results files.
func saveOutcome(ctx context.Context, eng *ftopenai.Engine, reg *registry.Registry, j train.Job, o Options) error {
	cps, err := eng.Checkpoints(ctx, j.ID)
	if err != nil {
		return err
	}
	if err := reg.SaveCheckpoints(ctx, j.ID, cps); err != nil {
		return err
	}
	rows, raw, err := eng.Results(ctx, j)
	if err != nil {
		return err
	}
	if err := reg.SaveMetrics(ctx, j.ID, rows); err != nil {
		return err
	}
	return WriteResults(reg, j, raw, rows, o)
}
