package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/sqlforge/sqlforge/internal/train"
)

// LastEventID returns the id of the newest recorded event of the job ("" if none).
func (r *Registry) LastEventID(ctx context.Context, jobID string) (string, error) {
	var id string
	err := r.db.QueryRowContext(ctx, `SELECT event_id FROM job_events WHERE job_id=? ORDER BY seq DESC LIMIT 1`, jobID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read last event of job %s: %w", jobID, err)
	}
	return id, nil
}

// AddEvents records events (oldest first); events already recorded are ignored.
func (r *Registry) AddEvents(ctx context.Context, jobID string, events []train.Event) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record events of job %s: %w", jobID, err)
	}
	defer tx.Rollback()
	for _, e := range events {
		if _, err := tx.ExecContext(ctx, `INSERT INTO job_events (job_id, seq, event_id, created_at, level, type, message, data)
			VALUES (?, (SELECT COALESCE(MAX(seq),0)+1 FROM job_events WHERE job_id=?), ?, ?, ?, ?, ?, ?)
			ON CONFLICT(job_id, event_id) DO NOTHING`,
			jobID, jobID, e.ID, e.CreatedAt.Unix(), e.Level, e.Type, e.Message, string(e.Data)); err != nil {
			return fmt.Errorf("record event %s of job %s: %w", e.ID, jobID, err)
		}
	}
	return tx.Commit()
}

// Events returns the recorded events of the job, oldest first.
func (r *Registry) Events(ctx context.Context, jobID string) ([]train.Event, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT event_id, created_at, level, type, message, COALESCE(data,'') FROM job_events
		WHERE job_id=? ORDER BY seq`, jobID)
	if err != nil {
		return nil, fmt.Errorf("read events of job %s: %w", jobID, err)
	}
	defer rows.Close()
	var out []train.Event
	for rows.Next() {
		var e train.Event
		var at int64
		var data string
		if err := rows.Scan(&e.ID, &at, &e.Level, &e.Type, &e.Message, &data); err != nil {
			return nil, fmt.Errorf("read events of job %s: %w", jobID, err)
		}
		e.CreatedAt = time.Unix(at, 0).UTC()
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SaveMetrics records the per-step metrics of results.csv (replacing earlier rows).
func (r *Registry) SaveMetrics(ctx context.Context, jobID string, rows []train.Metrics) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record metrics of job %s: %w", jobID, err)
	}
	defer tx.Rollback()
	for _, m := range rows {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO job_metrics (job_id, step, train_loss, train_acc, valid_loss, valid_acc)
			VALUES (?,?,?,?,?,?)`, jobID, m.Step, nullable(m.TrainLoss), nullable(m.TrainMeanTokenAccuracy),
			nullable(m.ValidLoss), nullable(m.ValidMeanTokenAccuracy)); err != nil {
			return fmt.Errorf("record metrics of job %s: %w", jobID, err)
		}
	}
	return tx.Commit()
}

// Metrics returns the recorded per-step metrics, by step; unmeasured values are NaN.
func (r *Registry) Metrics(ctx context.Context, jobID string) ([]train.Metrics, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT step, train_loss, train_acc, valid_loss, valid_acc FROM job_metrics
		WHERE job_id=? ORDER BY step`, jobID)
	if err != nil {
		return nil, fmt.Errorf("read metrics of job %s: %w", jobID, err)
	}
	defer rows.Close()
	var out []train.Metrics
	for rows.Next() {
		var m train.Metrics
		var tl, ta, vl, va sql.NullFloat64
		if err := rows.Scan(&m.Step, &tl, &ta, &vl, &va); err != nil {
			return nil, fmt.Errorf("read metrics of job %s: %w", jobID, err)
		}
		m.TrainLoss, m.TrainMeanTokenAccuracy, m.ValidLoss, m.ValidMeanTokenAccuracy = nan(tl), nan(ta), nan(vl), nan(va)
		m.FullValidLoss, m.FullValidMeanTokenAccuracy = math.NaN(), math.NaN()
		out = append(out, m)
	}
	return out, rows.Err()
}

func nan(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// SaveCheckpoints records the job's checkpoints.
func (r *Registry) SaveCheckpoints(ctx context.Context, jobID string, cps []train.Checkpoint) error {
	for _, c := range cps {
		m, _ := json.Marshal(c.Metrics)
		if _, err := r.db.ExecContext(ctx, `INSERT OR REPLACE INTO job_checkpoints (job_id, id, model, step, metrics) VALUES (?,?,?,?,?)`,
			jobID, c.ID, c.Model, c.Step, string(m)); err != nil {
			return fmt.Errorf("record checkpoints of job %s: %w", jobID, err)
		}
	}
	return nil
}

// Checkpoints returns the recorded checkpoints by step.
func (r *Registry) Checkpoints(ctx context.Context, jobID string) ([]train.Checkpoint, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT id, model, step, metrics FROM job_checkpoints WHERE job_id=? ORDER BY step`, jobID)
	if err != nil {
		return nil, fmt.Errorf("read checkpoints of job %s: %w", jobID, err)
	}
	defer rows.Close()
	var out []train.Checkpoint
	for rows.Next() {
		var c train.Checkpoint
		var m string
		if err := rows.Scan(&c.ID, &c.Model, &c.Step, &m); err != nil {
			return nil, fmt.Errorf("read checkpoints of job %s: %w", jobID, err)
		}
		_ = json.Unmarshal([]byte(m), &c.Metrics)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Get returns a job with its status history.
func (r *Registry) Get(ctx context.Context, id string) (Record, error) {
	recs, err := r.query(ctx, `WHERE id=?`, id)
	if err != nil {
		return Record{}, err
	}
	if len(recs) == 0 {
		return Record{}, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	rec := recs[0]
	rows, err := r.db.QueryContext(ctx, `SELECT status, at FROM job_status WHERE job_id=? ORDER BY seq`, id)
	if err != nil {
		return rec, fmt.Errorf("read history of job %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var at int64
		if err := rows.Scan(&s, &at); err != nil {
			return rec, fmt.Errorf("read history of job %s: %w", id, err)
		}
		rec.History = append(rec.History, StatusChange{Status: train.Status(s), At: time.Unix(at, 0).UTC()})
	}
	return rec, rows.Err()
}

// List returns every job, newest first.
func (r *Registry) List(ctx context.Context) ([]Record, error) {
	return r.query(ctx, `ORDER BY created_at DESC, id DESC`)
}

func (r *Registry) query(ctx context.Context, where string, args ...any) ([]Record, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT id, provider, base_model, method, training_path, validation_path, training_file,
		validation_file, hyperparameters, seed, suffix, status, fine_tuned_model, error, trained_tokens, estimated_cost_usd,
		created_at, updated_at FROM jobs `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read jobs: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var rec Record
		j := &rec.Job
		var method, status, hp string
		var created, updated int64
		if err := rows.Scan(&j.ID, &rec.Provider, &j.BaseModel, &method, &rec.TrainingPath, &rec.ValidationPath, &j.TrainingFile,
			&j.ValidationFile, &hp, &j.Seed, &rec.Suffix, &status, &j.FineTunedModel, &j.Error, &j.TrainedTokens,
			&rec.EstimatedCost, &created, &updated); err != nil {
			return nil, fmt.Errorf("read jobs: %w", err)
		}
		j.Method, j.Status = train.Method(method), train.Status(status)
		_ = json.Unmarshal([]byte(hp), &j.Hyperparameters)
		j.CreatedAt, rec.UpdatedAt = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
		out = append(out, rec)
	}
	return out, rows.Err()
}
