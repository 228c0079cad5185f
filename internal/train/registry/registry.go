// Package registry records fine-tuning jobs in a local SQLite state database: provider, ids,
// files, base model, hyperparameters, status history, events (so watching resumes after the
// last recorded one), metrics, estimated cost, and the deployments of fine-tuned models
// (including those requested for a job that has not finished). It is what lets `sqlforge jobs` work after
// the process that created a job was killed. It never stores credentials.
package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver

	"github.com/sqlforge/sqlforge/internal/train"
)

const schema = `
CREATE TABLE IF NOT EXISTS jobs (
	id TEXT PRIMARY KEY,
	provider TEXT NOT NULL,
	base_model TEXT NOT NULL,
	method TEXT NOT NULL DEFAULT 'supervised',
	training_path TEXT NOT NULL DEFAULT '',
	validation_path TEXT NOT NULL DEFAULT '',
	training_file TEXT NOT NULL DEFAULT '',
	validation_file TEXT NOT NULL DEFAULT '',
	hyperparameters TEXT NOT NULL DEFAULT '{}',
	seed INTEGER NOT NULL DEFAULT 0,
	suffix TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	fine_tuned_model TEXT NOT NULL DEFAULT '',
	error TEXT NOT NULL DEFAULT '',
	trained_tokens INTEGER NOT NULL DEFAULT 0,
	estimated_cost_usd REAL NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS job_status (
	job_id TEXT NOT NULL REFERENCES jobs(id),
	seq INTEGER NOT NULL,
	status TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (job_id, seq)
);
CREATE TABLE IF NOT EXISTS job_events (
	job_id TEXT NOT NULL REFERENCES jobs(id),
	seq INTEGER NOT NULL,
	event_id TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	level TEXT NOT NULL,
	type TEXT NOT NULL,
	message TEXT NOT NULL,
	data TEXT,
	UNIQUE (job_id, event_id),
	PRIMARY KEY (job_id, seq)
);
CREATE TABLE IF NOT EXISTS job_metrics (
	job_id TEXT NOT NULL REFERENCES jobs(id),
	step REAL NOT NULL,
	train_loss REAL, train_acc REAL, valid_loss REAL, valid_acc REAL,
	PRIMARY KEY (job_id, step)
);
CREATE TABLE IF NOT EXISTS job_checkpoints (
	job_id TEXT NOT NULL REFERENCES jobs(id),
	id TEXT NOT NULL,
	model TEXT NOT NULL,
	step INTEGER NOT NULL,
	metrics TEXT NOT NULL,
	PRIMARY KEY (job_id, id)
);`

// Registry is an open state database.
type Registry struct {
	db   *sql.DB
	now  func() time.Time
	path string
}

// DefaultPath is $XDG_STATE_HOME/sqlforge/jobs.db, or ~/.local/state/sqlforge/jobs.db.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("locate state directory: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "sqlforge", "jobs.db"), nil
}

// Open opens (creating if needed) the state database at path.
func Open(ctx context.Context, path string) (*Registry, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open registry %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	if err != nil {
		return nil, fmt.Errorf("open registry %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema+deploymentsSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("open registry %s: create tables: %w", path, err)
	}
	return &Registry{db: db, now: time.Now, path: path}, nil
}

// Close closes the database.
func (r *Registry) Close() error { return r.db.Close() }

// Record is a registered job.
type Record struct {
	Provider       string         `json:"provider"`
	Job            train.Job      `json:"job"`
	Suffix         string         `json:"suffix,omitempty"`
	TrainingPath   string         `json:"training_path,omitempty"`
	ValidationPath string         `json:"validation_path,omitempty"`
	EstimatedCost  float64        `json:"estimated_cost_usd,omitempty"`
	UpdatedAt      time.Time      `json:"updated_at"`
	History        []StatusChange `json:"history,omitempty"`
}

// StatusChange is one entry of a job's status history.
type StatusChange struct {
	Status train.Status `json:"status"`
	At     time.Time    `json:"at"`
}

// ErrNotFound is returned for a job the registry does not know.
var ErrNotFound = errors.New("job not in the registry")

// Add records a newly created job (or updates its description).
func (r *Registry) Add(ctx context.Context, rec Record) error {
	j := rec.Job
	hp, _ := json.Marshal(j.Hyperparameters)
	now := r.now().Unix()
	_, err := r.db.ExecContext(ctx, `INSERT INTO jobs (id, provider, base_model, method, training_path, validation_path,
		training_file, validation_file, hyperparameters, seed, suffix, status, fine_tuned_model, error, trained_tokens,
		estimated_cost_usd, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET provider=excluded.provider, base_model=excluded.base_model, method=excluded.method,
		training_path=excluded.training_path, validation_path=excluded.validation_path, hyperparameters=excluded.hyperparameters,
		suffix=excluded.suffix, estimated_cost_usd=excluded.estimated_cost_usd, updated_at=excluded.updated_at`,
		j.ID, rec.Provider, j.BaseModel, string(orDefault(j.Method)), rec.TrainingPath, rec.ValidationPath, j.TrainingFile,
		j.ValidationFile, string(hp), j.Seed, rec.Suffix, "", j.FineTunedModel, j.Error, j.TrainedTokens,
		rec.EstimatedCost, now, now)
	if err != nil {
		return fmt.Errorf("register job %s: %w", j.ID, err)
	}
	return r.SetStatus(ctx, j)
}

func orDefault(m train.Method) train.Method {
	if m == "" {
		return train.MethodSupervised
	}
	return m
}

// SetStatus records j's latest state, appending to the status history when it changed.
func (r *Registry) SetStatus(ctx context.Context, j train.Job) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record status of job %s: %w", j.ID, err)
	}
	defer tx.Rollback()
	var prev string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM jobs WHERE id=?`, j.ID).Scan(&prev); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("record status of job %s: %w", j.ID, ErrNotFound)
		}
		return fmt.Errorf("record status of job %s: %w", j.ID, err)
	}
	now := r.now().Unix()
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET status=?, fine_tuned_model=?, error=?, trained_tokens=?,
		training_file=CASE WHEN ?<>'' THEN ? ELSE training_file END, updated_at=? WHERE id=?`,
		string(j.Status), j.FineTunedModel, j.Error, j.TrainedTokens, j.TrainingFile, j.TrainingFile, now, j.ID); err != nil {
		return fmt.Errorf("record status of job %s: %w", j.ID, err)
	}
	if prev != string(j.Status) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO job_status (job_id, seq, status, at)
			VALUES (?, (SELECT COALESCE(MAX(seq),0)+1 FROM job_status WHERE job_id=?), ?, ?)`, j.ID, j.ID, string(j.Status), now); err != nil {
			return fmt.Errorf("record status of job %s: %w", j.ID, err)
		}
	}
	return tx.Commit()
}

// nullable turns NaN (not measured) into NULL.
func nullable(v float64) any {
	if math.IsNaN(v) {
		return nil
	}
	return v
}
