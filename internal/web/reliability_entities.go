package web

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/reliability"
)

// relEntity is one watched entity with what the overview shows of it.
type relEntity struct {
	Key   string
	Title string
	// URL is the entity's page; "" when it is no longer in the catalog.
	URL                         string
	TeamKey, TeamTitle, TeamURL string
	State                       string
	Monitors                    []reliability.MonitorStatus
	// Uptime by window name (1h, 24h, 7d, 30d), over all its monitors.
	Uptime map[string]*float64
	SLOs   []reliability.SLOStatus
	// Worst is the SLO with the least budget left.
	Worst *reliability.SLOStatus
	Open  int
}

// relTotals are the figures of the overview's cards.
type relTotals struct {
	Monitors, Up, Down, Other int
	Open                      int
	SLOs, Burning, Exhausted  int
}

// relSnapshot is the reliability area at one moment, gathered once for a
// page.
type relSnapshot struct {
	Now      time.Time
	Statuses []reliability.MonitorStatus
	SLOs     []reliability.SLOStatus
	Open     []reliability.Incident
	Entities []relEntity
	Totals   relTotals
}

// gatherReliability gathers every monitor's status, every SLO's standing and the
// open incidents, and groups them by entity. Owners come from the catalog.
func (s *Server) gatherReliability(ctx context.Context, now time.Time) (*relSnapshot, error) {
	mons, err := s.rel.Monitors(ctx)
	if err != nil {
		return nil, err
	}
	sn := &relSnapshot{Now: now}
	if sn.Statuses, err = s.rel.Statuses(ctx, mons, now); err != nil {
		return nil, err
	}
	slos, err := s.rel.SLOs(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, o := range slos {
		st, err := s.rel.SLOStatus(ctx, o, now, 0)
		if err != nil {
			return nil, err
		}
		sn.SLOs = append(sn.SLOs, st)
	}
	if sn.Open, err = s.rel.Incidents(ctx, reliability.IncidentFilter{Open: true}); err != nil {
		return nil, err
	}

	byKey := map[string]*relEntity{}
	get := func(key string) *relEntity {
		e := byKey[key]
		if e == nil {
			e = &relEntity{Key: key, Uptime: map[string]*float64{}}
			byKey[key] = e
		}
		return e
	}
	t := &sn.Totals
	for _, st := range sn.Statuses {
		e := get(st.Entity)
		e.Monitors = append(e.Monitors, st)
		t.Monitors++
		switch st.State {
		case reliability.StateUp:
			t.Up++
		case reliability.StateDown:
			t.Down++
		default:
			t.Other++
		}
	}
	for i := range sn.SLOs {
		st := &sn.SLOs[i]
		e := get(st.Entity)
		e.SLOs = append(e.SLOs, *st)
		t.SLOs++
		if st.Alert != "" {
			t.Burning++
		}
		if st.Attainment != nil && st.BudgetLeft < 0 {
			t.Exhausted++
		}
	}
	t.Open = len(sn.Open)
	for _, inc := range sn.Open {
		keys := inc.Entities
		if len(keys) == 0 {
			keys = []string{inc.Entity}
		}
		for _, k := range keys {
			if e := byKey[k]; e != nil {
				e.Open++
			}
		}
	}
	for _, e := range byKey {
		e.State = relEntityState(e.Monitors)
		for _, w := range reliability.Windows {
			var good, bad int64
			for _, m := range e.Monitors {
				good, bad = good+m.Windows[w.Name].Good, bad+m.Windows[w.Name].Bad
			}
			e.Uptime[w.Name] = chartUptimeOf(good, bad)
		}
		for i := range e.SLOs {
			if e.Worst == nil || e.SLOs[i].BudgetLeft < e.Worst.BudgetLeft {
				e.Worst = &e.SLOs[i]
			}
		}
		if err := s.relDescribe(ctx, e); err != nil {
			return nil, err
		}
		sn.Entities = append(sn.Entities, *e)
	}
	sort.Slice(sn.Entities, func(i, j int) bool { return sn.Entities[i].Key < sn.Entities[j].Key })
	return sn, nil
}

// relDescribe fills an entity's title, page and owning team from the
// catalog; an entity that has left the catalog keeps its key as its title.
func (s *Server) relDescribe(ctx context.Context, e *relEntity) error {
	e.Title = relKeyName(e.Key)
	ref, err := catalog.ParseRef(e.Key, "Component", catalog.DefaultNamespace)
	if err != nil {
		return nil
	}
	rec, err := s.catalog.Get(ctx, ref)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	e.Title, e.URL = rec.Entity.DisplayName(), entityURL(rec.Entity)
	for _, rel := range rec.Relations {
		if rel.Type != catalog.RelOwnedBy {
			continue
		}
		e.TeamKey, e.TeamTitle = rel.Target.Key(), rel.Target.Name
		if rel.Resolved {
			e.TeamURL = refURL(rel.Target)
			if rel.TargetTitle != "" {
				e.TeamTitle = rel.TargetTitle
			}
		}
		break
	}
	return nil
}

// matches reports whether the entity's names or its monitors' names
// contain q, without regard to case.
func (e *relEntity) matches(q string) bool {
	q = strings.ToLower(q)
	if strings.Contains(strings.ToLower(e.Key), q) || strings.Contains(strings.ToLower(e.Title), q) {
		return true
	}
	for _, m := range e.Monitors {
		if strings.Contains(m.Name, q) {
			return true
		}
	}
	return false
}

// relIDs are the ids of monitors, for the store's series queries.
func relIDs(sts []reliability.MonitorStatus) []int64 {
	ids := make([]int64, len(sts))
	for i, m := range sts {
		ids[i] = m.Monitor.ID
	}
	return ids
}
