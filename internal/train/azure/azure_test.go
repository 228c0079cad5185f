package azure_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sqlforge/sqlforge/internal/train/azure"
	"github.com/sqlforge/sqlforge/internal/train/fttest"
)

const token = "entra-TOKEN-secret-123"

// sleeps records the delays asked for instead of waiting.
type sleeps struct{ got []time.Duration }

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.got = append(s.got, d)
	return ctx.Err()
}

func setup(t *testing.T) (*fttest.Server, *azure.Client, *sleeps) {
	t.Helper()
	srv := fttest.New(t, "sk-data-plane")
	srv.MgmtToken = token
	sl := &sleeps{}
	cl, err := azure.New(azure.Config{Endpoint: srv.URL, SubscriptionID: "sub-1", ResourceGroup: "rg-1", Account: "aoai-1",
		Token: token, Sleep: sl.sleep})
	if err != nil {
		t.Fatal(err)
	}
	return srv, cl, sl
}

func TestDeployLifecycle(t *testing.T) {
	tests := []struct {
		name      string
		script    fttest.DeployScript
		faults    []fttest.Fault
		ckpt      bool   // deploy a checkpoint's model instead of the final one
		wantState string // final provisioning state
		wantErr   string
		wantSleep time.Duration // the first delay asked for, when not zero
	}{
		{"succeeds after creating", fttest.DeployScript{Creating: 3, End: "Succeeded"}, nil, false, "Succeeded", "", 10 * time.Second},
		{"checkpoint model", fttest.DeployScript{Creating: 1}, nil, true, "Succeeded", "", 0},
		{"provisioning fails", fttest.DeployScript{Creating: 2, End: "Failed"}, nil, false, "Failed", "insufficient quota", 0},
		{"429 on create honours Retry-After", fttest.DeployScript{Creating: 1},
			[]fttest.Fault{{Method: "PUT", Path: "/subscriptions", Status: 429, RetryAfter: "17"}}, false, "Succeeded", "", 17 * time.Second},
		{"500 while polling is retried", fttest.DeployScript{Creating: 1},
			[]fttest.Fault{{Method: "GET", Path: "/fttest/operations", Status: 500, Times: 2}}, false, "Succeeded", "", 0},
		{"persistent 503 gives up", fttest.DeployScript{Creating: 1},
			[]fttest.Fault{{Method: "PUT", Path: "/subscriptions", Status: 503, Times: 100}}, false, "", "gave up after 5 retries", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, cl, sl := setup(t)
			srv.DeployScript = tc.script
			srv.Inject(tc.faults...)
			_, model := srv.SucceededJob("gpt-4o-mini-2024-07-18")
			if tc.ckpt {
				model += ":ckpt-step-1"
			}
			var states []string
			d, err := cl.Deploy(context.Background(), azure.Spec{Name: "sql-ft", Model: model, Capacity: 2},
				func(d azure.Deployment) { states = append(states, d.State) })
			if tc.wantErr == "" && err != nil {
				t.Fatalf("got %v, want success", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
			}
			if d.State != tc.wantState {
				t.Errorf("state %q (seen %v), want %q", d.State, states, tc.wantState)
			}
			if tc.wantState == "Succeeded" && (d.Model != model || d.Capacity != 2 || d.SKU != "standard") {
				t.Errorf("got %+v, want model %s, standard ×2", d, model)
			}
			if tc.wantSleep != 0 && (len(sl.got) == 0 || sl.got[0] != tc.wantSleep) {
				t.Errorf("sleeps %v, want first %v", sl.got, tc.wantSleep)
			}
			if tc.wantState == "Succeeded" {
				if m, st := srv.Deployment("sql-ft"); m != model || st != "Succeeded" {
					t.Errorf("server has %s %s", m, st)
				}
			}
		})
	}
}

func TestRequestsFollowThePublishedContract(t *testing.T) {
	srv, cl, _ := setup(t)
	_, model := srv.SucceededJob("gpt-4o-mini-2024-07-18")
	if _, err := cl.Deploy(context.Background(), azure.Spec{Name: "n1", Model: model}, nil); err != nil {
		t.Fatal(err)
	}
	want := "PUT /subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.CognitiveServices/accounts/aoai-1/deployments/n1"
	reqs := srv.Requests()
	if len(reqs) == 0 || reqs[0] != want {
		t.Fatalf("requests %v, want first %q", reqs, want)
	}
}

func TestUpdateListDelete(t *testing.T) {
	srv, cl, _ := setup(t)
	srv.PageLimit = 2
	_, model := srv.SucceededJob("gpt-4o-mini-2024-07-18")
	ctx := context.Background()
	for _, n := range []string{"a", "b", "c"} {
		if _, err := cl.Deploy(ctx, azure.Spec{Name: n, Model: model}, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Updating an existing deployment (200) changes its capacity.
	d, err := cl.Deploy(ctx, azure.Spec{Name: "b", Model: model, Capacity: 5, SKU: "globalstandard"}, nil)
	if err != nil || d.Capacity != 5 || d.SKU != "globalstandard" {
		t.Fatalf("update: %+v %v", d, err)
	}
	all, err := cl.List(ctx)
	if err != nil || len(all) != 3 {
		t.Fatalf("list over pages of 2: %+v %v, want 3", all, err)
	}
	if err := cl.Delete(ctx, "b"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := cl.Get(ctx, "b"); !azure.IsNotFound(err) {
		t.Errorf("get after delete: %v, want 404", err)
	}
	if err := cl.Delete(ctx, "b"); err != nil {
		t.Errorf("deleting a deleted deployment: %v, want nil (204)", err)
	}
	srv.DeployScript.Deleting = 0
	if _, err := cl.Deploy(ctx, azure.Spec{Name: "d", Model: model}, nil); err != nil {
		t.Fatal(err)
	}
	if err := cl.Delete(ctx, "d"); err != nil {
		t.Errorf("delete answered 200: %v", err)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		call    func(*azure.Client) error
		token   string
		wantErr string
	}{
		{"unknown model is 400", func(c *azure.Client) error {
			_, err := c.Deploy(context.Background(), azure.Spec{Name: "x", Model: "ft:nope"}, nil)
			return err
		}, token, "DeploymentModelNotSupported"},
		{"unknown deployment is 404", func(c *azure.Client) error { _, err := c.Get(context.Background(), "nope"); return err }, token, "DeploymentNotFound"},
		{"bad token is 401 and never echoed", func(c *azure.Client) error { _, err := c.List(context.Background()); return err }, "wrong-SECRET-token", "not authorized (401)"},
		{"missing name", func(c *azure.Client) error {
			_, _, err := c.Put(context.Background(), azure.Spec{Model: "m"})
			return err
		}, token, "name and a model are required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _, sl := setup(t)
			cl, err := azure.New(azure.Config{Endpoint: srv.URL, SubscriptionID: "s", ResourceGroup: "r", Account: "a", Token: tc.token, Sleep: sl.sleep})
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(cl)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), token) {
				t.Errorf("the token leaked into %q", err)
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	full := map[string]string{azure.EnvSubscriptionID: "s", azure.EnvResourceGroup: "r", azure.EnvResourceName: "a", azure.EnvManagementToken: token}
	tests := []struct {
		name    string
		drop    string
		wantErr string
	}{
		{"all set", "", ""},
		{"no token", azure.EnvManagementToken, azure.EnvManagementToken},
		{"no resource", azure.EnvResourceName, azure.EnvResourceName},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := azure.ConfigFromEnv(func(k string) string {
				if k == tc.drop {
					return ""
				}
				return full[k]
			})
			if tc.wantErr == "" {
				if err != nil || c.Account != "a" || c.Token != token {
					t.Fatalf("got %+v %v", c.Account, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), token) {
				t.Fatalf("got %v, want an error naming %s without the token", err, tc.wantErr)
			}
		})
	}
}

// The token goes only to the management endpoint, never to a polling URL on another host,
// and plain http is refused except on loopback.
func TestTokenStaysOnTheManagementHost(t *testing.T) {
	var leaked bool
	other := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = leaked || r.Header.Get("Authorization") != ""
		w.WriteHeader(200)
	})
	ts := newServer(t, other)
	srv, _, sl := setup(t)
	_, model := srv.SucceededJob("gpt-4o-mini-2024-07-18")
	// A proxy in front of the contract server that rewrites the async header to another host.
	proxy := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := url.Parse(srv.URL + r.URL.RequestURI())
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, u.String(), r.Body)
		req.Header = r.Header.Clone()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			w.WriteHeader(502)
			return
		}
		defer res.Body.Close()
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		if res.Header.Get("Azure-AsyncOperation") != "" {
			w.Header().Set("Azure-AsyncOperation", ts.URL+"/steal")
		}
		w.WriteHeader(res.StatusCode)
		buf := make([]byte, 1<<16)
		n, _ := res.Body.Read(buf)
		_, _ = w.Write(buf[:n])
	}))
	cl, err := azure.New(azure.Config{Endpoint: proxy.URL, SubscriptionID: "s", ResourceGroup: "r", Account: "a", Token: token, Sleep: sl.sleep})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Deploy(context.Background(), azure.Spec{Name: "p", Model: model}, nil); err != nil {
		t.Fatal(err)
	}
	if leaked {
		t.Error("the token was sent to a host other than the management endpoint")
	}
	if _, err := azure.New(azure.Config{Endpoint: "http://management.example.com", SubscriptionID: "s", ResourceGroup: "r", Account: "a"}); err == nil {
		t.Error("plain http to a remote host was accepted")
	}
}
