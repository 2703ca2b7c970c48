package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/reliability"
)

// entityReliability is the Reliability section of an entity's page.
type entityReliability struct {
	Key string
	// Show is true when the entity has monitors, SLOs or incidents.
	Show bool
	// CanAdd offers editors the monitor form for an entity without monitors.
	CanAdd   bool
	State    string
	Monitors []reliability.MonitorStatus
	Bars     template.HTML
	Up90     *float64
	Chart    template.HTML
	P50, P95 time.Duration
	Timed    int64
	SLOs     []sloItem
	Open     []reliability.Incident
	Recent   []reliability.Incident
}

// relMonitorableKinds are the kinds the "Add monitor" link is offered for:
// things that run, rather than people or groupings of them.
var relMonitorableKinds = map[string]bool{"Component": true, "API": true, "Resource": true, "System": true}

// relIncidentsShown caps the incidents the entity page lists.
const relIncidentsShown = 10

// entityReliability gathers an entity's monitors, uptime, response times,
// SLOs and incidents for its page.
func (s *Server) entityReliability(r *http.Request, ref catalog.Ref, canEdit bool) (*entityReliability, error) {
	ctx := r.Context()
	now := time.Now()
	key := ref.Key()
	er := &entityReliability{Key: key}
	mons, err := s.rel.MonitorsOf(ctx, ref)
	if err != nil {
		return nil, err
	}
	slos, err := s.rel.SLOs(ctx, key)
	if err != nil {
		return nil, err
	}
	incs, err := s.rel.Incidents(ctx, reliability.IncidentFilter{Entity: key, Open: true, Resolved: true, Limit: relIncidentsShown})
	if err != nil {
		return nil, err
	}
	er.Show = len(mons) > 0 || len(slos) > 0 || len(incs) > 0
	er.CanAdd = canEdit && len(mons) == 0 && relMonitorableKinds[ref.Kind]
	if !er.Show {
		return er, nil
	}
	for _, inc := range incs {
		if inc.ResolvedAt == nil {
			er.Open = append(er.Open, inc)
		} else {
			er.Recent = append(er.Recent, inc)
		}
	}
	if len(mons) > 0 {
		if er.Monitors, err = s.rel.Statuses(ctx, mons, now); err != nil {
			return nil, err
		}
		er.State = relEntityState(er.Monitors)
		ids := relIDs(er.Monitors)
		days, up, err := s.rel.DailyUptime(ctx, ids, 90, now)
		if err != nil {
			return nil, err
		}
		er.Bars, er.Up90 = chartUptimeBars(days, false), up
		var rules []chartRule
		for _, o := range slos {
			if o.Kind == "latency" {
				rules = append(rules, chartRule{Value: float64(o.ThresholdMS), Label: "SLO " + o.Name})
			}
		}
		// Heartbeats take no time; their checks would drag the quantiles to 0.
		var timed []int64
		for _, m := range er.Monitors {
			if m.Type != "heartbeat" {
				timed = append(timed, m.Monitor.ID)
			}
		}
		if len(timed) > 0 {
			if er.Chart, er.P50, er.P95, er.Timed, err = s.relResponseChart(r, timed, now.Add(-24*time.Hour), now, rules); err != nil {
				return nil, err
			}
		}
	}
	for _, o := range slos {
		st, err := s.rel.SLOStatus(ctx, o, now, sloChartPoints)
		if err != nil {
			return nil, err
		}
		er.SLOs = append(er.SLOs, sloItem{SLOStatus: st, Chart: sloBudgetChart(st)})
	}
	return er, nil
}
