package radar

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
)

// HoldEntry is an entity still using a technology on hold: one line of the
// migration backlog.
type HoldEntry struct {
	Technology string `json:"technology"`
	Quadrant   string `json:"quadrant"`
	// OnHoldSince is when the technology moved to the hold ring.
	OnHoldSince time.Time `json:"on_hold_since"`
	// Entity is the catalog key; Kind, Name and Title describe it.
	Entity string `json:"entity"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Title  string `json:"title"`
	// Owner is the catalog key of the entity's spec.owner; Lifecycle its
	// spec.lifecycle (production, experimental, ...).
	Owner     string `json:"owner"`
	Lifecycle string `json:"lifecycle"`
	// InCatalog is false when the entity has left the catalog since the
	// link was made.
	InCatalog bool   `json:"in_catalog"`
	Source    string `json:"source"`
}

// HoldReport lists every entity that uses a technology in the hold ring
// (see Radar.HoldRing), ordered by owner, entity and technology. A radar
// of one ring has none, and an empty report.
func (s *Store) HoldReport(ctx context.Context) ([]HoldEntry, error) {
	r, err := s.Radar(ctx)
	if err != nil {
		return nil, err
	}
	out := []HoldEntry{}
	hold := r.HoldRing()
	if hold < 0 {
		return out, nil
	}
	rows, err := s.db.Query(ctx, `SELECT t.name, t.quadrant, u.entity_ref, u.source,
		COALESCE((SELECT MAX(c.decided_at) FROM radar_ring_changes c WHERE c.technology_id = t.id AND c.to_ring = $1
			AND (c.from_ring IS NULL OR c.from_ring <> c.to_ring)), t.created_at)
		FROM radar_usage u JOIN radar_technologies t ON t.id = u.technology_id WHERE t.ring = $1`, hold)
	if err != nil {
		return nil, fmt.Errorf("hold report: %w", err)
	}
	for rows.Next() {
		var e HoldEntry
		var quadrant int
		var since int64
		if err := rows.Scan(&e.Technology, &quadrant, &e.Entity, &e.Source, &since); err != nil {
			rows.Close()
			return nil, err
		}
		e.OnHoldSince = fromUnix(since)
		if quadrant < len(r.Quadrants) {
			e.Quadrant = r.Quadrants[quadrant].Name
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The catalog is read after the rows are closed, in one go: PostgreSQL
	// and the read pool do not like a query nested in an open result set.
	refs := make([]catalog.Ref, len(out))
	keys := make([]string, 0, len(out))
	for i := range out {
		ref, err := catalog.ParseRef(out[i].Entity, "Component", catalog.DefaultNamespace)
		if err != nil {
			out[i].Name = out[i].Entity
			continue
		}
		refs[i] = ref
		keys = append(keys, ref.Key())
	}
	found, err := s.catalog.ByKeys(ctx, keys)
	if err != nil {
		return nil, err
	}
	for i := range out {
		e, ref := &out[i], refs[i]
		if ref.Name == "" {
			continue
		}
		e.Kind, e.Name = ref.Kind, ref.Name
		rec, ok := found[ref.Key()]
		if !ok {
			continue
		}
		e.InCatalog = true
		e.Kind = rec.Entity.Kind
		e.Name = rec.Entity.Metadata.Name
		e.Title = rec.Entity.DisplayName()
		e.Owner = rec.Entity.Text("owner")
		if owner, err := catalog.ParseRef(e.Owner, "Group", ref.Namespace); err == nil {
			e.Owner = owner.Key()
		}
		e.Lifecycle = rec.Entity.Text("lifecycle")
	}
	slices.SortFunc(out, func(a, b HoldEntry) int {
		if c := strings.Compare(a.Owner, b.Owner); c != 0 {
			return c
		}
		if c := strings.Compare(a.Entity, b.Entity); c != 0 {
			return c
		}
		return strings.Compare(a.Technology, b.Technology)
	})
	return out, nil
}

// HoldEntityCount counts the entities that use a technology in the hold
// ring, each once, whether or not they are still in the catalog: the
// radar page's figure, without the report's catalog reads.
func (s *Store) HoldEntityCount(ctx context.Context) (int, error) {
	r, err := s.Radar(ctx)
	if err != nil {
		return 0, err
	}
	if r.HoldRing() < 0 {
		return 0, nil
	}
	var n int
	err = s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT u.entity_ref) FROM radar_usage u JOIN radar_technologies t ON t.id = u.technology_id
		WHERE t.ring = $1`, r.HoldRing()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count entities using technologies on hold: %w", err)
	}
	return n, nil
}
