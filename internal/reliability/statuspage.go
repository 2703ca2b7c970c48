package reliability

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

// StatusEntry is one system on the public status page.
type StatusEntry struct {
	Entity      string `json:"entity"`
	DisplayName string `json:"display_name"`
}

// StatusPageEntries lists the systems the public status page shows, in order.
func (s *Store) StatusPageEntries(ctx context.Context) ([]StatusEntry, error) {
	rows, err := s.db.Query(ctx, `SELECT entity_ref, display_name FROM status_page ORDER BY position, entity_ref`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatusEntry
	for rows.Next() {
		var e StatusEntry
		if err := rows.Scan(&e.Entity, &e.DisplayName); err != nil {
			return nil, err
		}
		if e.DisplayName == "" {
			e.DisplayName = entityName(e.Entity)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SetStatusPage replaces the systems the status page shows.
func (s *Store) SetStatusPage(ctx context.Context, entries []StatusEntry) error {
	keys := make([]string, len(entries))
	seen := map[string]bool{}
	for i, e := range entries {
		k, err := s.resolveRefs(ctx, fmt.Sprintf("[%d].entity", i), []string{e.Entity})
		if err != nil {
			return err
		}
		if seen[k[0]] {
			return apperr.Field(fmt.Sprintf("[%d].entity", i), "%s is listed twice", k[0])
		}
		seen[k[0]] = true
		keys[i] = k[0]
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM status_page`); err != nil {
			return err
		}
		for i, k := range keys {
			name := ""
			if i < len(entries) {
				name = strings.TrimSpace(entries[i].DisplayName)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO status_page (entity_ref, position, display_name) VALUES ($1, $2, $3)`, k, i, name); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "update", "status_page", "public", map[string]audit.Change{"entities": {New: strings.Join(keys, ",")}})
	})
}

// PublicSystem is one system as the status page shows it.
type PublicSystem struct {
	Name   string `json:"name"`
	Entity string `json:"entity"`
	// State is operational, degraded (some monitors down), down,
	// maintenance or unknown.
	State    string      `json:"state"`
	Uptime90 *float64    `json:"uptime_90d"`
	Days     []DayUptime `json:"days"`
}

// DayUptime is one bar of the 90-day uptime chart.
type DayUptime struct {
	Date   string   `json:"date"`
	Uptime *float64 `json:"uptime"`
	Good   int64    `json:"good"`
	Bad    int64    `json:"bad"`
	Maint  int64    `json:"maintenance"`
}

// PublicIncident is an incident with its public updates only.
type PublicIncident struct {
	ID         int64          `json:"id"`
	Title      string         `json:"title"`
	Severity   string         `json:"severity"`
	Status     string         `json:"status"`
	OpenedAt   time.Time      `json:"opened_at"`
	ResolvedAt *time.Time     `json:"resolved_at"`
	Updates    []PublicUpdate `json:"updates"`
}

// PublicUpdate is a public timeline entry, without who wrote it: authors
// are staff sign-ins and no business of the public.
type PublicUpdate struct {
	At     time.Time `json:"at"`
	Status string    `json:"status"`
	Body   string    `json:"body"`
}

// PublicMaintenance is a maintenance window now or ahead.
type PublicMaintenance struct {
	Title  string    `json:"title"`
	Starts time.Time `json:"starts_at"`
	Ends   time.Time `json:"ends_at"`
	Active bool      `json:"active"`
}

// PublicStatus is everything the public status page shows.
type PublicStatus struct {
	State       string              `json:"state"`
	UpdatedAt   time.Time           `json:"updated_at"`
	Systems     []PublicSystem      `json:"systems"`
	Open        []PublicIncident    `json:"open_incidents"`
	Maintenance []PublicMaintenance `json:"maintenance"`
	Past        []PublicIncident    `json:"past_incidents"`
}

// EntityState sums up an entity's monitors: down when all are down,
// degraded when some are, maintenance, operational, or unknown without
// monitors or checks.
func EntityState(states []MonitorStatus) string {
	up, down, maint := 0, 0, 0
	for _, m := range states {
		switch m.State {
		case StateUp:
			up++
		case StateDown:
			down++
		case StateMaintenance:
			maint++
		}
	}
	switch {
	case down > 0 && up == 0:
		return "down"
	case down > 0:
		return "degraded"
	case maint > 0:
		return "maintenance"
	case up > 0:
		return "operational"
	}
	return "unknown"
}

// DailyUptime returns days days of uptime bars ending today, for monitors.
func (s *Store) DailyUptime(ctx context.Context, ids []int64, days int, now time.Time) ([]DayUptime, *float64, error) {
	from := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -(days - 1))
	buckets, err := s.Series(ctx, ids, from, now, 24*time.Hour)
	if err != nil {
		return nil, nil, err
	}
	out := make([]DayUptime, len(buckets))
	var total Counts
	for i, b := range buckets {
		d := windowOf(&b.Counts)
		out[i] = DayUptime{Date: b.Start.Format(time.DateOnly), Uptime: d.Uptime, Good: b.Good, Bad: b.Bad, Maint: b.Maint}
		total.Good, total.Bad = total.Good+b.Good, total.Bad+b.Bad
	}
	return out, windowOf(&total).Uptime, nil
}

// PublicStatus gathers the public status page.
func (s *Store) PublicStatus(ctx context.Context, now time.Time) (PublicStatus, error) {
	// Empty lists, not null, in the JSON anyone may read.
	ps := PublicStatus{State: "operational", UpdatedAt: now.UTC().Truncate(time.Second),
		Systems: []PublicSystem{}, Open: []PublicIncident{}, Maintenance: []PublicMaintenance{}, Past: []PublicIncident{}}
	entries, err := s.StatusPageEntries(ctx)
	if err != nil {
		return ps, err
	}
	shown := map[string]bool{}
	worst := 0
	rank := map[string]int{"operational": 0, "unknown": 0, "maintenance": 1, "degraded": 2, "down": 3}
	for _, e := range entries {
		shown[e.Entity] = true
		ref, err := catalog.ParseRef(e.Entity, "Component", catalog.DefaultNamespace)
		if err != nil {
			continue
		}
		mons, err := s.MonitorsOf(ctx, ref)
		if err != nil {
			return ps, err
		}
		sts, err := s.Statuses(ctx, mons, now)
		if err != nil {
			return ps, err
		}
		ids := make([]int64, len(mons))
		for i, m := range mons {
			ids[i] = m.ID
		}
		sys := PublicSystem{Name: e.DisplayName, Entity: e.Entity, State: EntityState(sts)}
		if sys.Days, sys.Uptime90, err = s.DailyUptime(ctx, ids, 90, now); err != nil {
			return ps, err
		}
		if rank[sys.State] > worst {
			worst, ps.State = rank[sys.State], sys.State
		}
		ps.Systems = append(ps.Systems, sys)
	}
	incs, err := s.Incidents(ctx, IncidentFilter{Open: true, Resolved: true, Since: now.AddDate(0, 0, -90), Limit: 200})
	if err != nil {
		return ps, err
	}
	openEntities := map[int64][]string{}
	for _, inc := range incs {
		if !touches(inc.Entities, shown) {
			continue
		}
		openEntities[inc.ID] = inc.Entities
		full, err := s.Incident(ctx, inc.ID)
		if err != nil {
			return ps, err
		}
		pi := PublicIncident{ID: full.ID, Title: full.Title, Severity: full.Severity, Status: full.Status, OpenedAt: full.OpenedAt, ResolvedAt: full.ResolvedAt}
		for _, u := range full.Updates {
			if u.Public {
				pi.Updates = append(pi.Updates, PublicUpdate{At: u.At, Status: u.Status, Body: u.Body})
			}
		}
		if len(pi.Updates) == 0 {
			continue // nothing was said publicly about it
		}
		if full.ResolvedAt == nil {
			ps.Open = append(ps.Open, pi)
		} else {
			ps.Past = append(ps.Past, pi)
		}
	}
	ws, err := s.Maintenance(ctx)
	if err != nil {
		return ps, err
	}
	for _, w := range ws {
		if len(w.Entities) > 0 && !touches(w.Entities, shown) {
			continue
		}
		if start, end, ok := w.Occurrence(now); ok {
			ps.Maintenance = append(ps.Maintenance, PublicMaintenance{Title: w.Title, Starts: start, Ends: end, Active: true})
		} else if next, ok := w.Next(now); ok && next.Before(now.AddDate(0, 0, 14)) {
			ps.Maintenance = append(ps.Maintenance, PublicMaintenance{Title: w.Title, Starts: next, Ends: next.Add(w.Duration.D())})
		}
	}
	// An open incident about a system that its monitors call operational
	// (slow, wrong answers the checks do not see) degrades it.
	for i := range ps.Systems {
		for _, inc := range ps.Open {
			if ps.Systems[i].State == "operational" && slices.Contains(openEntities[inc.ID], ps.Systems[i].Entity) {
				ps.Systems[i].State = "degraded"
			}
		}
	}
	if len(ps.Open) > 0 && ps.State == "operational" {
		ps.State = "degraded"
	}
	return ps, nil
}

func touches(keys []string, set map[string]bool) bool {
	for _, k := range keys {
		if set[k] {
			return true
		}
	}
	return false
}

// StateLabel names a state for people.
func StateLabel(state string) string {
	switch state {
	case "operational", StateUp:
		return "Operational"
	case "degraded":
		return "Degraded"
	case StateDown:
		return "Down"
	case StateMaintenance:
		return "Maintenance"
	case StatePaused:
		return "Paused"
	}
	return "Unknown"
}
