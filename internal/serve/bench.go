package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BenchOptions configure Bench.
type BenchOptions struct {
	// Questions are asked in turn; cached answers are warmed for all of them first.
	Questions []string
	// Connections is the number of concurrent keep-alive connections (default 64).
	Connections int
	// Duration is the length of the cached run, the sustained one memory is measured over
	// (default 10s).
	Duration time.Duration
	// Uncached is the length of the run with the answer cache off (default 30s; negative
	// skips it).
	Uncached time.Duration
	// Execute asks for the SQL to be run and its rows returned.
	Execute bool
	// Log receives the server's JSON log lines (default io.Discard).
	Log io.Writer
}

// Percentiles summarise a latency distribution, in milliseconds.
type Percentiles struct {
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
	Mean float64 `json:"mean_ms"`
}

// BenchPhase is one run at fixed concurrency.
type BenchPhase struct {
	// Name is "cached" or "uncached".
	Name string `json:"name"`
	// Requests counts 2xx responses; Errors other responses and connection failures.
	Requests int `json:"requests"`
	Errors   int `json:"errors"`
	// Seconds is the run's wall time and RPS the 2xx responses per second.
	Seconds float64 `json:"seconds"`
	RPS     float64 `json:"requests_per_second"`
	// Latency is what the client saw, request written to response read.
	Latency Percentiles `json:"latency"`
	// Handler is the time in the server's handler; Model the model call within it; DB the
	// database checks and queries of the server (not the model's own); Added the handler
	// time minus the model time of each request (the latency the server adds over the
	// model, its SQL execution included); Overhead the handler time minus model and
	// database time (the server's own work: HTTP, auth, rate limit, JSON, metrics, logs).
	Handler  Percentiles `json:"handler"`
	Model    Percentiles `json:"model"`
	DB       Percentiles `json:"db"`
	Added    Percentiles `json:"added"`
	Overhead Percentiles `json:"overhead"`
}

// Memory is the process's memory at one moment, after a garbage collection.
type Memory struct {
	HeapInuseMB float64 `json:"heap_inuse_mb"`
	RSSMB       float64 `json:"rss_mb"`
	Goroutines  int     `json:"goroutines"`
}

// BenchResult is what Bench measured.
type BenchResult struct {
	Model       string       `json:"model"`
	Connections int          `json:"connections"`
	Questions   int          `json:"questions"`
	Execute     bool         `json:"execute"`
	CPUs        int          `json:"cpus"`
	Phases      []BenchPhase `json:"phases"`
	// MemoryBefore is taken after warming the cache, MemoryAfter after the cached run.
	MemoryBefore Memory `json:"memory_before"`
	MemoryAfter  Memory `json:"memory_after"`
}

// benchKey is the API key the bench server requires.
const benchKey = "bench-key"

// Bench serves svc on a loopback port with everything on (an API key, a rate limit far
// above the load, metrics, JSON logs to o.Log) and drives it at fixed concurrency: first
// with every answer cached, for o.Duration, memory measured before and after; then with
// the cache off, for o.Uncached, so each request calls the model.
func Bench(ctx context.Context, svc *Service, o BenchOptions) (*BenchResult, error) {
	if len(o.Questions) == 0 {
		return nil, errors.New("bench: no questions")
	}
	if o.Connections <= 0 {
		o.Connections = 64
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	if o.Uncached == 0 {
		o.Uncached = 30 * time.Second
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	res := &BenchResult{Model: svc.Model(), Connections: o.Connections, Questions: len(o.Questions), Execute: o.Execute, CPUs: runtime.GOMAXPROCS(0)}
	bodies := make([][]byte, len(o.Questions))
	for i, q := range o.Questions {
		b, err := json.Marshal(GenerateRequest{Question: q, Execute: o.Execute})
		if err != nil {
			return nil, fmt.Errorf("bench: encode question: %w", err)
		}
		bodies[i] = b
	}
	// Warm the cache through the service itself.
	for _, q := range o.Questions {
		if _, err := svc.Generate(ctx, GenerateRequest{Question: q, Execute: o.Execute}); err != nil {
			return nil, fmt.Errorf("bench: warm %q: %w", q, err)
		}
	}
	cached, err := benchPhase(ctx, "cached", svc, bodies, o, o.Duration, func() { res.MemoryBefore = memoryNow() })
	if err != nil {
		return nil, err
	}
	res.MemoryAfter = memoryNow()
	res.Phases = append(res.Phases, cached)
	if o.Uncached > 0 {
		cfg := svc.cfg
		cfg.CacheSize = -1
		cold, err := NewService(cfg)
		if err != nil {
			return nil, err
		}
		uncached, err := benchPhase(ctx, "uncached", cold, bodies, o, o.Uncached, nil)
		if err != nil {
			return nil, err
		}
		res.Phases = append(res.Phases, uncached)
	}
	return res, nil
}

// benchPhase serves svc on loopback and runs the load for d; before, when set, runs once
// the server is up, just before the load starts.
func benchPhase(ctx context.Context, name string, svc *Service, bodies [][]byte, o BenchOptions, d time.Duration, before func()) (BenchPhase, error) {
	logger := slog.New(slog.NewJSONHandler(o.Log, &slog.HandlerOptions{Level: slog.LevelInfo}))
	svc.cfg.Logger = logger
	srv, err := New(Config{Service: svc, APIKeys: []string{benchKey}, RatePerSecond: 1e9, Burst: 1e9, Logger: logger})
	if err != nil {
		return BenchPhase{}, err
	}
	var mu sync.Mutex
	handler := make([]time.Duration, 0, 1<<16)
	modelT := make([]time.Duration, 0, 1<<16)
	dbT := make([]time.Duration, 0, 1<<16)
	srv.trace = func(total, model, db time.Duration) {
		mu.Lock()
		handler = append(handler, total)
		modelT = append(modelT, model)
		dbT = append(dbT, db)
		mu.Unlock()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return BenchPhase{}, fmt.Errorf("bench: listen: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	addr := ln.Addr().String()
	reqs := make([][]byte, len(bodies))
	for i, b := range bodies {
		reqs[i] = httpRequest(addr, "/generate-sql", benchKey, b)
	}
	if before != nil {
		before()
	}
	st, err := (&load{addr: addr, requests: reqs, conns: o.Connections}).run(ctx, d)
	if err != nil {
		return BenchPhase{}, fmt.Errorf("bench %s: %w", name, err)
	}
	if len(st.latencies) == 0 {
		return BenchPhase{}, fmt.Errorf("bench %s: no successful response (statuses %v)", name, st.statuses)
	}
	mu.Lock()
	defer mu.Unlock()
	added := make([]time.Duration, len(handler))
	overhead := make([]time.Duration, len(handler))
	for i := range handler {
		added[i] = handler[i] - modelT[i]
		overhead[i] = added[i] - dbT[i]
	}
	return BenchPhase{Name: name, Requests: len(st.latencies), Errors: st.errors, Seconds: st.elapsed.Seconds(),
		RPS: float64(len(st.latencies)) / st.elapsed.Seconds(), Latency: percentiles(st.latencies),
		Handler: percentiles(handler), Model: percentiles(modelT), DB: percentiles(dbT), Added: percentiles(added),
		Overhead: percentiles(overhead)}, nil
}

// percentiles sorts ds and summarises them (nearest rank).
func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	at := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.5) - 1
		return msOf(ds[min(len(ds)-1, max(0, i))])
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return Percentiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: msOf(ds[len(ds)-1]), Mean: msOf(sum / time.Duration(len(ds)))}
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// memoryNow collects garbage and reads the heap in use and the resident set size.
func memoryNow() Memory {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return Memory{HeapInuseMB: float64(ms.HeapInuse) / (1 << 20), RSSMB: rssMB(), Goroutines: runtime.NumGoroutine()}
}

// rssMB reads VmRSS from /proc/self/status (0 where there is none).
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}
