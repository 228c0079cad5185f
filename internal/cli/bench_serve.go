package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/serve"
)

// benchQuestions are the questions bench serve asks by default: the ones docs/serving.md
// shows, in the shapes the knn model knows.
var benchQuestions = []string{
	"How many orders were placed in 2022?",
	"What was the revenue in 2022 in Germany?",
	"Top 5 products by revenue",
	"Revenue by category",
	"Monthly revenue in 2023",
	"How many customers are there?",
	"Top 10 customers by number of orders",
	"Average freight by shipper",
	"Revenue by country in 2021",
	"Which employees had the most orders in 2023?",
	"Total discount by category",
	"How many products are discontinued?",
	"Number of orders by month in 2022",
	"Top 3 suppliers by units in stock",
	"Average order value by year",
	"Revenue per employee",
}

func (a *app) newBenchServeCmd() *cobra.Command {
	var (
		sf                 serveFlags
		conns              int
		duration, uncached time.Duration
		execute, noExecute bool
		logPath, cpuPath   string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Latency, throughput and memory of sqlforge serve on loopback, cached and uncached",
		Long: `bench serve starts the server in-process on a loopback port with everything on (an API key,
a rate limit far above the load, metrics, JSON logs to --log or discarded) and drives POST
/generate-sql with --connections keep-alive connections, like wrk: first for --duration with every
answer cached (heap and RSS are read before and after), then for --uncached with the cache off so
each request calls the model. It reports client latency percentiles, requests per second, and the
latency the server adds over the model call (handler time minus model time, per request).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			quiet := slog.New(slog.NewJSONHandler(io.Discard, nil))
			svc, closeAll, err := sf.setup(ctx, quiet)
			if err != nil {
				return userErr(err)
			}
			defer closeAll()
			var logw io.Writer = io.Discard
			if logPath != "" {
				f, err := os.Create(logPath)
				if err != nil {
					return userErr(fmt.Errorf("--log: %w", err))
				}
				defer f.Close()
				logw = f
			}
			if cpuPath != "" {
				f, err := os.Create(cpuPath)
				if err != nil {
					return userErr(fmt.Errorf("--cpuprofile: %w", err))
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return fmt.Errorf("start CPU profile: %w", err)
				}
				defer pprof.StopCPUProfile()
			}
			res, err := serve.Bench(ctx, svc, serve.BenchOptions{Questions: benchQuestions, Connections: conns,
				Duration: duration, Uncached: uncached, Execute: execute && !noExecute, Log: logw})
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(res)
			}
			printBenchServe(a.stdout, res)
			return nil
		},
	}
	sf.register(cmd)
	f := cmd.Flags()
	f.IntVar(&conns, "connections", 64, "concurrent keep-alive connections")
	f.DurationVar(&duration, "duration", 10*time.Second, "length of the cached run (memory is read before and after it)")
	f.DurationVar(&uncached, "uncached", 30*time.Second, "length of the run with the cache off (negative skips it)")
	f.BoolVar(&execute, "execute", true, "ask for the SQL to be executed and its rows returned (off: --no-execute)")
	f.BoolVar(&noExecute, "no-execute", false, "ask for the SQL only, not executed")
	f.StringVar(&logPath, "log", "", "file for the server's JSON logs (default: discarded)")
	f.StringVar(&cpuPath, "cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	return cmd
}

func printBenchServe(w io.Writer, r *serve.BenchResult) {
	fmt.Fprintf(w, "%s, %d connections, %d questions, execute=%t, %d CPUs\n\n", r.Model, r.Connections, r.Questions, r.Execute, r.CPUs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\trequests\terrors\treq/s\tp50 ms\tp99 ms\tmax ms\tmodel p50\tmodel p99\tadded p50\tadded p99\tdb p99\toverhead p50\toverhead p99\t")
	for _, p := range r.Phases {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.3f\t%.3f\t%.2f\t%.3f\t%.3f\t\n", p.Name, p.Requests, p.Errors, p.RPS,
			p.Latency.P50, p.Latency.P99, p.Latency.Max, p.Model.P50, p.Model.P99, p.Added.P50, p.Added.P99, p.DB.P99, p.Overhead.P50, p.Overhead.P99)
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "added = handler time − model time per request (SQL execution included); overhead = added − database time")
	fmt.Fprintf(w, "\nmemory before the cached run: heap in use %.1f MiB, RSS %.1f MiB, %d goroutines\n",
		r.MemoryBefore.HeapInuseMB, r.MemoryBefore.RSSMB, r.MemoryBefore.Goroutines)
	fmt.Fprintf(w, "memory after the cached run:  heap in use %.1f MiB, RSS %.1f MiB, %d goroutines\n",
		r.MemoryAfter.HeapInuseMB, r.MemoryAfter.RSSMB, r.MemoryAfter.Goroutines)
}
