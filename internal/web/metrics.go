package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/notify"
)

// metrics are Chief's own Prometheus metrics, kept in a registry of the
// server's so that tests can run several servers in one process.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(d *db.DB) *metrics {
	write, read := d.Pools()
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chief_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "chief_http_request_duration_seconds", Help: "HTTP request durations by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	m.registry.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(write, "write"))
	if read != write {
		m.registry.MustRegister(collectors.NewDBStatsCollector(read, "read"))
	}
	m.registry.MustRegister(outboxCollector{notify.NewOutbox(d)})
	return m
}

// outboxCollector reports the alert outbox by status at each scrape, so a
// receiver that keeps failing shows up as a growing pending count.
type outboxCollector struct{ outbox *notify.Outbox }

var outboxDesc = prometheus.NewDesc("chief_alerts_outbox", "Alert messages in the outbox by status.", []string{"status"}, nil)

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- outboxDesc }

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.outbox.Counts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxDesc, err)
		return
	}
	for status, n := range map[string]int64{"pending": counts.Pending, "sent": counts.Sent, "failed": counts.Failed} {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(n), status)
	}
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
