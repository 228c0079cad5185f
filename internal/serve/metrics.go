package serve

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	answers      *prometheus.CounterVec
	modelLatency prometheus.Histogram
	evictions    *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sqlforge_http_requests_total",
			Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "sqlforge_http_request_duration_seconds",
			Help: "HTTP request latency by route.", Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10)}, []string{"route"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sqlforge_answers_total",
			Help: "Answers by outcome: cached, refused (read-only guard), executed, failed (execution error), generated."}, []string{"outcome"}),
		modelLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "sqlforge_model_latency_seconds",
			Help: "Model call latency.", Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10)}),
		evictions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sqlforge_evictions_total",
			Help: "Entries evicted to keep a store within its entry and byte bounds, by store: answers (the answer cache), conversations."}, []string{"store"}),
	}
	for _, store := range []string{"answers", "conversations"} {
		m.evictions.WithLabelValues(store)
	}
	m.reg.MustRegister(m.requests, m.duration, m.answers, m.modelLatency, m.evictions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

func (m *metrics) request(route string, code int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) evicted(store string) { m.evictions.WithLabelValues(store).Inc() }

func (m *metrics) observe(o outcome) {
	switch {
	case o.cached:
		m.answers.WithLabelValues("cached").Inc()
		return
	case o.refused:
		m.answers.WithLabelValues("refused").Inc()
	case o.failed:
		m.answers.WithLabelValues("failed").Inc()
	case o.executed:
		m.answers.WithLabelValues("executed").Inc()
	default:
		m.answers.WithLabelValues("generated").Inc()
	}
	m.modelLatency.Observe(o.modelLatency.Seconds())
}
