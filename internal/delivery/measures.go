package delivery

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

// Scope selects the components measured: one component, a system's, a
// team's (the components it owns) or, when all are empty, the company's.
type Scope struct {
	Component string `json:"component,omitempty"`
	System    string `json:"system,omitempty"`
	Team      string `json:"team,omitempty"`
}

// Label names the scope for people.
func (s Scope) Label() string {
	switch {
	case s.Component != "":
		return s.Component
	case s.System != "":
		return s.System
	case s.Team != "":
		return s.Team
	}
	return "company"
}

// members returns the keys of the components in scope, nil for the whole
// company. It returns not found for a scope naming nothing in the catalog.
func (s *Store) members(ctx context.Context, sc Scope) (map[string]bool, []catalog.Component, error) {
	cs, err := s.catalog.Components(ctx)
	if err != nil {
		return nil, nil, err
	}
	var field, kind, want string
	switch {
	case sc.Component != "":
		field, kind, want = "component", "component", sc.Component
	case sc.System != "":
		field, kind, want = "system", "system", sc.System
	case sc.Team != "":
		field, kind, want = "team", "group", sc.Team
	default:
		return nil, cs, nil
	}
	ref, err := catalog.ParseRef(want, kind, catalog.DefaultNamespace)
	if err != nil {
		return nil, nil, apperr.Field(field, "%v", err)
	}
	key := ref.Key()
	set := map[string]bool{}
	for _, c := range cs {
		if field == "component" && c.Key == key || field == "system" && c.System == key || field == "team" && c.Owner == key {
			set[c.Key] = true
		}
	}
	if len(set) == 0 && field == "component" {
		return nil, nil, apperr.New(apperr.NotFound, "no component %q in the catalog", want)
	}
	if len(set) == 0 {
		if _, err := s.catalog.Get(ctx, ref); err != nil {
			return nil, nil, err
		}
	}
	return set, cs, nil
}

// dailyRow is one component's production figures for one day.
type dailyRow struct {
	component                   string
	day                         int64
	deployments, failed, rework int
	lead, recovery              []byte
}

// maxScopeKeys bounds the components a rollup query names; a larger scope
// reads every component's rollups and keeps its own.
const maxScopeKeys = 500

// daily reads the rollups of the components in set (all when nil) for the
// days in [from, to).
func (s *Store) daily(ctx context.Context, set map[string]bool, from, to time.Time) ([]dailyRow, error) {
	if err := s.rollUpIfPending(ctx); err != nil {
		return nil, err
	}
	q := `SELECT component_ref, day, deployments, failed, rework, lead_times, recovery_times FROM delivery_daily WHERE day >= $1 AND day < $2`
	args := []any{from.Unix(), to.Unix()}
	if len(set) > 0 && len(set) <= maxScopeKeys {
		// A team's or system's rollups, found through the primary key
		// instead of read with every other component's.
		keys := make([]string, 0, len(set))
		for k := range set {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		q += ` AND component_ref IN (` + db.Placeholders(3, len(keys)) + `)`
		for _, k := range keys {
			args = append(args, k)
		}
	}
	rows, err := s.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read delivery rollups: %w", err)
	}
	defer rows.Close()
	var out []dailyRow
	for rows.Next() {
		var r dailyRow
		if err := rows.Scan(&r.component, &r.day, &r.deployments, &r.failed, &r.rework, &r.lead, &r.recovery); err != nil {
			return nil, err
		}
		if set == nil || set[r.component] {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// Measure computes the keys for a scope over a window.
func (s *Store) Measure(ctx context.Context, sc Scope, w Window) (Keys, error) {
	set, _, err := s.members(ctx, sc)
	if err != nil {
		return Keys{}, err
	}
	if set != nil && len(set) == 0 {
		return newTally().keys(w.Start, w.End), nil
	}
	rows, err := s.daily(ctx, set, w.Start, w.End)
	if err != nil {
		return Keys{}, err
	}
	t := newTally()
	for _, r := range rows {
		t.add(r)
	}
	return t.keys(w.Start, w.End), nil
}

// Report is everything the delivery page shows for one scope and window.
type Report struct {
	Scope    Scope `json:"scope"`
	Keys     Keys  `json:"keys"`
	Previous Keys  `json:"previous"`
	// Weekly holds the keys of each week (Monday to Sunday, UTC) that
	// overlaps the window, cut to the window.
	Weekly []Keys `json:"weekly"`
	// Components and Teams break the window down, ordered by name.
	Components []Row `json:"components"`
	Teams      []Row `json:"teams"`
}

// Row is one component's or team's keys in a breakdown.
type Row struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Keys  Keys   `json:"keys"`
}

// Report computes the keys for a scope over a window, the previous window
// of the same length, the weekly trend and the breakdown by component and
// by team, from one read of the rollups.
func (s *Store) Report(ctx context.Context, sc Scope, w Window) (Report, error) {
	set, cs, err := s.members(ctx, sc)
	if err != nil {
		return Report{}, err
	}
	prev := w.Previous()
	rep := Report{Scope: sc}
	var rows []dailyRow
	if set == nil || len(set) > 0 {
		if rows, err = s.daily(ctx, set, prev.Start, w.End); err != nil {
			return Report{}, err
		}
	}
	cur, old := newTally(), newTally()
	weeks := w.Weeks()
	weekly := make([]*tally, len(weeks))
	for i := range weekly {
		weekly[i] = newTally()
	}
	byComponent, byTeam := map[string]*tally{}, map[string]*tally{}
	owner := map[string]string{}
	title := map[string]string{}
	for _, c := range cs {
		owner[c.Key], title[c.Key] = c.Owner, c.Title
	}
	var lead, recovery []int64
	for _, r := range rows {
		if r.day < w.Start.Unix() {
			old.add(r)
			continue
		}
		// Decoded once for the four tallies the row goes into.
		lead, recovery = decodeSeconds(lead[:0], r.lead), decodeSeconds(recovery[:0], r.recovery)
		cur.addDecoded(r, lead, recovery)
		for i, wk := range weeks {
			if r.day >= wk.Start.Unix() && r.day < wk.End.Unix() {
				weekly[i].addDecoded(r, lead, recovery)
			}
		}
		tallyOf(byComponent, r.component).addDecoded(r, lead, recovery)
		if o := owner[r.component]; o != "" {
			tallyOf(byTeam, o).addDecoded(r, lead, recovery)
		}
	}
	rep.Keys, rep.Previous = cur.keys(w.Start, w.End), old.keys(prev.Start, prev.End)
	for i, wk := range weeks {
		rep.Weekly = append(rep.Weekly, weekly[i].keys(wk.Start, wk.End))
	}
	rep.Components = rowsOf(byComponent, title, w)
	rep.Teams = rowsOf(byTeam, nil, w)
	return rep, nil
}

func tallyOf(m map[string]*tally, k string) *tally {
	t := m[k]
	if t == nil {
		t = newTally()
		m[k] = t
	}
	return t
}

func rowsOf(m map[string]*tally, titles map[string]string, w Window) []Row {
	out := make([]Row, 0, len(m))
	for k, t := range m {
		r := Row{Key: k, Title: titles[k], Keys: t.keys(w.Start, w.End)}
		if r.Title == "" {
			if ref, err := catalog.ParseRef(k, "", ""); err == nil {
				r.Title = ref.Name
			}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
