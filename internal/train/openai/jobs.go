package openai

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/param"

	"github.com/sqlforge/sqlforge/internal/train"
)

// CreateJob starts a fine-tuning job on already processed files.
func (e *Engine) CreateJob(ctx context.Context, spec train.JobSpec) (train.Job, error) {
	if spec.BaseModel == "" || spec.TrainingFile == "" {
		return train.Job{}, fmt.Errorf("create job: base model and training file are required")
	}
	p := sdk.FineTuningJobNewParams{Model: sdk.FineTuningJobNewParamsModel(spec.BaseModel), TrainingFile: spec.TrainingFile}
	if spec.ValidationFile != "" {
		p.ValidationFile = param.NewOpt(spec.ValidationFile)
	}
	if spec.Seed != 0 {
		p.Seed = param.NewOpt(spec.Seed)
	}
	if spec.Suffix != "" {
		p.Suffix = param.NewOpt(spec.Suffix)
	}
	h := spec.Hyperparameters
	switch spec.Method {
	case train.MethodDPO:
		var hp sdk.DpoHyperparameters
		if h.Epochs > 0 {
			hp.NEpochs.OfInt = param.NewOpt(int64(h.Epochs))
		}
		if h.BatchSize > 0 {
			hp.BatchSize.OfInt = param.NewOpt(int64(h.BatchSize))
		}
		if h.LearningRateMultiplier > 0 {
			hp.LearningRateMultiplier.OfFloat = param.NewOpt(h.LearningRateMultiplier)
		}
		if h.Beta > 0 {
			hp.Beta.OfFloat = param.NewOpt(h.Beta)
		}
		p.Method = sdk.FineTuningJobNewParamsMethod{Type: "dpo", Dpo: sdk.DpoMethodParam{Hyperparameters: hp}}
	case train.MethodSupervised, "":
		var hp sdk.SupervisedHyperparameters
		if h.Epochs > 0 {
			hp.NEpochs.OfInt = param.NewOpt(int64(h.Epochs))
		}
		if h.BatchSize > 0 {
			hp.BatchSize.OfInt = param.NewOpt(int64(h.BatchSize))
		}
		if h.LearningRateMultiplier > 0 {
			hp.LearningRateMultiplier.OfFloat = param.NewOpt(h.LearningRateMultiplier)
		}
		p.Method = sdk.FineTuningJobNewParamsMethod{Type: "supervised", Supervised: sdk.SupervisedMethodParam{Hyperparameters: hp}}
	default:
		return train.Job{}, fmt.Errorf("create job: unknown method %q (want supervised or dpo)", spec.Method)
	}
	var j *sdk.FineTuningJob
	err := e.do(ctx, "create fine-tuning job", func() error {
		var err error
		j, err = e.c.FineTuning.Jobs.New(ctx, p)
		return err
	})
	if err != nil {
		return train.Job{}, err
	}
	return convertJob(j), nil
}

// GetJob returns the job's current state.
func (e *Engine) GetJob(ctx context.Context, id string) (train.Job, error) {
	return e.jobCall(ctx, "get job "+id, func() (*sdk.FineTuningJob, error) { return e.c.FineTuning.Jobs.Get(ctx, id) })
}

// Cancel cancels a job that has not ended.
func (e *Engine) Cancel(ctx context.Context, id string) (train.Job, error) {
	return e.jobCall(ctx, "cancel job "+id, func() (*sdk.FineTuningJob, error) { return e.c.FineTuning.Jobs.Cancel(ctx, id) })
}

// Pause pauses a running job.
func (e *Engine) Pause(ctx context.Context, id string) (train.Job, error) {
	return e.jobCall(ctx, "pause job "+id, func() (*sdk.FineTuningJob, error) { return e.c.FineTuning.Jobs.Pause(ctx, id) })
}

// Resume resumes a paused job.
func (e *Engine) Resume(ctx context.Context, id string) (train.Job, error) {
	return e.jobCall(ctx, "resume job "+id, func() (*sdk.FineTuningJob, error) { return e.c.FineTuning.Jobs.Resume(ctx, id) })
}

func (e *Engine) jobCall(ctx context.Context, op string, call func() (*sdk.FineTuningJob, error)) (train.Job, error) {
	var j *sdk.FineTuningJob
	err := e.do(ctx, op, func() error {
		var err error
		j, err = call()
		return err
	})
	if err != nil {
		return train.Job{}, err
	}
	return convertJob(j), nil
}

// EventsSince returns the job's events newer than afterID (all when empty), oldest first and
// without duplicates. The API lists events newest first and pages toward older ones, so pages
// are read until afterID (or the end) is reached and the result is reversed.
func (e *Engine) EventsSince(ctx context.Context, id, afterID string) ([]train.Event, error) {
	var (
		out    []train.Event
		seen   = map[string]bool{}
		cursor string
	)
	for {
		q := sdk.FineTuningJobListEventsParams{Limit: param.NewOpt(int64(100))}
		if cursor != "" {
			q.After = param.NewOpt(cursor)
		}
		var pg *[]sdk.FineTuningJobEvent
		var more bool
		err := e.do(ctx, "list events of job "+id, func() error {
			res, err := e.c.FineTuning.Jobs.ListEvents(ctx, id, q)
			if err == nil {
				pg, more = &res.Data, res.HasMore
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, ev := range *pg {
			if ev.ID == afterID {
				more = false
				break
			}
			if seen[ev.ID] {
				continue
			}
			seen[ev.ID] = true
			out = append(out, train.Event{ID: ev.ID, CreatedAt: time.Unix(ev.CreatedAt, 0).UTC(), Level: string(ev.Level),
				Message: ev.Message, Type: string(ev.Type), Data: rawData(ev.JSON.Data.Raw())})
		}
		if !more || len(*pg) == 0 {
			break
		}
		cursor = (*pg)[len(*pg)-1].ID
	}
	slices.Reverse(out)
	return out, nil
}

// Checkpoints returns the job's checkpoints with their metrics, lowest step first.
func (e *Engine) Checkpoints(ctx context.Context, id string) ([]train.Checkpoint, error) {
	var out []train.Checkpoint
	cursor := ""
	for {
		q := sdk.FineTuningJobCheckpointListParams{Limit: param.NewOpt(int64(100))}
		if cursor != "" {
			q.After = param.NewOpt(cursor)
		}
		var data []sdk.FineTuningJobCheckpoint
		var more bool
		err := e.do(ctx, "list checkpoints of job "+id, func() error {
			res, err := e.c.FineTuning.Jobs.Checkpoints.List(ctx, id, q)
			if err == nil {
				data, more = res.Data, res.HasMore
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, c := range data {
			m := c.Metrics
			out = append(out, train.Checkpoint{ID: c.ID, Model: c.FineTunedModelCheckpoint, Step: c.StepNumber,
				CreatedAt: time.Unix(c.CreatedAt, 0).UTC(), Metrics: train.Metrics{Step: m.Step, TrainLoss: m.TrainLoss,
					TrainMeanTokenAccuracy: m.TrainMeanTokenAccuracy, ValidLoss: m.ValidLoss, ValidMeanTokenAccuracy: m.ValidMeanTokenAccuracy,
					FullValidLoss: m.FullValidLoss, FullValidMeanTokenAccuracy: m.FullValidMeanTokenAccuracy}})
		}
		if !more || len(data) == 0 {
			break
		}
		cursor = data[len(data)-1].ID
	}
	slices.SortFunc(out, func(a, b train.Checkpoint) int { return int(a.Step - b.Step) })
	return out, nil
}

// Results downloads and parses the job's results.csv (its first result file). A job without
// result files (not succeeded) returns no rows.
func (e *Engine) Results(ctx context.Context, j train.Job) ([]train.Metrics, []byte, error) {
	if len(j.ResultFiles) == 0 {
		return nil, nil, nil
	}
	data, err := e.Content(ctx, j.ResultFiles[0])
	if err != nil {
		return nil, nil, err
	}
	rows, err := train.ParseResults(data)
	if err != nil {
		return nil, data, fmt.Errorf("results of job %s (file %s): %w", j.ID, j.ResultFiles[0], err)
	}
	return rows, data, nil
}

func rawData(s string) json.RawMessage {
	if s == "" || s == "null" {
		return nil
	}
	return json.RawMessage(s)
}

// convertJob maps the SDK job to train.Job.
func convertJob(j *sdk.FineTuningJob) train.Job {
	out := train.Job{ID: j.ID, Status: train.Status(j.Status), BaseModel: j.Model, FineTunedModel: j.FineTunedModel,
		TrainingFile: j.TrainingFile, ValidationFile: j.ValidationFile, ResultFiles: j.ResultFiles,
		TrainedTokens: j.TrainedTokens, Seed: j.Seed, Method: train.Method(j.Method.Type),
		CreatedAt: time.Unix(j.CreatedAt, 0).UTC(), Error: j.Error.Message}
	if j.FinishedAt > 0 {
		out.FinishedAt = time.Unix(j.FinishedAt, 0).UTC()
	}
	var hp struct {
		Epochs json.RawMessage `json:"n_epochs"`
		Batch  json.RawMessage `json:"batch_size"`
		LR     json.RawMessage `json:"learning_rate_multiplier"`
	}
	if json.Unmarshal([]byte(j.Hyperparameters.RawJSON()), &hp) == nil {
		_ = json.Unmarshal(hp.Epochs, &out.Hyperparameters.Epochs)
		_ = json.Unmarshal(hp.Batch, &out.Hyperparameters.BatchSize)
		_ = json.Unmarshal(hp.LR, &out.Hyperparameters.LearningRateMultiplier)
	}
	return out
}
