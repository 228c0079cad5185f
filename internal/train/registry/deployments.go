package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

const deploymentsSchema = `
CREATE TABLE IF NOT EXISTS deployments (
	account TEXT NOT NULL,
	name TEXT NOT NULL,
	job_id TEXT NOT NULL DEFAULT '',
	model TEXT NOT NULL DEFAULT '',
	sku TEXT NOT NULL DEFAULT 'standard',
	capacity INTEGER NOT NULL DEFAULT 1,
	state TEXT NOT NULL,
	error TEXT NOT NULL DEFAULT '',
	eval_data TEXT NOT NULL DEFAULT '',
	eval_report TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (account, name)
);`

// Deployment states the registry adds to the provider's provisioning states.
const (
	// DeploymentPending is a deployment requested for a job that has not succeeded yet; it
	// is created when the job does, by whichever command sees that first.
	DeploymentPending = "Pending"
	// DeploymentDeleted is a deployment that was deleted.
	DeploymentDeleted = "Deleted"
)

// Deployment is a recorded model deployment (Azure OpenAI). It holds no credentials.
type Deployment struct {
	// Account is the Azure OpenAI resource; Name the deployment name (azure:NAME).
	Account string `json:"account"`
	Name    string `json:"name"`
	// JobID is the job whose model (or checkpoint) is deployed, when known.
	JobID string `json:"job_id,omitempty"`
	// Model is the fine-tuned model or checkpoint id ("" while Pending).
	Model    string `json:"model,omitempty"`
	SKU      string `json:"sku"`
	Capacity int    `json:"capacity"`
	// State is Pending, a provisioning state (Accepted, Creating, Succeeded, Failed) or Deleted.
	State string `json:"state"`
	Error string `json:"error,omitempty"`
	// EvalData is the dataset to evaluate the deployment on once it succeeded, and
	// EvalReport the report directory written.
	EvalData   string    `json:"eval_data,omitempty"`
	EvalReport string    `json:"eval_report,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// SaveDeployment records d, creating it or replacing its recorded state.
func (r *Registry) SaveDeployment(ctx context.Context, d Deployment) error {
	if d.Name == "" || d.State == "" {
		return fmt.Errorf("record deployment: name and state are required")
	}
	now := r.now().Unix()
	_, err := r.db.ExecContext(ctx, `INSERT INTO deployments (account, name, job_id, model, sku, capacity, state, error,
		eval_data, eval_report, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(account, name) DO UPDATE SET job_id=excluded.job_id, model=excluded.model, sku=excluded.sku,
		capacity=excluded.capacity, state=excluded.state, error=excluded.error, eval_data=excluded.eval_data,
		eval_report=excluded.eval_report, updated_at=excluded.updated_at`,
		d.Account, d.Name, d.JobID, d.Model, d.SKU, d.Capacity, d.State, d.Error, d.EvalData, d.EvalReport, now, now)
	if err != nil {
		return fmt.Errorf("record deployment %s: %w", d.Name, err)
	}
	return nil
}

// GetDeployment returns the deployment called name (the most recently updated one when
// several accounts have one).
func (r *Registry) GetDeployment(ctx context.Context, name string) (Deployment, error) {
	ds, err := r.deployments(ctx, `WHERE name=? ORDER BY updated_at DESC LIMIT 1`, name)
	if err != nil {
		return Deployment{}, err
	}
	if len(ds) == 0 {
		return Deployment{}, fmt.Errorf("deployment %s: %w", name, ErrDeploymentNotFound)
	}
	return ds[0], nil
}

// ErrDeploymentNotFound is returned for a deployment the registry does not know.
var ErrDeploymentNotFound = errors.New("deployment not in the registry")

// Deployments returns every recorded deployment, newest first.
func (r *Registry) Deployments(ctx context.Context) ([]Deployment, error) {
	return r.deployments(ctx, `ORDER BY created_at DESC, name`)
}

// JobDeployments returns the deployments recorded for a job, oldest first.
func (r *Registry) JobDeployments(ctx context.Context, jobID string) ([]Deployment, error) {
	return r.deployments(ctx, `WHERE job_id=? ORDER BY created_at, name`, jobID)
}

func (r *Registry) deployments(ctx context.Context, where string, args ...any) ([]Deployment, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT account, name, job_id, model, sku, capacity, state, error, eval_data,
		eval_report, created_at, updated_at FROM deployments `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read deployments: %w", err)
	}
	defer rows.Close()
	var out []Deployment
	for rows.Next() {
		var d Deployment
		var created, updated int64
		if err := rows.Scan(&d.Account, &d.Name, &d.JobID, &d.Model, &d.SKU, &d.Capacity, &d.State, &d.Error, &d.EvalData,
			&d.EvalReport, &created, &updated); err != nil {
			return nil, fmt.Errorf("read deployments: %w", err)
		}
		d.CreatedAt, d.UpdatedAt = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read deployments: %w", err)
	}
	return out, nil
}

// JobDir is the directory for a job's files (results.csv, curves.svg, evaluation reports),
// next to the state database; it is created.
func (r *Registry) JobDir(jobID string) (string, error) {
	dir := filepath.Join(filepath.Dir(r.path), "jobs", filepath.Base(jobID))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("job directory: %w", err)
	}
	return dir, nil
}
