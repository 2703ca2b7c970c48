package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/reliability"
)

// incidentListLimit is the most incidents the store returns for a list;
// filters and pages beyond it are worked out here.
const incidentListLimit = 1000

// responseWindow is the span of the "Response by team" table.
const responseWindow = 90 * 24 * time.Hour

type incidentRow struct {
	ID                 int64
	Title              string
	Auto, Managed      bool
	Severity, Status   template.HTML
	Entity             entityLink
	More               int
	OpenedAt           time.Time
	Open, Acknowledged bool
	// Lasted is how long it took to resolve, or has been open.
	Lasted string
}

type teamResponseRow struct {
	Team                 entityLink
	Incidents            int
	Acknowledge, Resolve string
}

type stateTab struct {
	Label, Value, Href string
	Count              int
	Current            bool
}

type incidentsPage struct {
	URL                     url.Values
	State, Severity, Entity string
	Tabs                    []stateTab
	Rows                    []incidentRow
	Total                   int
	Page, Last, From, To    int
	Pages                   []pageLink
	Prev, Next              string
	Sorts                   []sortLink
	Response                []teamResponseRow
	Severities              []string
	Entities                []entityOption
	// Filters is set when severity or entity narrow the list; Empty when
	// there are no incidents at all.
	Filters, Empty bool
	Capped         bool
	Error          string
	CanEdit        bool
}

// incidentSorts are the sortable columns; desc says which way a first
// click sorts (dates newest first).
var incidentSorts = []struct {
	key, label string
	desc       bool
}{
	{"title", "Incident", false}, {"severity", "Severity", true}, {"status", "Status", false},
	{"opened", "Opened", true}, {"lasted", "Lasted", true},
}

func (s *Server) incidentList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := r.URL.Query()
	p := incidentsPage{URL: v, State: v.Get("state"), Severity: v.Get("severity"), Page: 1, Severities: reliability.Severities,
		CanEdit: principalFrom(ctx).user.Role.Allows(auth.Editor)}
	if p.State == "" {
		p.State = "open"
	}
	if p.State != "open" && p.State != "resolved" && p.State != "all" {
		p.Error, p.State = "Unknown state "+strconv.Quote(p.State)+": use open, resolved or all.", "all"
	}
	if p.Severity != "" && reliability.SeverityRank(p.Severity) == 0 {
		p.Error, p.Severity = "Unknown severity "+strconv.Quote(p.Severity)+": use "+strings.Join(reliability.Severities, ", ")+".", ""
	}
	f := reliability.IncidentFilter{Open: true, Resolved: true, Limit: incidentListLimit}
	if e := strings.TrimSpace(v.Get("entity")); e != "" {
		ref, err := catalog.ParseRef(e, "Component", catalog.DefaultNamespace)
		if err != nil {
			p.Error = "Entity: " + err.Error()
		} else {
			f.Entity, p.Entity = ref.Key(), e
		}
	}
	p.Filters = p.Severity != "" || p.Entity != ""
	incs, err := s.rel.Incidents(ctx, f)
	if err != nil {
		return err
	}
	p.Capped = len(incs) == incidentListLimit
	now := time.Now()
	counts := map[string]int{}
	var shown []reliability.Incident
	for _, inc := range incs {
		if p.Severity != "" && inc.Severity != p.Severity {
			continue
		}
		state := "open"
		if inc.ResolvedAt != nil {
			state = "resolved"
		}
		counts[state]++
		counts["all"]++
		if p.State == "all" || p.State == state {
			shown = append(shown, inc)
		}
	}
	p.Empty = len(incs) == 0 && !p.Filters
	for _, t := range []struct{ label, value string }{{"Open", "open"}, {"Resolved", "resolved"}, {"All", "all"}} {
		p.Tabs = append(p.Tabs, stateTab{Label: t.label, Value: t.value, Href: withQuery(v, "state", t.value), Count: counts[t.value], Current: p.State == t.value})
	}
	sortIncidents(shown, v.Get("sort"), now)
	p.Sorts = sortLinksFor(v, "-opened", incidentSorts)

	p.Total = len(shown)
	p.Last = max(1, (p.Total+pageSize-1)/pageSize)
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 {
		p.Page = min(n, p.Last)
	}
	from := (p.Page - 1) * pageSize
	page := shown[from:min(from+pageSize, len(shown))]
	p.From, p.To = from+1, from+len(page)
	for i := max(1, p.Page-3); i <= min(p.Last, p.Page+3); i++ {
		p.Pages = append(p.Pages, pageLink{N: i, Href: withQuery(v, "page", strconv.Itoa(i)), Current: i == p.Page})
	}
	if p.Page > 1 {
		p.Prev = withQuery(v, "page", strconv.Itoa(p.Page-1))
	}
	if p.Page < p.Last {
		p.Next = withQuery(v, "page", strconv.Itoa(p.Page+1))
	}
	for _, inc := range page {
		p.Rows = append(p.Rows, incidentRowOf(inc, now))
	}

	resp, err := s.rel.ResponseByTeam(ctx, now.Add(-responseWindow))
	if err != nil {
		return err
	}
	for _, t := range resp {
		row := teamResponseRow{Incidents: t.Incidents, Acknowledge: humanDurationOf(t.MedianAcknowledge), Resolve: humanDurationOf(t.MedianResolve)}
		if t.Team == "" {
			row.Team = entityLink{Name: "No owner", Title: "Entities without an owner in the catalog"}
		} else {
			row.Team = entityLinkOf(t.Team)
			row.Team.Name = teamName(t.Team)
		}
		p.Response = append(p.Response, row)
	}
	if p.Entities, err = s.entityOptions(ctx); err != nil {
		return err
	}
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusBadRequest
	}
	return s.renderStatus(w, r, status, "incidents", "Incidents", "incidents", p)
}

func incidentRowOf(inc reliability.Incident, now time.Time) incidentRow {
	row := incidentRow{ID: inc.ID, Title: inc.Title, Auto: inc.Auto, Managed: inc.Managed,
		Severity: severityBadge(inc.Severity), Status: incidentStatusBadge(inc.Status), Entity: entityLinkOf(inc.Entity),
		More: max(0, len(inc.Entities)-1), OpenedAt: inc.OpenedAt, Open: inc.ResolvedAt == nil, Acknowledged: inc.AcknowledgedAt != nil}
	if d := inc.TimeToResolve(); d != nil {
		row.Lasted = humanDuration(*d)
	} else {
		row.Lasted = "open " + humanDuration(now.Sub(inc.OpenedAt))
	}
	return row
}

// incidentLasted is how long an incident took, or has taken so far.
func incidentLasted(inc reliability.Incident, now time.Time) time.Duration {
	if d := inc.TimeToResolve(); d != nil {
		return *d
	}
	return now.Sub(inc.OpenedAt)
}

// sortIncidents orders incidents by a sort key, "-" first for descending;
// the default is newest first.
func sortIncidents(incs []reliability.Incident, key string, now time.Time) {
	desc := strings.HasPrefix(key, "-")
	var by func(a, b reliability.Incident) int
	switch strings.TrimPrefix(key, "-") {
	case "title":
		by = func(a, b reliability.Incident) int {
			return cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
		}
	case "severity":
		by = func(a, b reliability.Incident) int {
			return cmp.Compare(reliability.SeverityRank(a.Severity), reliability.SeverityRank(b.Severity))
		}
	case "status":
		by = func(a, b reliability.Incident) int {
			return cmp.Compare(slices.Index(reliability.Statuses, a.Status), slices.Index(reliability.Statuses, b.Status))
		}
	case "lasted":
		by = func(a, b reliability.Incident) int {
			return cmp.Compare(incidentLasted(a, now), incidentLasted(b, now))
		}
	default:
		// Already newest first from the store.
		if key == "opened" {
			slices.Reverse(incs)
		}
		return
	}
	slices.SortStableFunc(incs, func(a, b reliability.Incident) int {
		c := by(a, b)
		if desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(b.ID, a.ID)
		}
		return c
	})
}

// sortLinksFor makes sortable column headings for a list sorted by def
// when the URL names no sort.
func sortLinksFor(v url.Values, def string, cols []struct {
	key, label string
	desc       bool
}) []sortLink {
	cur := v.Get("sort")
	if cur == "" {
		cur = def
	}
	var out []sortLink
	for _, c := range cols {
		first := c.key
		if c.desc {
			first = "-" + c.key
		}
		l := sortLink{Label: c.label, Href: withQuery(v, "sort", first)}
		switch cur {
		case c.key:
			l.Aria, l.Arrow, l.Href = "ascending", " ▲", withQuery(v, "sort", "-"+c.key)
		case "-" + c.key:
			l.Aria, l.Arrow, l.Href = "descending", " ▼", withQuery(v, "sort", c.key)
		}
		out = append(out, l)
	}
	return out
}
