package reliability

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/chief-hq/chief/internal/reliability/probe"
)

// monitorMetrics are the per-monitor Prometheus metrics, as
// blackbox_exporter users expect them, plus the scheduler's own.
type monitorMetrics struct {
	up       *prometheus.GaugeVec
	duration *prometheus.HistogramVec
	certExp  *prometheus.GaugeVec
	checks   *prometheus.CounterVec
	delay    prometheus.Histogram
}

func newMonitorMetrics(reg prometheus.Registerer) *monitorMetrics {
	m := &monitorMetrics{
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "chief_monitor_up", Help: "1 when the monitor's last check passed, 0 when it failed.",
		}, []string{"monitor", "entity"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "chief_monitor_check_duration_seconds", Help: "Duration of monitor checks.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"monitor"}),
		certExp: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "chief_monitor_certificate_expiry_seconds", Help: "Seconds until the monitored certificate expires.",
		}, []string{"monitor"}),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chief_checks_total", Help: "Checks run, by outcome.",
		}, []string{"outcome"}),
		delay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "chief_check_start_delay_seconds", Help: "How late checks start against their plan.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
	}
	if reg != nil {
		reg.MustRegister(m.up, m.duration, m.certExp, m.checks, m.delay)
	}
	return m
}

// series are one monitor's metrics, looked up once when it is scheduled
// rather than by label on every check.
type series struct {
	up       prometheus.Gauge
	duration prometheus.Observer
	certExp  prometheus.Gauge
}

func (mm *monitorMetrics) series(m Monitor) *series {
	return &series{up: mm.up.WithLabelValues(m.Name, m.EntityKey), duration: mm.duration.WithLabelValues(m.Name),
		certExp: mm.certExp.WithLabelValues(m.Name)}
}

func (mm *monitorMetrics) observe(ms *series, r *Result, obs *probe.Observation) {
	v := 0.0
	outcome := "bad"
	if r.OK {
		v, outcome = 1, "good"
	}
	ms.up.Set(v)
	ms.duration.Observe(r.Phases.Total.Seconds())
	if obs.Input.HasCertificate {
		ms.certExp.Set(obs.Input.CertificateExpiration.Seconds())
	}
	mm.checks.WithLabelValues(outcome).Inc()
	mm.delay.Observe(r.At.Sub(r.Planned).Seconds())
}

// forget drops a deleted monitor's series.
func (mm *monitorMetrics) forget(m Monitor) {
	mm.up.DeleteLabelValues(m.Name, m.EntityKey)
	mm.duration.DeleteLabelValues(m.Name)
	mm.certExp.DeleteLabelValues(m.Name)
}
