package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/reliability"
)

type maintenanceListPage struct {
	URL     url.Values
	Items   []maintenanceItem
	Search  string
	Status  string
	Sorts   []relSort
	Pager   relPager
	Filters bool
	Empty   bool
	Active  int
	CanEdit bool
	Form    *maintenanceForm
}

// maintenanceItem is a window with where it stands now.
type maintenanceItem struct {
	reliability.MaintenanceWindow
	// Status is active, upcoming or past.
	Status string
	// Start and End are the current occurrence when active, else the next.
	Start, End time.Time
}

var relMaintenanceColumns = []relColumn{
	{"next", "When", false}, {"title", "Title", false}, {"duration", "Duration", true}, {"recurrence", "Repeats", false},
}

var maintenanceStatusRank = map[string]int{"active": 0, "upcoming": 1, "past": 2}

// maintenanceList shows the maintenance windows, active ones first, and
// the form to plan one.
func (s *Server) maintenanceList(w http.ResponseWriter, r *http.Request) error {
	p, err := s.maintenanceListPage(r, newMaintenanceForm())
	if err != nil {
		return err
	}
	return s.render(w, r, "maintenance_list", "Maintenance", "reliability", p)
}

func (s *Server) maintenanceListPage(r *http.Request, f *maintenanceForm) (*maintenanceListPage, error) {
	ctx := r.Context()
	ws, err := s.rel.Maintenance(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	v := r.URL.Query()
	p := &maintenanceListPage{URL: v, Search: strings.TrimSpace(v.Get("q")), Status: v.Get("status"), Empty: len(ws) == 0,
		CanEdit: principalFrom(ctx).user.Role.Allows(auth.Editor), Form: f}
	p.Filters = p.Search != "" || p.Status != ""
	q := strings.ToLower(p.Search)
	var rows []maintenanceItem
	for _, w := range ws {
		it := maintenanceItem{MaintenanceWindow: w, Status: "past"}
		if start, end, ok := w.Occurrence(now); ok {
			it.Status, it.Start, it.End = "active", start, end
			p.Active++
		} else if next, ok := w.Next(now); ok {
			it.Status, it.Start, it.End = "upcoming", next, next.Add(w.Duration.D())
		} else {
			it.Start = w.StartsAt
			it.End = w.StartsAt.Add(w.Duration.D())
		}
		if p.Status != "" && it.Status != p.Status {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(w.Title), q) && !strings.Contains(strings.Join(w.Entities, " "), q) {
			continue
		}
		rows = append(rows, it)
	}
	key, desc := relSortKey(v, "next", relMaintenanceColumns)
	relSortRows(rows, desc, func(a, b maintenanceItem) int {
		switch key {
		case "title":
			return cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
		case "duration":
			return cmp.Compare(a.Duration, b.Duration)
		case "recurrence":
			return cmp.Compare(a.Recurrence, b.Recurrence)
		}
		// Active first, then the soonest upcoming, then the latest past.
		if c := cmp.Compare(maintenanceStatusRank[a.Status], maintenanceStatusRank[b.Status]); c != 0 {
			return c
		}
		if a.Status == "past" {
			return b.Start.Compare(a.Start)
		}
		return a.Start.Compare(b.Start)
	})
	p.Sorts = relSorts(v, "next", relMaintenanceColumns)
	p.Pager = relPageOf(v, len(rows), pageSize)
	p.Items = rows[p.Pager.From:p.Pager.To]
	return p, nil
}
