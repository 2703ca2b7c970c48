package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/reliability"
	"github.com/chief-hq/chief/internal/reliability/condition"
)

type monitorPage struct {
	Status  reliability.MonitorStatus
	Windows []relWindow
	Headers []string
	CanEdit bool

	Range   string
	Ranges  []relRange
	Chart   template.HTML
	P50     time.Duration
	P95     time.Duration
	Timed   int64
	Bars    template.HTML
	Up90    *float64
	Results []relResult
	Events  []reliability.Event
	SLOs    []reliability.SLO

	HeartbeatURL string
}

type relWindow struct {
	Name string
	reliability.WindowCounts
	Checks int64
}

type relRange struct {
	Name, Label, Href string
	Current           bool
}

// relResult is a raw check result with its stored failure detail read.
type relResult struct {
	reliability.RecentResult
	Error  string
	Failed []condition.Verdict
	// Raw is the detail as stored, when it cannot be read as JSON.
	Raw string
}

// monitorRanges are the spans the response-time chart offers.
var monitorRanges = []struct {
	name, label string
	span        time.Duration
}{{"24h", "24 hours", 24 * time.Hour}, {"7d", "7 days", 7 * 24 * time.Hour}}

// monitorView shows one monitor: its state, settings, response times,
// daily uptime, latest results and state changes.
func (s *Server) monitorView(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.rel.Monitor(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	now := time.Now()
	sts, err := s.rel.Statuses(ctx, []reliability.Monitor{m}, now)
	if err != nil {
		return err
	}
	p := monitorPage{Status: sts[0], CanEdit: principalFrom(ctx).user.Role.Allows(auth.Editor)}
	for _, win := range reliability.Windows {
		p.Windows = append(p.Windows, relWindow{Name: win.Name, WindowCounts: p.Status.Windows[win.Name],
			Checks: p.Status.Windows[win.Name].Good + p.Status.Windows[win.Name].Bad})
	}
	for k, v := range m.Headers {
		p.Headers = append(p.Headers, k+": "+v)
	}
	sort.Strings(p.Headers)
	// Whoever has the address can report the job alive: editors only, as in the API.
	if m.Type == "heartbeat" && m.HeartbeatToken != "" && p.CanEdit {
		p.HeartbeatURL = heartbeatURL(r, m.HeartbeatToken)
	}
	slos, err := s.rel.SLOs(ctx, m.EntityKey)
	if err != nil {
		return err
	}
	for _, o := range slos {
		if o.Monitor == "" || o.Monitor == m.Name {
			p.SLOs = append(p.SLOs, o)
		}
	}

	ids := []int64{m.ID}
	q := r.URL.Query()
	span := monitorRanges[0].span
	p.Range = monitorRanges[0].name
	for _, rg := range monitorRanges {
		if q.Get("range") == rg.name {
			span, p.Range = rg.span, rg.name
		}
	}
	for _, rg := range monitorRanges {
		p.Ranges = append(p.Ranges, relRange{Name: rg.name, Label: rg.label, Href: withQuery(q, "range", rg.name) + "#response", Current: rg.name == p.Range})
	}
	var rules []chartRule
	for _, o := range p.SLOs {
		if o.Kind == "latency" {
			rules = append(rules, chartRule{Value: float64(o.ThresholdMS), Label: fmt.Sprintf("SLO %s: %d ms", o.Name, o.ThresholdMS)})
		}
	}
	if m.Type != "heartbeat" { // a heartbeat has no response time
		p.Chart, p.P50, p.P95, p.Timed, err = s.relResponseChart(r, ids, now.Add(-span), now, rules)
		if err != nil {
			return err
		}
	}
	days, up, err := s.rel.DailyUptime(ctx, ids, 90, now)
	if err != nil {
		return err
	}
	p.Bars, p.Up90 = chartUptimeBars(days, false), up

	recent, err := s.rel.RecentResults(ctx, m, 50)
	if err != nil {
		return err
	}
	for _, res := range recent {
		p.Results = append(p.Results, relReadResult(res))
	}
	if p.Events, err = s.rel.Events(ctx, m, 50); err != nil {
		return err
	}
	return s.render(w, r, "monitor", m.Name, "reliability", p)
}

// relResponseChart draws the hourly p50 and p95 response times of monitors
// over [from, to), and returns the same quantiles over the whole span with
// the number of timed checks they come from.
func (s *Server) relResponseChart(r *http.Request, ids []int64, from, to time.Time, rules []chartRule) (template.HTML, time.Duration, time.Duration, int64, error) {
	buckets, err := s.rel.Series(r.Context(), ids, from, to, time.Hour)
	if err != nil {
		return "", 0, 0, 0, err
	}
	p50 := chartSeries{Name: "p50", Class: "line-p50"}
	p95 := chartSeries{Name: "p95", Class: "line-p95"}
	var all reliability.Hist
	for _, b := range buckets {
		at := b.Start.Add(30 * time.Minute)
		if b.Hist == nil || b.Hist.Count() == 0 {
			p50.Points = append(p50.Points, chartPoint{At: at, Missing: true})
			p95.Points = append(p95.Points, chartPoint{At: at, Missing: true})
			continue
		}
		all.Merge(b.Hist)
		p50.Points = append(p50.Points, chartPoint{At: at, Value: relMillis(b.Hist.Quantile(0.5))})
		p95.Points = append(p95.Points, chartPoint{At: at, Value: relMillis(b.Hist.Quantile(0.95))})
	}
	c := chartLine{
		Title: fmt.Sprintf("Response time per hour, last %s", relSpanText(to.Sub(from))),
		From:  from, To: to, Series: []chartSeries{p50, p95}, Rules: rules, Unit: chartMS,
		Empty: "No good checks to time in this range",
	}
	return c.SVG(), all.Quantile(0.5), all.Quantile(0.95), all.Count(), nil
}

func relMillis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func relSpanText(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d.Hours()/24+0.5))
	}
	return fmt.Sprintf("%d hours", int(d.Hours()+0.5))
}

// readResult reads a stored failure detail: the probe's error and the
// conditions that did not hold, each with what was observed.
func relReadResult(res reliability.RecentResult) relResult {
	out := relResult{RecentResult: res}
	if res.Detail == "" {
		return out
	}
	var d reliability.Detail
	if err := json.Unmarshal([]byte(res.Detail), &d); err != nil {
		out.Raw = res.Detail
		return out
	}
	out.Error, out.Failed = d.Error, d.Failed
	if len(out.Failed) == 0 {
		for _, v := range d.Verdicts {
			if !v.OK {
				out.Failed = append(out.Failed, v)
			}
		}
	}
	return out
}

// heartbeatURL is where a heartbeat monitor's job calls in, on the scheme
// and host the request came to.
func heartbeatURL(r *http.Request, token string) string {
	scheme := "http"
	if secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/heartbeat/" + url.PathEscape(token)
}
