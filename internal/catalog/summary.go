package catalog

import (
	"context"
	"fmt"
)

// Summary is what a CTO wants to see first about the catalog.
type Summary struct {
	// ByKind counts entities per kind, Locations excluded.
	ByKind map[string]int `json:"byKind"`
	// ByLifecycle counts components and APIs per lifecycle.
	ByLifecycle map[string]int `json:"byLifecycle"`
	// Unowned lists owned kinds whose owner is missing or not in the catalog.
	Unowned []Record `json:"unowned"`
	// Orphaned lists entities that vanished from their origin.
	Orphaned []Record `json:"orphaned"`
	// Unresolved lists declared relations whose target does not exist.
	Unresolved []Relation `json:"unresolved"`
	// Teams lists groups by how many people they have, largest first.
	Teams []TeamSize `json:"teams"`
}

// TeamSize is a group with its member and owned-entity counts.
type TeamSize struct {
	Ref     Ref    `json:"-"`
	RefText string `json:"ref"`
	Title   string `json:"title"`
	Members int    `json:"members"`
	Owns    int    `json:"owns"`
}

// SummaryLimit caps each list of a summary.
const SummaryLimit = 10

// Summarize computes the catalog summary for the home page.
func (s *Store) Summarize(ctx context.Context) (Summary, error) {
	sum := Summary{ByKind: map[string]int{}, ByLifecycle: map[string]int{}}
	if err := s.countInto(ctx, sum.ByKind, `SELECT kind, COUNT(*) FROM entities WHERE kind <> 'Location' GROUP BY kind`); err != nil {
		return sum, err
	}
	if err := s.countInto(ctx, sum.ByLifecycle, `SELECT lifecycle, COUNT(*) FROM entities WHERE kind IN ('Component', 'API') GROUP BY lifecycle`); err != nil {
		return sum, err
	}
	var err error
	sum.Unowned, err = s.records(ctx, `SELECT `+recordColumns+` FROM entities e
		WHERE kind IN ('Component', 'API', 'Resource', 'System', 'Domain')
		AND NOT EXISTS (SELECT 1 FROM entities o WHERE o.ref = e.owner_ref)
		ORDER BY kind, name LIMIT $1`, SummaryLimit)
	if err != nil {
		return sum, err
	}
	sum.Orphaned, err = s.records(ctx, `SELECT `+recordColumns+` FROM entities WHERE orphaned = $1 ORDER BY kind, name LIMIT $2`, true, SummaryLimit)
	if err != nil {
		return sum, err
	}
	sum.Unresolved, err = s.unresolved(ctx, SummaryLimit)
	if err != nil {
		return sum, err
	}
	sum.Teams, err = s.teamSizes(ctx, SummaryLimit)
	// Empty lists, not null, for API clients.
	sum.Unowned = nonNil(sum.Unowned)
	sum.Orphaned = nonNil(sum.Orphaned)
	sum.Unresolved = nonNil(sum.Unresolved)
	sum.Teams = nonNil(sum.Teams)
	return sum, err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Store) countInto(ctx context.Context, dst map[string]int, q string) error {
	rows, err := s.db.Read().QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("summary counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		dst[k] = n
	}
	return rows.Err()
}

func (s *Store) records(ctx context.Context, q string, args ...any) ([]Record, error) {
	rows, err := s.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("summary list: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Unresolved lists relations entities declare towards targets that are not
// in the catalog, up to limit.
func (s *Store) unresolved(ctx context.Context, limit int) ([]Relation, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT o.kind, o.namespace, o.name, r.type, r.target_ref
		FROM relations r JOIN entities o ON o.ref = r.source_ref
		WHERE NOT EXISTS (SELECT 1 FROM entities t WHERE t.ref = r.target_ref)
		ORDER BY o.kind, o.name, r.type, r.target_ref LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("unresolved relations: %w", err)
	}
	defer rows.Close()
	var out []Relation
	for rows.Next() {
		var rel Relation
		var key string
		if err := rows.Scan(&rel.Source.Kind, &rel.Source.Namespace, &rel.Source.Name, &rel.Type, &key); err != nil {
			return nil, err
		}
		if t, err := ParseRef(key, "", ""); err == nil {
			rel.Target = t
		}
		rel.TargetRef = rel.Target.String()
		out = append(out, rel)
	}
	return out, rows.Err()
}

// Teams lists every group with its member and owned-entity counts,
// largest first.
func (s *Store) Teams(ctx context.Context) ([]TeamSize, error) { return s.teamSizes(ctx, 10000) }

func (s *Store) teamSizes(ctx context.Context, limit int) ([]TeamSize, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT g.kind, g.namespace, g.name, g.title, g.body,
		(SELECT COUNT(*) FROM (SELECT m.source_ref AS member FROM relations m WHERE m.target_ref = g.ref AND m.type = 'memberOf'
			UNION SELECT m.target_ref FROM relations m WHERE m.source_ref = g.ref AND m.type = 'hasMember') members),
		(SELECT COUNT(*) FROM entities o WHERE o.owner_ref = g.ref)
		FROM entities g WHERE g.kind = 'Group'
		ORDER BY 6 DESC, 7 DESC, g.name LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("team sizes: %w", err)
	}
	defer rows.Close()
	var out []TeamSize
	for rows.Next() {
		var t TeamSize
		var title, body string
		if err := rows.Scan(&t.Ref.Kind, &t.Ref.Namespace, &t.Ref.Name, &title, &body, &t.Members, &t.Owns); err != nil {
			return nil, err
		}
		t.Title = displayTitle(t.Ref.Name, title, body)
		t.RefText = t.Ref.String()
		out = append(out, t)
	}
	return out, rows.Err()
}

// Facets lists the distinct values the catalog filters offer.
type Facets struct {
	Types      []string `json:"types"`
	Lifecycles []string `json:"lifecycles"`
	Owners     []string `json:"owners"`
	Tags       []string `json:"tags"`
}

// Facets returns the values present in the catalog for each filter. They are
// computed once per catalog version, and the same pointer is returned until
// the catalog changes, so callers may cache what they derive from it.
// Callers must not modify it.
func (s *Store) Facets(ctx context.Context) (*Facets, error) {
	return cached(ctx, s, "facets", func() (*Facets, error) { return s.facets(ctx) })
}

func (s *Store) facets(ctx context.Context) (*Facets, error) {
	f := &Facets{}
	for _, q := range []struct {
		dst *[]string
		sql string
	}{
		{&f.Types, `SELECT DISTINCT spec_type FROM entities WHERE spec_type <> '' AND kind <> 'Location' ORDER BY 1`},
		{&f.Lifecycles, `SELECT DISTINCT lifecycle FROM entities WHERE lifecycle <> '' ORDER BY 1`},
		{&f.Owners, `SELECT DISTINCT owner_ref FROM entities WHERE owner_ref <> '' ORDER BY 1`},
		{&f.Tags, `SELECT DISTINCT tag FROM entity_tags ORDER BY 1`},
	} {
		rows, err := s.db.Read().QueryContext(ctx, q.sql)
		if err != nil {
			return nil, fmt.Errorf("facets: %w", err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			*q.dst = append(*q.dst, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return f, nil
}
