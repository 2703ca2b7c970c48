package radar

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Blip is a technology as the radar showed it at a moment.
type Blip struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Slug         string `json:"slug"`
	Quadrant     int    `json:"quadrant"`
	Ring         int    `json:"ring"`
	QuadrantName string `json:"quadrant_name"`
	RingName     string `json:"ring_name"`
	// Marker is the change since the snapshot's Since date.
	Marker Marker `json:"marker"`
	// Users counts the catalog entities that use the technology now.
	Users int `json:"users"`
}

// Snapshot is the radar as of a date, with markers relative to an earlier
// one.
type Snapshot struct {
	At        time.Time  `json:"at"`
	Since     time.Time  `json:"since"`
	Title     string     `json:"title"`
	Quadrants []Quadrant `json:"quadrants"`
	Rings     []Ring     `json:"rings"`
	// Blips are ordered by quadrant, ring and name.
	Blips []Blip `json:"blips"`
}

// placement is where a technology sat at a moment.
type placement struct {
	quadrant, ring int
	ok             bool
}

// RadarAsOf returns every technology's quadrant and ring at at, as the
// history of decisions says, leaving out those not yet on the radar then.
// Each blip's marker compares with since: new when the technology was not
// on the radar at since, in when it sits in an inner ring now, out when in
// an outer one. A zero since gives no markers; a since after at is
// treated as at.
func (s *Store) RadarAsOf(ctx context.Context, at, since time.Time) (Snapshot, error) {
	r, err := s.Radar(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	if since.After(at) {
		since = at
	}
	snap := Snapshot{At: at, Since: since, Title: r.Title, Quadrants: r.Quadrants, Rings: r.Rings, Blips: []Blip{}}
	techs, err := s.queryTechnologies(ctx, r, `SELECT `+technologyColumns+` FROM radar_technologies ORDER BY slug`)
	if err != nil {
		return snap, err
	}
	changes, err := s.allRingChanges(ctx, r, at)
	if err != nil {
		return snap, err
	}
	users, err := s.usageCounts(ctx)
	if err != nil {
		return snap, err
	}
	atPlace := map[string]placement{}
	sincePlace := map[string]placement{}
	for _, c := range changes {
		atPlace[c.Technology] = placement{c.Quadrant, c.To, true}
		if !since.IsZero() && !c.DecidedAt.After(since) {
			sincePlace[c.Technology] = placement{c.Quadrant, c.To, true}
		}
	}
	for _, t := range techs {
		p := atPlace[t.Name]
		if !p.ok {
			continue
		}
		b := Blip{ID: t.ID, Name: t.Name, Slug: t.Slug, Quadrant: p.quadrant, Ring: p.ring, Users: users[t.ID]}
		if p.quadrant < len(r.Quadrants) {
			b.QuadrantName = r.Quadrants[p.quadrant].Name
		}
		if p.ring < len(r.Rings) {
			b.RingName = r.Rings[p.ring].Name
		}
		if !since.IsZero() {
			b.Marker = marker(sincePlace[t.Name], p)
		}
		snap.Blips = append(snap.Blips, b)
	}
	sortBlips(snap.Blips)
	return snap, nil
}

// marker compares a placement with an earlier one.
func marker(before, now placement) Marker {
	switch {
	case !before.ok:
		return MarkerNew
	case now.ring < before.ring:
		return MarkerIn
	case now.ring > before.ring:
		return MarkerOut
	}
	return MarkerNone
}

func sortBlips(list []Blip) {
	slices.SortFunc(list, func(a, b Blip) int {
		if a.Quadrant != b.Quadrant {
			return a.Quadrant - b.Quadrant
		}
		if a.Ring != b.Ring {
			return a.Ring - b.Ring
		}
		return strings.Compare(a.Slug, b.Slug)
	})
}
