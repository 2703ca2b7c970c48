package web

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/chief-hq/chief/internal/delivery"
)

// dlvCard is one key of the overview: its value, what it rests on, the
// change from the previous window and where the DORA table places it.
type dlvCard struct {
	ID, Label, Value, Href string
	// Sub is a second figure or what the value rests on.
	Sub string
	// Hint says why there is no value and how to get one.
	Hint   string
	Change dlvChange
	// Place is the DORA cluster text; NoTable is set for measures DORA
	// publishes no clusters for.
	Place   string
	NoTable bool
}

// dlvCards builds the key cards. logQ is the log's query for the same
// scope and window.
func dlvCards(rep delivery.Report, bench delivery.Benchmark, logQ url.Values) []dlvCard {
	k, prev := rep.Keys, rep.Previous
	place := map[string]string{}
	for _, pl := range bench.Place(k) {
		place[pl.Measure] = dlvPlacementText(pl)
	}
	link := func(pairs ...string) string {
		q := url.Values{}
		for key, vs := range logQ {
			q[key] = vs
		}
		for i := 0; i+1 < len(pairs); i += 2 {
			q.Set(pairs[i], pairs[i+1])
		}
		return "/delivery/deployments?" + q.Encode()
	}
	noDeploys := "No production deployment finished in this window."
	cards := []dlvCard{
		{ID: "frequency", Label: "Deployment frequency", Value: dlvPerDay(k.DeploymentsPerDay), Href: link(),
			Sub:    dlvPerWeek(k.DeploymentDaysPerWeek) + " with a deployment · " + thousands(k.Deployments) + " deployment" + dlvPlural(k.Deployments),
			Change: dlvCompare(k.DeploymentsPerDay, prev.DeploymentsPerDay, true, dlvPerDay), Place: place["deployment_frequency"]},
		{ID: "lead", Label: "Lead time for changes, p50", Value: dlvDuration(k.LeadTimeP50), Href: link("sort", "changes"),
			Sub:    "p90 " + dlvDuration(k.LeadTimeP90) + " · " + thousands(k.Changes) + " change" + dlvPlural(k.Changes) + " measured",
			Change: dlvCompare(k.LeadTimeP50, prev.LeadTimeP50, false, dlvDuration), Place: place["lead_time"]},
		{ID: "failure", Label: "Change failure rate", Value: dlvPercent(k.FailureRate), Href: link("failed", "1"),
			Sub:    thousands(k.Failed) + " of " + thousands(k.Deployments) + " deployment" + dlvPlural(k.Deployments) + " failed",
			Change: dlvCompare(k.FailureRate, prev.FailureRate, false, dlvPercent), Place: place["change_failure_rate"]},
		{ID: "recovery", Label: "Failed deployment recovery time, p50", Value: dlvDuration(k.RecoveryP50), Href: link("failed", "1"),
			Sub:    thousands(k.Recovered) + " of " + thousands(k.Failed) + " failed deployment" + dlvPlural(k.Failed) + " recovered",
			Change: dlvCompare(k.RecoveryP50, prev.RecoveryP50, false, dlvDuration), Place: place["recovery_time"]},
		{ID: "rework", Label: "Rework rate", Value: dlvPercent(k.ReworkRate), Href: link("rework", "1"),
			Sub:    thousands(k.Rework) + " of " + thousands(k.Deployments) + " deployment" + dlvPlural(k.Deployments) + " unplanned (fix or rollback)",
			Change: dlvCompare(k.ReworkRate, prev.ReworkRate, false, dlvPercent), NoTable: true},
	}
	for i := range cards {
		c := &cards[i]
		if c.Value != dlvNone {
			continue
		}
		switch c.ID {
		case "lead":
			c.Hint = "No change with a known start was shipped in this window. Send commits (push webhooks, or chief import git) so that deployments know what they shipped."
		case "recovery":
			c.Hint = "No failed deployment recovered in this window."
			if k.Failed == 0 && k.Deployments > 0 {
				c.Hint = "No deployment failed in this window, so there was nothing to recover from."
			}
		default:
			c.Hint = noDeploys
		}
	}
	return cards
}

// dlvRow is one team or component in a breakdown table.
type dlvRow struct {
	Name, Title, Href, CatalogURL string
	Keys                          delivery.Keys
}

// dlvRows turns a breakdown into table rows sorted as ?sort= and ?dir= ask.
// kind is "team" or "component", the parameter that scopes the page;
// titles, when they name a row, replace the title the report gives.
func dlvRows(rows []delivery.Row, kind string, v url.Values, titles map[string]string) []dlvRow {
	out := make([]dlvRow, 0, len(rows))
	for _, r := range rows {
		name := relKeyName(r.Key)
		if kind == "team" {
			name = teamName(r.Key)
		}
		pairs := []string{"team", "", "system", "", "component", ""}
		if kind == "team" {
			pairs[1] = name
		} else {
			pairs[5] = name
		}
		title := r.Title
		if t := titles[name]; t != "" {
			title = t
		}
		out = append(out, dlvRow{Name: name, Title: title, Href: "/delivery" + withQuery(v, pairs...), CatalogURL: relKeyURL(r.Key), Keys: r.Keys})
	}
	key, desc := dlvSortOf(v)
	slices.SortStableFunc(out, func(a, b dlvRow) int {
		if key == "name" {
			c := cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
			if desc {
				c = -c
			}
			return c
		}
		if key == "deployments" {
			c := cmp.Compare(a.Keys.Deployments, b.Keys.Deployments)
			if desc {
				c = -c
			}
			return c
		}
		return dlvCompareOptional(dlvColumnValue(a.Keys, key), dlvColumnValue(b.Keys, key), desc)
	})
	return out
}

// dlvColumns are the breakdown tables' sortable columns, with the
// direction a first click sorts in.
var dlvColumns = []struct {
	key, label string
	desc       bool
}{
	{"name", "Name", false}, {"deployments", "Deployments", true}, {"frequency", "Per day", true}, {"days", "Days/week", true},
	{"lead", "Lead time p50", false}, {"lead90", "Lead time p90", false}, {"failure", "Failure rate", false},
	{"recovery", "Recovery p50", false}, {"rework", "Rework", false},
}

func dlvColumnValue(k delivery.Keys, key string) *float64 {
	switch key {
	case "frequency":
		return k.DeploymentsPerDay
	case "days":
		return k.DeploymentDaysPerWeek
	case "lead":
		return k.LeadTimeP50
	case "lead90":
		return k.LeadTimeP90
	case "failure":
		return k.FailureRate
	case "recovery":
		return k.RecoveryP50
	case "rework":
		return k.ReworkRate
	}
	return nil
}

// dlvCompareOptional orders values, with missing ones last either way.
func dlvCompareOptional(a, b *float64, desc bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	c := cmp.Compare(*a, *b)
	if desc {
		c = -c
	}
	return c
}

// dlvSortOf reads ?sort= and ?dir=; an unknown column sorts by name.
func dlvSortOf(v url.Values) (key string, desc bool) {
	key = v.Get("sort")
	for _, c := range dlvColumns {
		if c.key == key {
			switch v.Get("dir") {
			case "asc":
				return key, false
			case "desc":
				return key, true
			}
			return key, c.desc
		}
	}
	return "name", false
}

// dlvSortLinks are the column headings; following the current one
// reverses it.
func dlvSortLinks(v url.Values) []sortLink {
	key, desc := dlvSortOf(v)
	out := make([]sortLink, 0, len(dlvColumns))
	for _, c := range dlvColumns {
		dir := "asc"
		if c.desc {
			dir = "desc"
		}
		l := sortLink{Label: c.label, Href: withQuery(v, "sort", c.key, "dir", dir)}
		if c.key == key {
			l.Aria, l.Arrow, l.Href = "ascending", " ▲", withQuery(v, "sort", c.key, "dir", "desc")
			if desc {
				l.Aria, l.Arrow, l.Href = "descending", " ▼", withQuery(v, "sort", c.key, "dir", "asc")
			}
		}
		out = append(out, l)
	}
	return out
}
