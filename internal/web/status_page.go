package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/reliability"
)

// statusCache is how long browsers and proxies may keep the public status
// page: it is the same for everyone, and a busy outage sends many readers.
const statusCache = "public, max-age=30"

type statusView struct {
	Name        string
	State       string
	Banner      statusBanner
	UpdatedAt   time.Time
	Systems     []statusSystem
	Open        []statusIncident
	Maintenance []reliability.PublicMaintenance
	Past        []statusIncident
}

type statusBanner struct {
	Class, Symbol, Text string
}

type statusSystem struct {
	Name     string
	State    template.HTML
	Bars     template.HTML
	Uptime   string
	From, To string
	// BadDays counts the days with failed checks.
	BadDays int
}

type statusIncident struct {
	reliability.PublicIncident
	SeverityBadge, StatusBadge template.HTML
	// Latest is the newest public update, shown first.
	Latest []reliability.PublicUpdate
	Lasted string
}

var banners = map[string]statusBanner{
	"operational": {"banner-ok", "✓", "All systems operational"},
	"degraded":    {"banner-degraded", "▲", "Some systems are degraded"},
	"down":        {"banner-down", "✕", "Some systems are down"},
	"maintenance": {"banner-maint", "◆", "Maintenance in progress"},
	"unknown":     {"banner-unknown", "?", "No checks have run yet"},
}

// companyName is the display name of the catalog's organization group,
// which titles the status page; "" when the catalog has none.
func (s *Server) companyName(ctx context.Context) (string, error) {
	p, err := s.catalog.List(ctx, catalog.Query{Kind: "Group", Type: "organization", Limit: 1})
	if err != nil || len(p.Items) == 0 {
		return "", err
	}
	return p.Items[0].Entity.DisplayName(), nil
}

// statusPage is the public status page: no sign-in, its own layout.
func (s *Server) statusPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ps, err := s.rel.PublicStatus(ctx, time.Now())
	if err != nil {
		return err
	}
	v := statusView{State: ps.State, UpdatedAt: ps.UpdatedAt, Maintenance: ps.Maintenance}
	if v.Name, err = s.companyName(ctx); err != nil {
		return err
	}
	unknown := 0
	for _, sys := range ps.Systems {
		row := statusSystem{Name: sys.Name, State: stateBadge(sys.State), Bars: chartUptimeBars(sys.Days, true), Uptime: chartUptimeText(sys.Uptime90)}
		if len(sys.Days) > 0 {
			row.From, row.To = sys.Days[0].Date, sys.Days[len(sys.Days)-1].Date
		}
		for _, d := range sys.Days {
			if d.Bad > 0 {
				row.BadDays++
			}
		}
		if sys.State == "unknown" {
			unknown++
		}
		v.Systems = append(v.Systems, row)
	}
	if v.State == "operational" && unknown > 0 && unknown == len(ps.Systems) && len(ps.Open) == 0 {
		v.State = "unknown"
	}
	v.Banner = banners[v.State]
	if v.Banner.Text == "" {
		v.Banner = banners["unknown"]
	}
	if v.State == "operational" && unknown > 0 {
		v.Banner.Text = "All monitored systems operational"
	}
	now := time.Now()
	for _, inc := range ps.Open {
		v.Open = append(v.Open, statusIncidentOf(inc, now))
	}
	for _, inc := range ps.Past {
		v.Past = append(v.Past, statusIncidentOf(inc, now))
	}
	title := "Status"
	if v.Name != "" {
		title = v.Name + " status"
	}
	// The page itself is always fetched again: someone who just posted an
	// update must see it. The JSON and badges may be kept briefly.
	w.Header().Set("Cache-Control", "no-cache")
	return s.renderStatus(w, r, http.StatusOK, "status", title, "", v)
}

func statusIncidentOf(inc reliability.PublicIncident, now time.Time) statusIncident {
	out := statusIncident{PublicIncident: inc, SeverityBadge: severityBadge(inc.Severity), StatusBadge: incidentStatusBadge(inc.Status)}
	out.Latest = slices.Clone(inc.Updates)
	slices.Reverse(out.Latest)
	end := now
	if inc.ResolvedAt != nil {
		end = *inc.ResolvedAt
	}
	out.Lasted = humanDuration(end.Sub(inc.OpenedAt))
	return out
}

// statusJSON is the status page for machines. Anyone may read it, from
// any site: it says nothing the page does not.
func (s *Server) statusJSON(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.rel.PublicStatus(r.Context(), time.Now())
	if err != nil {
		s.writeAPIError(w, r, err)
		return nil
	}
	w.Header().Set("Cache-Control", statusCache)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, ps)
	return nil
}
