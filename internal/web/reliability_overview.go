package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

type reliabilityPage struct {
	URL     url.Values
	Totals  relTotals
	Rows    []relOverviewRow
	Teams   []relTeam
	States  []string
	State   string
	Team    string
	Search  string
	Sorts   []relSort
	Pager   relPager
	Filters bool
	// Empty is true when nothing is watched at all.
	Empty bool
}

type relOverviewRow struct {
	relEntity
	Bars     template.HTML
	Uptime30 *float64
}

type relTeam struct{ Key, Title string }

var relOverviewColumns = []relColumn{
	{"entity", "Entity", false}, {"team", "Team", false}, {"state", "State", false},
	{"up24h", "Up 24 h", true}, {"up7d", "Up 7 d", true}, {"up30d", "Up 30 d", true},
	{"budget", "Worst SLO", true}, {"incidents", "Open incidents", true},
}

// reliabilityOverview shows every watched entity with its state, uptime,
// SLOs and open incidents.
func (s *Server) reliabilityOverview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := time.Now()
	sn, err := s.gatherReliability(ctx, now)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	p := reliabilityPage{URL: v, Totals: sn.Totals, States: relStates, State: v.Get("state"), Team: v.Get("team"),
		Search: strings.TrimSpace(v.Get("q")), Empty: len(sn.Entities) == 0}
	p.Filters = p.State != "" || p.Team != "" || p.Search != ""
	teams := map[string]string{}
	var rows []relEntity
	for _, e := range sn.Entities {
		if e.TeamKey != "" {
			teams[e.TeamKey] = e.TeamTitle
		}
		if (p.State != "" && e.State != p.State) || (p.Team != "" && e.TeamKey != p.Team) || (p.Search != "" && !e.matches(p.Search)) {
			continue
		}
		rows = append(rows, e)
	}
	for k, t := range teams {
		p.Teams = append(p.Teams, relTeam{Key: k, Title: t})
	}
	sort.Slice(p.Teams, func(i, j int) bool { return p.Teams[i].Title < p.Teams[j].Title })

	key, desc := relSortKey(v, "state", relOverviewColumns)
	relSortRows(rows, desc, func(a, b relEntity) int {
		switch key {
		case "team":
			return cmp.Compare(a.TeamTitle, b.TeamTitle)
		case "state":
			return cmp.Compare(relStateOrder[a.State], relStateOrder[b.State])
		case "up24h", "up7d", "up30d":
			return relCompareUptime(a.Uptime[strings.TrimPrefix(key, "up")], b.Uptime[strings.TrimPrefix(key, "up")])
		case "budget":
			return relCompareBudget(a, b)
		case "incidents":
			return cmp.Compare(b.Open, a.Open)
		}
		return cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
	})
	p.Sorts = relSorts(v, "state", relOverviewColumns)
	p.Pager = relPageOf(v, len(rows), pageSize)
	for _, e := range rows[p.Pager.From:p.Pager.To] {
		days, up, err := s.rel.DailyUptime(ctx, relIDs(e.Monitors), 30, now)
		if err != nil {
			return err
		}
		p.Rows = append(p.Rows, relOverviewRow{relEntity: e, Bars: chartUptimeBars(days, true), Uptime30: up})
	}
	return s.render(w, r, "reliability", "Reliability", "reliability", p)
}

// relCompareBudget orders entities by their worst SLO's budget left, least
// first; entities without SLOs come last.
func relCompareBudget(a, b relEntity) int {
	switch {
	case a.Worst == nil && b.Worst == nil:
		return 0
	case a.Worst == nil:
		return 1
	case b.Worst == nil:
		return -1
	}
	return cmp.Compare(a.Worst.BudgetLeft, b.Worst.BudgetLeft)
}
