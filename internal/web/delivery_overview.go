package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/chief-hq/chief/internal/delivery"
)

// dlvDefaultYear is the DORA table the page compares with unless asked.
const dlvDefaultYear = 2024

type deliveryPage struct {
	URL     url.Values
	F       dlvFilter
	Since   []dlvSinceChoice
	Options dlvScopeOptions
	Years   []int
	Year    int
	// Empty is set when Chief holds no deployment at all.
	Empty     bool
	Keys      delivery.Keys
	Cards     []dlvCard
	Deploys   template.HTML
	Lead      template.HTML
	Failure   template.HTML
	Cycle     *dlvCycle
	Teams     []dlvRow
	Comps     []dlvRow
	Sorts     []sortLink
	LogURL    string
	HasErrors bool
}

// dlvCycle is the pull request cycle time panel.
type dlvCycle struct {
	delivery.CycleTime
	Phases []dlvPhase
	Bar    template.HTML
}

// deliveryOverview shows the DORA keys of the company or of one team,
// system or component over a window, against the previous window and a
// year's DORA clusters, with the weekly trend and the breakdowns.
func (s *Server) deliveryOverview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := time.Now()
	v := r.URL.Query()
	p := deliveryPage{URL: v, F: dlvParseFilter(v, now, "90d"), Year: dlvDefaultYear}
	p.Since = p.F.SinceChoices(now, "90d")
	for _, b := range delivery.Benchmarks {
		p.Years = append(p.Years, b.Year)
	}
	if y := v.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if _, ok := delivery.BenchmarkFor(n); err != nil || !ok {
			p.F.Errors["year"] = "no DORA table for " + strconv.Quote(y) + ": choose 2024 or 2023"
		} else {
			p.Year = n
		}
	}
	p.HasErrors = len(p.F.Errors) > 0
	_, total, err := s.delivery.Deployments(ctx, delivery.DeploymentQuery{Limit: 1})
	if err != nil {
		return err
	}
	p.Empty = total == 0
	if p.Options, err = s.dlvScopeOptions(ctx); err != nil {
		return err
	}
	status := http.StatusOK
	if p.HasErrors {
		status = http.StatusBadRequest
	}
	logQ := p.F.Query()
	logQ.Set("environment", delivery.Production)
	logQ.Set("finished", "1") // the keys count finished deployments only
	p.LogURL = "/delivery/deployments?" + logQ.Encode()
	if p.Empty {
		return s.renderStatus(w, r, status, "delivery", "Delivery", "delivery", p)
	}
	rep, err := s.delivery.Report(ctx, p.F.Scope(), p.F.Window)
	if err != nil {
		return err
	}
	bench, _ := delivery.BenchmarkFor(p.Year)
	p.Keys = rep.Keys
	p.Cards = dlvCards(rep, bench, logQ)
	p.Deploys = dlvWeeklyBars(rep.Weekly, "Production deployments per week")
	p.Lead = dlvLeadChart(p.F.Window, rep.Weekly)
	p.Failure = dlvFailureChart(p.F.Window, rep.Weekly)
	ct, err := s.delivery.CycleTime(ctx, p.F.Scope(), p.F.Window)
	if err != nil {
		return err
	}
	if ct.PullRequests > 0 {
		ph := dlvPhases(ct)
		p.Cycle = &dlvCycle{CycleTime: ct, Phases: ph, Bar: dlvCycleBar(ph)}
	}
	// A team's or a component's page needs no table of teams.
	if p.F.Team == "" && p.F.Component == "" {
		titles := map[string]string{}
		for _, t := range p.Options.Teams {
			titles[t.Value] = t.Label
		}
		p.Teams = dlvRows(rep.Teams, "team", v, titles)
	}
	if p.F.Component == "" {
		p.Comps = dlvRows(rep.Components, "component", v, nil)
	}
	p.Sorts = dlvSortLinks(v)
	return s.renderStatus(w, r, status, "delivery", "Delivery", "delivery", p)
}
