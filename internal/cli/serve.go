package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/serve"
)

// EnvAPIKeys names the environment variable holding the API keys `sqlforge serve` accepts,
// comma-separated.
const EnvAPIKeys = "SQLFORGE_API_KEYS"

// serveFlags are the flags `serve` and `ask` share.
type serveFlags struct {
	db, model, ontology string
	genSize             int
	maxRows             int
	timeout             time.Duration
	currency            string // serve only: ISO 4217 code of currency metrics on the page
}

// currencyCode is the shape of an ISO 4217 currency code.
var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

func (f *serveFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.db, "db", "", dbRefUsage+", or a postgres:// URL")
	c.Flags().StringVar(&f.model, "model", "", "model reference (default: plan:knn over query plans generated from the ontology): "+modelRefKinds)
	c.Flags().StringVar(&f.ontology, "ontology", "", "ontology: a shipped name or a YAML/JSON file (default: the shipped one of an embedded --db, else derived from the schema)")
	c.Flags().IntVar(&f.genSize, "gen-size", 1500, "plans (or pairs) generated for the default model")
	c.Flags().IntVar(&f.maxRows, "max-rows", 1000, "row cap of executed queries")
	c.Flags().DurationVar(&f.timeout, "timeout", 5*time.Second, "limit on each executed query")
	aliasFlag(c.Flags(), "query-timeout", "timeout")
}

func (f *serveFlags) setup(ctx context.Context, log *slog.Logger) (*serve.Service, func(), error) {
	return serve.Setup(ctx, serve.SetupOptions{DB: f.db, Model: f.model, Ontology: f.ontology, GenSize: f.genSize, Logger: log,
		Service: serve.ServiceConfig{MaxRows: f.maxRows, QueryTimeout: f.timeout, Currency: f.currency, Logger: log}})
}

func (a *app) newServeCmd() *cobra.Command {
	var (
		sf         serveFlags
		addr, cors string
		rate       float64
		burst      int
		maxBody    int64
	)
	c := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--db REF] [--model REF] [--ontology FILE]",
		Short: "Serve POST /generate-sql, a web page, metrics and OpenAPI over a database",
		Long: `serve answers questions over HTTP with a model (default: plan:knn over query plans generated
from the database's ontology, cached on disk). The ontology is --ontology, else the one shipped for an
embedded database, else one derived from the schema (sqlforge ontology infer shows it). Generated SQL runs only read-only and only when the guard
accepts it as one SELECT/WITH statement. API keys come from ` + EnvAPIKeys + ` (comma-separated);
see docs/serving.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if !currencyCode.MatchString(sf.currency) {
				return userErr(fmt.Errorf("--currency %q: want an ISO 4217 code such as USD, EUR or JPY", sf.currency))
			}
			log := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
			// The address first: a port in use fails before the model is loaded. Connections
			// made while it loads wait in the listen queue and are answered once it is.
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return userErr(fmt.Errorf("listen on %s: %w", addr, err))
			}
			defer ln.Close()
			a.progress("sqlforge: listening on http://%s; loading the model\n", ln.Addr())
			svc, closeAll, err := sf.setup(ctx, log)
			if err != nil {
				return userErr(err)
			}
			defer closeAll()
			var keys []string
			for _, k := range strings.Split(os.Getenv(EnvAPIKeys), ",") {
				if k = strings.TrimSpace(k); k != "" {
					keys = append(keys, k)
				}
			}
			var origins []string
			if cors != "" {
				origins = strings.Split(cors, ",")
			}
			srv, err := serve.New(serve.Config{Service: svc, APIKeys: keys, RatePerSecond: rate, Burst: burst,
				MaxBodyBytes: maxBody, CORSOrigins: origins, Logger: log})
			if err != nil {
				return err
			}
			hs := srv.HTTPServer()
			errc := make(chan error, 1)
			go func() { errc <- hs.Serve(ln) }()
			stop := func() error {
				sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				return hs.Shutdown(sctx)
			}
			url := "http://" + ln.Addr().String()
			if err := awaitReady(ctx, ln.Addr()); err != nil {
				_ = stop()
				return fmt.Errorf("serve: %s does not answer: %w", url, err)
			}
			log.Info("ready", slog.String("addr", url), slog.String("model", svc.Model()),
				slog.Int("api_keys", len(keys)), slog.Float64("rate_per_s", rate))
			fmt.Fprintf(a.stdout, "ready: sqlforge serving %s on %s\n", svc.Model(), url)
			select {
			case <-ctx.Done():
				return stop()
			case err := <-errc:
				if errors.Is(err, http.ErrServerClosed) {
					return nil
				}
				return err
			}
		},
	}
	sf.register(c)
	f := c.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.StringVar(&cors, "cors", "", "origins allowed by CORS, comma-separated (* for any)")
	f.Float64Var(&rate, "rate", 20, "requests per second per API key (or client address); 0 disables")
	f.IntVar(&burst, "burst", 40, "token-bucket burst per key")
	f.Int64Var(&maxBody, "max-body", 64<<10, "request body limit in bytes")
	f.StringVar(&sf.currency, "currency", serve.DefaultCurrency, "ISO 4217 code the page formats currency metrics in (with the browser's locale, or ?lang=)")
	return c
}

// awaitReady sends GET /readyz to the server listening on addr (over loopback when addr is
// a wildcard address) and returns nil once it answers 200.
func awaitReady(ctx context.Context, addr net.Addr) error {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /readyz: %s", resp.Status)
	}
	return nil
}
