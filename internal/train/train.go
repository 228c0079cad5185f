// Package train holds what every fine-tuning engine shares: the job, event, checkpoint and
// result types the engines return and the registry stores, the statuses a job moves through,
// and Follow, which polls a job to its end while recording it.
//
// Engines (openai, azure) live in sub-packages and are wired by one switch in the CLI.
package train

import (
	"encoding/json"
	"time"
)

// Status is a fine-tuning job status as the OpenAI and Azure OpenAI APIs report it.
type Status string

// The statuses of the published fine_tuning.job object. Azure also reports "pending" and
// "notRunning"-style values on older api-versions; they are treated as not terminal.
const (
	StatusValidatingFiles Status = "validating_files"
	StatusQueued          Status = "queued"
	StatusRunning         Status = "running"
	StatusSucceeded       Status = "succeeded"
	StatusFailed          Status = "failed"
	StatusCancelled       Status = "cancelled"
	StatusPaused          Status = "paused"
)

// Terminal reports whether a job in status s will never change again by itself. A paused job
// is not terminal (it can be resumed) but Follow stops on it too, see Stopped.
func (s Status) Terminal() bool {
	return s == StatusSucceeded || s == StatusFailed || s == StatusCancelled
}

// Stopped reports whether polling should end: the job is terminal or waits for a person
// (paused). Looping on anything else is the only reason to keep polling.
func (s Status) Stopped() bool { return s.Terminal() || s == StatusPaused }

// Method is the training method of a job.
type Method string

// Supported training methods.
const (
	MethodSupervised Method = "supervised"
	MethodDPO        Method = "dpo"
)

// Hyperparameters are the job's training settings; zero means "auto" (the provider chooses).
type Hyperparameters struct {
	// Epochs is n_epochs.
	Epochs int `json:"n_epochs,omitempty"`
	// BatchSize is batch_size.
	BatchSize int `json:"batch_size,omitempty"`
	// LearningRateMultiplier is learning_rate_multiplier.
	LearningRateMultiplier float64 `json:"learning_rate_multiplier,omitempty"`
	// Beta is the DPO beta (DPO jobs only).
	Beta float64 `json:"beta,omitempty"`
}

// JobSpec is what a job is created from.
type JobSpec struct {
	// BaseModel is the model to fine-tune, e.g. gpt-4o-mini-2024-07-18.
	BaseModel string `json:"base_model"`
	// TrainingFile and ValidationFile are provider file ids (already uploaded and processed).
	TrainingFile   string `json:"training_file"`
	ValidationFile string `json:"validation_file,omitempty"`
	// Method is supervised or dpo.
	Method          Method          `json:"method"`
	Hyperparameters Hyperparameters `json:"hyperparameters"`
	// Seed makes the job reproducible; 0 lets the provider choose.
	Seed int64 `json:"seed,omitempty"`
	// Suffix is added to the fine-tuned model name (at most 64 characters for OpenAI).
	Suffix string `json:"suffix,omitempty"`
}

// Job is a provider's view of a fine-tuning job.
type Job struct {
	ID              string          `json:"id"`
	Status          Status          `json:"status"`
	BaseModel       string          `json:"base_model"`
	FineTunedModel  string          `json:"fine_tuned_model,omitempty"`
	TrainingFile    string          `json:"training_file"`
	ValidationFile  string          `json:"validation_file,omitempty"`
	ResultFiles     []string        `json:"result_files,omitempty"`
	TrainedTokens   int64           `json:"trained_tokens,omitempty"`
	Hyperparameters Hyperparameters `json:"hyperparameters"`
	Method          Method          `json:"method,omitempty"`
	Seed            int64           `json:"seed,omitempty"`
	CreatedAt       time.Time       `json:"created_at"`
	FinishedAt      time.Time       `json:"finished_at,omitzero"`
	// Error is the provider's reason for a failed job.
	Error string `json:"error,omitempty"`
}

// Event is one job event. IDs are opaque; providers list events newest first.
type Event struct {
	ID        string          `json:"id"`
	CreatedAt time.Time       `json:"created_at"`
	Level     string          `json:"level"`
	Message   string          `json:"message"`
	Type      string          `json:"type,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// Checkpoint is a fine-tuned model snapshot saved at the end of an epoch.
type Checkpoint struct {
	ID        string    `json:"id"`
	Model     string    `json:"fine_tuned_model_checkpoint"`
	Step      int64     `json:"step_number"`
	CreatedAt time.Time `json:"created_at"`
	Metrics   Metrics   `json:"metrics"`
}

// Metrics are the losses and accuracies reported for a step or checkpoint.
type Metrics struct {
	Step                       float64 `json:"step"`
	TrainLoss                  float64 `json:"train_loss"`
	TrainMeanTokenAccuracy     float64 `json:"train_mean_token_accuracy"`
	ValidLoss                  float64 `json:"valid_loss,omitempty"`
	ValidMeanTokenAccuracy     float64 `json:"valid_mean_token_accuracy,omitempty"`
	FullValidLoss              float64 `json:"full_valid_loss,omitempty"`
	FullValidMeanTokenAccuracy float64 `json:"full_valid_mean_token_accuracy,omitempty"`
}

// FileInfo is an uploaded file.
type FileInfo struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
	Bytes    int64  `json:"bytes"`
	// Status is uploaded, processed or error.
	Status        string `json:"status"`
	StatusDetails string `json:"status_details,omitempty"`
}
