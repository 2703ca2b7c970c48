package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
)

// Relations returns every relation from the entity at ref: those it
// declares, and those others declare towards it read the other way. Each is
// marked resolved when its other end exists.
func (s *Store) Relations(ctx context.Context, ref Ref) ([]Relation, error) {
	rows, err := s.db.Query(ctx, `SELECT x.dir, x.type, x.other, e.kind, e.namespace, e.name, e.title, e.body
		FROM (SELECT 0 AS dir, type, target_ref AS other FROM relations WHERE source_ref = $1
		      UNION ALL
		      SELECT 1 AS dir, type, source_ref AS other FROM relations WHERE target_ref = $1) x
		LEFT JOIN entities e ON e.ref = x.other`, ref.Key())
	if err != nil {
		return nil, fmt.Errorf("relations of %s: %w", ref, err)
	}
	defer rows.Close()
	var out []Relation
	seen := map[[2]string]bool{}
	for rows.Next() {
		var rel Relation
		var dir int
		var other string
		var kind, ns, name, title, body *string
		if err := rows.Scan(&dir, &rel.Type, &other, &kind, &ns, &name, &title, &body); err != nil {
			return nil, err
		}
		if dir == 1 {
			rel.Type = Inverse(rel.Type)
		}
		if seen[[2]string{rel.Type, other}] {
			continue
		}
		seen[[2]string{rel.Type, other}] = true
		rel.Source = ref
		if kind != nil {
			rel.Resolved = true
			rel.Target = Ref{Kind: *kind, Namespace: *ns, Name: *name}
			rel.TargetTitle = displayTitle(*name, *title, *body)
		} else if t, err := ParseRef(other, "", ""); err == nil {
			rel.Target = t
		}
		rel.TargetRef = rel.Target.String()
		out = append(out, rel)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].TargetRef < out[j].TargetRef
	})
	return out, nil
}

// displayTitle picks what to call a related entity: its title, its
// profile's display name (read from its descriptor), or its name.
func displayTitle(name, title, body string) string {
	if title != "" {
		return title
	}
	var e Entity
	if err := json.Unmarshal([]byte(body), &e); err == nil {
		e.Metadata.Name = name
		return e.DisplayName()
	}
	return name
}
