package radar

import (
	"context"
	"fmt"
	"time"
)

// TechnologyStats is what the technology list shows beside a technology.
type TechnologyStats struct {
	// Users counts the catalog entities that use it.
	Users int `json:"users"`
	// Decided is when its ring was last decided (quadrant moves left
	// out), zero when its history holds no ring decision.
	Decided time.Time `json:"decided"`
}

// TechnologyStats returns every technology's users and last ring decision,
// by technology id, in two aggregate queries rather than a read of the
// whole history.
func (s *Store) TechnologyStats(ctx context.Context) (map[int64]TechnologyStats, error) {
	users, err := s.usageCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]TechnologyStats{}
	for id, n := range users {
		out[id] = TechnologyStats{Users: n}
	}
	rows, err := s.db.Query(ctx, `SELECT technology_id, MAX(decided_at) FROM radar_ring_changes
		WHERE from_ring IS NULL OR from_ring <> to_ring GROUP BY technology_id`)
	if err != nil {
		return nil, fmt.Errorf("last ring decisions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		st := out[id]
		st.Decided = fromUnix(at)
		out[id] = st
	}
	return out, rows.Err()
}
