// Package azure deploys fine-tuned models (or their checkpoints) on an Azure OpenAI resource
// through the Azure Resource Manager (control plane) REST API: create or update a deployment
// with a SKU and capacity, follow its provisioning state to Succeeded or Failed, list and
// delete deployments.
//
// The contract is "Deployments - Create Or Update / Get / List / Delete" of
// Microsoft.CognitiveServices (api-version 2024-10-01):
//
//	PUT|GET|DELETE {management}/subscriptions/{sub}/resourceGroups/{rg}/providers/
//	    Microsoft.CognitiveServices/accounts/{account}/deployments/{name}?api-version=2024-10-01
//
// A PUT answers 200 or 201 with properties.provisioningState; long-running work is followed
// through the Azure-AsyncOperation (or Location) header, or by reading the deployment again.
// The fine-tuning jobs themselves run on the data plane through package openai.
package azure

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sqlforge/sqlforge/internal/retry"
	"github.com/sqlforge/sqlforge/internal/train"
)

// The environment variables the deployment client reads (the names the seed project uses).
const (
	EnvSubscriptionID  = "AZURE_SUBSCRIPTION_ID"
	EnvResourceGroup   = "AZURE_RESOURCE_GROUP"
	EnvResourceName    = "AZURE_OPENAI_RESOURCE_NAME"
	EnvManagementToken = "AZURE_MANAGEMENT_TOKEN"
	// EnvManagementEndpoint overrides DefaultEndpoint (sovereign clouds, the loopback
	// contract server in tests).
	EnvManagementEndpoint = "AZURE_MANAGEMENT_ENDPOINT"
	// EnvManagementAPIVersion overrides DefaultAPIVersion.
	EnvManagementAPIVersion = "AZURE_MANAGEMENT_API_VERSION"
)

// DefaultEndpoint is Azure Resource Manager in the public cloud.
const DefaultEndpoint = "https://management.azure.com"

// DefaultAPIVersion is the GA control-plane version documented for deployments.
const DefaultAPIVersion = "2024-10-01"

// Config locates an Azure OpenAI resource and authenticates to its control plane.
type Config struct {
	// Endpoint is the management base URL (default DefaultEndpoint).
	Endpoint string
	// SubscriptionID, ResourceGroup and Account (the Azure OpenAI resource name) locate the
	// resource.
	SubscriptionID, ResourceGroup, Account string
	// Token is a Microsoft Entra access token for https://management.azure.com (for example
	// from `az account get-access-token`). It is sent as a bearer token and never printed.
	Token string
	// APIVersion is the control-plane api-version (default DefaultAPIVersion).
	APIVersion string
	// HTTPClient overrides http.DefaultClient.
	HTTPClient *http.Client
	// Sleep waits between polls and retries (default train.Sleep); tests inject one.
	Sleep train.Sleeper
	// Poll is the provisioning poll schedule (default 10 s growing to 1 min).
	Poll train.Backoff
	// MaxPolls bounds the polls of one operation (default 360: about six hours at the one-minute cap).
	MaxPolls int
	// MaxRetries is the number of retries of a 429 or 5xx answer (default 5).
	MaxRetries int
	// RetryBase is the first retry delay without Retry-After, doubled each retry (default 1 s).
	RetryBase time.Duration
}

// ConfigFromEnv reads the resource and token from the environment through getenv.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Endpoint:       getenv(EnvManagementEndpoint),
		SubscriptionID: getenv(EnvSubscriptionID),
		ResourceGroup:  getenv(EnvResourceGroup),
		Account:        getenv(EnvResourceName),
		Token:          getenv(EnvManagementToken),
		APIVersion:     getenv(EnvManagementAPIVersion),
	}
	var missing []string
	for _, v := range []struct{ name, val string }{{EnvSubscriptionID, c.SubscriptionID}, {EnvResourceGroup, c.ResourceGroup},
		{EnvResourceName, c.Account}, {EnvManagementToken, c.Token}} {
		if strings.TrimSpace(v.val) == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return Config{}, fmt.Errorf("azure deployment: %s not set", strings.Join(missing, ", "))
	}
	return c, nil
}

// Client manages the deployments of one Azure OpenAI resource.
type Client struct {
	c     Config
	base  *url.URL
	retry retry.Policy
}

// New returns a client; it does no I/O.
func New(c Config) (*Client, error) {
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}
	if c.APIVersion == "" {
		c.APIVersion = DefaultAPIVersion
	}
	if c.HTTPClient == nil {
		c.HTTPClient = http.DefaultClient
	}
	if c.Sleep == nil {
		c.Sleep = train.Sleep
	}
	if c.Poll.Initial <= 0 {
		c.Poll = train.Backoff{Initial: 10 * time.Second, Max: time.Minute, Factor: 1.5}
	}
	if c.MaxPolls <= 0 {
		c.MaxPolls = 360
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 5
	}
	if c.RetryBase <= 0 {
		c.RetryBase = time.Second
	}
	if c.SubscriptionID == "" || c.ResourceGroup == "" || c.Account == "" {
		return nil, errors.New("azure deployment: subscription, resource group and account are required")
	}
	u, err := url.Parse(strings.TrimSuffix(c.Endpoint, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("azure deployment: management endpoint %q is not a URL", c.Endpoint)
	}
	if u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("azure deployment: management endpoint %q must use https", c.Endpoint)
	}
	// A Retry-After over an hour is taken for a malformed header: the backoff applies.
	rp := retry.Policy{MaxRetries: c.MaxRetries, BaseDelay: c.RetryBase, MaxRetryAfter: time.Hour, BackoffOnLongRetryAfter: true, Sleep: c.Sleep}
	return &Client{c: c, base: u, retry: rp}, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Account names the resource the client manages.
func (cl *Client) Account() string { return cl.c.Account }

// deploymentsURL is the collection URL, or one deployment's URL when name is not empty.
func (cl *Client) deploymentsURL(name string) string {
	p := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.CognitiveServices/accounts/%s/deployments",
		url.PathEscape(cl.c.SubscriptionID), url.PathEscape(cl.c.ResourceGroup), url.PathEscape(cl.c.Account))
	if name != "" {
		p += "/" + url.PathEscape(name)
	}
	u := *cl.base
	u.Path = strings.TrimSuffix(u.Path, "/") + p
	u.RawQuery = url.Values{"api-version": {cl.c.APIVersion}}.Encode()
	return u.String()
}

// sameHost reports whether raw points at the management endpoint: the token is only ever
// sent there, whatever URL a response names.
func (cl *Client) sameHost(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == cl.base.Scheme && u.Host == cl.base.Host
}
