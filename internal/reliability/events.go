package reliability

import (
	"context"
	"sort"
	"time"
)

// Event is one state change of a monitor.
type Event struct {
	At     time.Time `json:"at"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
}

// Events returns a monitor's latest state changes, newest first.
func (s *Store) Events(ctx context.Context, m Monitor, limit int) ([]Event, error) {
	rows, err := s.db.Query(ctx, `SELECT at, from_state, to_state, reason FROM monitor_events WHERE monitor_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, m.ID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&at, &e.From, &e.To, &e.Reason); err != nil {
			return nil, err
		}
		e.At = fromUnix(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// TeamResponse is how fast a team's incidents were acknowledged and resolved.
type TeamResponse struct {
	// Team is the owner group's catalog key ("" for entities without an owner).
	Team      string `json:"team"`
	Incidents int    `json:"incidents"`
	// Medians over the incidents that were acknowledged or resolved; nil when none were.
	MedianAcknowledge *time.Duration `json:"median_acknowledge_ns"`
	MedianResolve     *time.Duration `json:"median_resolve_ns"`
}

// ResponseByTeam groups incidents opened since since by the team owning
// their main entity.
func (s *Store) ResponseByTeam(ctx context.Context, since time.Time) ([]TeamResponse, error) {
	incs, err := s.Incidents(ctx, IncidentFilter{Open: true, Resolved: true, Since: since})
	if err != nil {
		return nil, err
	}
	type acc struct {
		n        int
		ack, res []time.Duration
	}
	byTeam := map[string]*acc{}
	owners := map[string]string{}
	for _, inc := range incs {
		team, ok := owners[inc.Entity]
		if !ok {
			team = s.owner(ctx, inc.Entity)
			owners[inc.Entity] = team
		}
		a := byTeam[team]
		if a == nil {
			a = &acc{}
			byTeam[team] = a
		}
		a.n++
		if d := inc.TimeToAcknowledge(); d != nil {
			a.ack = append(a.ack, *d)
		}
		if d := inc.TimeToResolve(); d != nil {
			a.res = append(a.res, *d)
		}
	}
	out := make([]TeamResponse, 0, len(byTeam))
	for team, a := range byTeam {
		out = append(out, TeamResponse{Team: team, Incidents: a.n, MedianAcknowledge: median(a.ack), MedianResolve: median(a.res)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Team < out[j].Team })
	return out, nil
}

// median of ds (the mean of the middle two for an even count); nil when empty.
func median(ds []time.Duration) *time.Duration {
	if len(ds) == 0 {
		return nil
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	m := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		m = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return &m
}
