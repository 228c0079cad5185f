package jobs

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sqlforge/sqlforge/internal/train"
	ftazure "github.com/sqlforge/sqlforge/internal/train/azure"
	"github.com/sqlforge/sqlforge/internal/train/plot"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

// FinishDeployments completes the deployments recorded for job j: deploys its model once the
// job succeeded (also those left Creating by a killed run: PUT is create-or-update), marks
// them Failed when the job did not, and runs a pending evaluation.
func FinishDeployments(ctx context.Context, reg *registry.Registry, j train.Job, o Options) error {
	ds, err := reg.JobDeployments(ctx, j.ID)
	if err != nil {
		return err
	}
	var cl *ftazure.Client
	for _, d := range ds {
		switch {
		case d.State == registry.DeploymentDeleted || d.State == ftazure.StateFailed:
			continue
		case j.Status == train.StatusFailed || j.Status == train.StatusCancelled:
			d.State, d.Error = ftazure.StateFailed, fmt.Sprintf("job %s %s", j.ID, j.Status)
			if err := reg.SaveDeployment(ctx, d); err != nil {
				return err
			}
			continue
		case j.Status != train.StatusSucceeded:
			continue // paused: the deployment stays pending
		case d.State == ftazure.StateSucceeded && (d.EvalData == "" || d.EvalReport != ""):
			continue
		}
		if cl == nil {
			if cl, err = o.Deployer(o.Poll); err != nil {
				return err
			}
		}
		if d.Model == "" {
			d.Model = j.FineTunedModel
		}
		if err := Deploy(ctx, cl, reg, d, o); err != nil {
			return err
		}
	}
	return nil
}

// Deploy provisions d (unless it already succeeded), recording every state, then evaluates
// it when d asks for an evaluation that has not been written yet.
func Deploy(ctx context.Context, cl *ftazure.Client, reg *registry.Registry, d registry.Deployment, o Options) error {
	if d.State != ftazure.StateSucceeded {
		o.progress("deploying %s as %s (%s × %d)\n", d.Model, d.Name, d.SKU, d.Capacity)
		got, err := cl.Deploy(ctx, ftazure.Spec{Name: d.Name, Model: d.Model, SKU: d.SKU, Capacity: d.Capacity}, func(x ftazure.Deployment) {
			o.progress("deployment %s %s\n", d.Name, x.State)
			d.State = x.State
			_ = reg.SaveDeployment(ctx, d) // best effort: the final state is saved below
		})
		if got.State != "" {
			d.State, d.Error = got.State, got.Error
		}
		if err != nil {
			if d.State == "" || !strings.EqualFold(d.State, ftazure.StateFailed) {
				d.State, d.Error = ftazure.StateFailed, err.Error()
			}
			if serr := reg.SaveDeployment(ctx, d); serr != nil {
				return serr
			}
			return err
		}
		if err := reg.SaveDeployment(ctx, d); err != nil {
			return err
		}
	}
	o.print("deployment %s %s (%s)\n", d.Name, d.State, d.Model)
	if d.EvalData == "" || d.EvalReport != "" || o.Evaluate == nil {
		return nil
	}
	dir, err := reg.JobDir(cmp.Or(d.JobID, "deployment-"+d.Name))
	if err != nil {
		return err
	}
	dir = filepath.Join(dir, "eval-"+d.Name)
	if err := o.Evaluate(ctx, d, dir); err != nil {
		return err
	}
	d.EvalReport = dir
	return reg.SaveDeployment(ctx, d)
}

// WriteResults writes the job's results.csv (decoded from base64 when needed) and its
// curves next to it.
func WriteResults(reg *registry.Registry, j train.Job, raw []byte, rows []train.Metrics, o Options) error {
	if len(raw) == 0 {
		return nil
	}
	dir, err := reg.JobDir(j.ID)
	if err != nil {
		return err
	}
	csv := bytes.TrimSpace(raw)
	if !bytes.HasPrefix(csv, []byte("step")) {
		if dec, err := base64.StdEncoding.DecodeString(string(csv)); err == nil {
			csv = dec
		}
	}
	path := filepath.Join(dir, "results.csv")
	if err := os.WriteFile(path, csv, 0o644); err != nil {
		return fmt.Errorf("write results of job %s: %w", j.ID, err)
	}
	if err := plot.WriteFile(filepath.Join(dir, plot.File), fmt.Sprintf("%s: %s", j.ID, cmp.Or(j.FineTunedModel, j.BaseModel)), rows); err != nil {
		return err
	}
	o.progress("results: %s, curves: %s\n", path, filepath.Join(dir, plot.File))
	return nil
}
