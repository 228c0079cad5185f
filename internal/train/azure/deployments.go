package azure

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The provisioning states of a deployment (properties.provisioningState) and of an
// Azure-AsyncOperation (status). Succeeded, Failed and Canceled are terminal.
const (
	StateAccepted  = "Accepted"
	StateCreating  = "Creating"
	StateSucceeded = "Succeeded"
	StateFailed    = "Failed"
	StateCanceled  = "Canceled"
	StateDeleting  = "Deleting"
)

func terminal(state string) bool {
	return strings.EqualFold(state, StateSucceeded) || strings.EqualFold(state, StateFailed) || strings.EqualFold(state, StateCanceled)
}

// Spec is what a deployment is created or updated from.
type Spec struct {
	// Name is the deployment name, used as azure:NAME for inference.
	Name string
	// Model is the fine-tuned model id (job.fine_tuned_model) or a checkpoint's model id.
	Model string
	// ModelVersion is properties.model.version (fine-tuned models are version "1").
	ModelVersion string
	// SKU is sku.name: standard (the default), globalstandard, developer, ...
	SKU string
	// Capacity is sku.capacity in thousands of tokens per minute (default 1).
	Capacity int
}

// Deployment is a deployment as the control plane describes it.
type Deployment struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Model        string `json:"model"`
	ModelVersion string `json:"model_version,omitempty"`
	SKU          string `json:"sku"`
	Capacity     int    `json:"capacity"`
	// State is properties.provisioningState.
	State string `json:"state"`
	// Error is the reason a deployment failed, when the service gave one.
	Error string `json:"error,omitempty"`
}

// wireDeployment is the ARM resource body.
type wireDeployment struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	SKU  struct {
		Name     string `json:"name"`
		Capacity int    `json:"capacity"`
	} `json:"sku"`
	Properties struct {
		Model struct {
			Format  string `json:"format"`
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"model"`
		ProvisioningState string `json:"provisioningState,omitempty"`
	} `json:"properties"`
}

func (w wireDeployment) convert() Deployment {
	return Deployment{ID: w.ID, Name: w.Name, Model: w.Properties.Model.Name, ModelVersion: w.Properties.Model.Version,
		SKU: w.SKU.Name, Capacity: w.SKU.Capacity, State: w.Properties.ProvisioningState}
}

// Put creates or updates a deployment and returns at once: the deployment as the service
// answered (201 created, 200 updated) and the URL to poll, from Azure-AsyncOperation or
// Location ("" when none was given or it points away from the management endpoint).
func (cl *Client) Put(ctx context.Context, s Spec) (Deployment, string, error) {
	if s.Name == "" || s.Model == "" {
		return Deployment{}, "", fmt.Errorf("deploy: a deployment name and a model are required")
	}
	if s.SKU == "" {
		s.SKU = "standard"
	}
	if s.Capacity <= 0 {
		s.Capacity = 1
	}
	if s.ModelVersion == "" {
		s.ModelVersion = "1"
	}
	var body wireDeployment
	body.SKU.Name, body.SKU.Capacity = s.SKU, s.Capacity
	body.Properties.Model.Format, body.Properties.Model.Name, body.Properties.Model.Version = "OpenAI", s.Model, s.ModelVersion
	op := fmt.Sprintf("deploy %s as %s", s.Model, s.Name)
	res, err := cl.do(ctx, op, http.MethodPut, cl.deploymentsURL(s.Name), body, http.StatusOK, http.StatusCreated)
	if err != nil {
		return Deployment{}, "", err
	}
	var w wireDeployment
	if err := json.Unmarshal(res.body, &w); err != nil {
		return Deployment{}, "", fmt.Errorf("%s: decode answer: %w", op, err)
	}
	d := w.convert()
	if d.Name == "" {
		d.Name = s.Name
	}
	return d, cl.pollURL(res.header), nil
}

// pollURL picks the operation to follow from a long-running answer's headers.
func (cl *Client) pollURL(h http.Header) string {
	for _, k := range []string{"Azure-AsyncOperation", "Location"} {
		if u := h.Get(k); u != "" && cl.sameHost(u) {
			return u
		}
	}
	return ""
}

// Deploy creates or updates a deployment and waits until its provisioning ends. A deployment
// that ends Failed or Canceled is returned with an error.
func (cl *Client) Deploy(ctx context.Context, s Spec, onState func(Deployment)) (Deployment, error) {
	d, op, err := cl.Put(ctx, s)
	if err != nil {
		return d, err
	}
	if onState != nil {
		onState(d)
	}
	return cl.Wait(ctx, s.Name, op, d, onState)
}

// Wait follows a deployment until its provisioning state is terminal: through the
// Azure-AsyncOperation URL op when there is one, otherwise by reading the deployment.
// onState, when not nil, sees every new state.
func (cl *Client) Wait(ctx context.Context, name, op string, d Deployment, onState func(Deployment)) (Deployment, error) {
	delay := time.Duration(0)
	last := d.State
	for poll := 0; !terminal(d.State); poll++ {
		if poll >= cl.c.MaxPolls {
			return d, fmt.Errorf("deployment %s: still %s after %d polls", name, d.State, poll)
		}
		delay = cl.c.Poll.Next(delay, false)
		if err := cl.c.Sleep(ctx, delay); err != nil {
			return d, fmt.Errorf("wait for deployment %s: %w", name, err)
		}
		if op != "" {
			st, msg, err := cl.operation(ctx, name, op)
			if err != nil {
				return d, err
			}
			if !terminal(st) {
				d.State = st
				if st != last && onState != nil {
					onState(d)
				}
				last = st
				continue
			}
			op = "" // read the deployment itself for its final description
			if !strings.EqualFold(st, StateSucceeded) {
				got, err := cl.Get(ctx, name)
				if err == nil {
					d = got
				}
				d.State, d.Error = st, msg
				break
			}
		}
		got, err := cl.Get(ctx, name)
		if err != nil {
			return d, err
		}
		d = got
		if d.State != last && onState != nil {
			onState(d)
		}
		last = d.State
	}
	if !strings.EqualFold(d.State, StateSucceeded) {
		msg := d.Error
		if msg == "" {
			msg = "no reason given"
		}
		return d, fmt.Errorf("deployment %s of %s: %s: %s", name, d.Model, d.State, msg)
	}
	return d, nil
}

// operation reads an Azure-AsyncOperation status resource: {"status", "error": {...}}.
func (cl *Client) operation(ctx context.Context, name, u string) (string, string, error) {
	res, err := cl.do(ctx, "poll deployment "+name, http.MethodGet, u, nil, http.StatusOK, http.StatusAccepted)
	if err != nil {
		return "", "", err
	}
	var st struct {
		Status string `json:"status"`
		Error  struct{ Code, Message string }
	}
	if err := json.Unmarshal(res.body, &st); err != nil || st.Status == "" {
		return "", "", fmt.Errorf("poll deployment %s: answer has no status", name)
	}
	msg := st.Error.Message
	if st.Error.Code != "" {
		msg = st.Error.Code + ": " + msg
	}
	return st.Status, msg, nil
}

// Get reads one deployment.
func (cl *Client) Get(ctx context.Context, name string) (Deployment, error) {
	res, err := cl.do(ctx, "get deployment "+name, http.MethodGet, cl.deploymentsURL(name), nil, http.StatusOK)
	if err != nil {
		return Deployment{}, err
	}
	var w wireDeployment
	if err := json.Unmarshal(res.body, &w); err != nil {
		return Deployment{}, fmt.Errorf("get deployment %s: decode answer: %w", name, err)
	}
	return w.convert(), nil
}

// List returns every deployment of the resource, following nextLink pages.
func (cl *Client) List(ctx context.Context) ([]Deployment, error) {
	var out []Deployment
	u := cl.deploymentsURL("")
	for page := 0; u != ""; page++ {
		if page > 1000 {
			return out, fmt.Errorf("list deployments: more than 1000 pages")
		}
		res, err := cl.do(ctx, "list deployments", http.MethodGet, u, nil, http.StatusOK)
		if err != nil {
			return out, err
		}
		var pg struct {
			Value    []wireDeployment `json:"value"`
			NextLink string           `json:"nextLink"`
		}
		if err := json.Unmarshal(res.body, &pg); err != nil {
			return out, fmt.Errorf("list deployments: decode answer: %w", err)
		}
		for _, w := range pg.Value {
			out = append(out, w.convert())
		}
		u = ""
		if pg.NextLink != "" {
			if !cl.sameHost(pg.NextLink) {
				return out, fmt.Errorf("list deployments: nextLink points away from the management endpoint")
			}
			u = pg.NextLink
		}
	}
	return out, nil
}

// Delete removes a deployment and waits until it is gone: 200 or 204 is done; 202 is
// followed through Location (202 while deleting, 200 or 204 when done) or by reading the
// deployment until 404. Deleting a deployment that does not exist is not an error (ARM
// answers 204).
func (cl *Client) Delete(ctx context.Context, name string) error {
	op := "delete deployment " + name
	res, err := cl.do(ctx, op, http.MethodDelete, cl.deploymentsURL(name), nil, http.StatusOK, http.StatusAccepted, http.StatusNoContent)
	if err != nil {
		return err
	}
	if res.status != http.StatusAccepted {
		return nil
	}
	loc := ""
	if u := res.header.Get("Location"); u != "" && cl.sameHost(u) {
		loc = u
	}
	delay := time.Duration(0)
	for poll := 0; poll < cl.c.MaxPolls; poll++ {
		delay = cl.c.Poll.Next(delay, false)
		if d, ok := pollAfter(res.header); ok {
			delay = d
		}
		if err := cl.c.Sleep(ctx, delay); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		if loc != "" {
			res, err = cl.do(ctx, op, http.MethodGet, loc, nil, http.StatusOK, http.StatusAccepted, http.StatusNoContent)
			if err != nil {
				return err
			}
			if res.status != http.StatusAccepted {
				return nil
			}
			continue
		}
		if _, err := cl.Get(ctx, name); IsNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
	}
	return fmt.Errorf("%s: still deleting after %d polls", op, cl.c.MaxPolls)
}
