package catalog

import (
	"context"
	"fmt"
	"sort"
)

// Relations returns every relation from the entity at ref, those it declares
// and those others declare towards it, each marked resolved when its target
// exists.
func (s *Store) Relations(ctx context.Context, ref Ref) ([]Relation, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT DISTINCT r.type, r.target_ref, e.kind, e.namespace, e.name, e.title, e.spec
		FROM relations r LEFT JOIN entities e ON e.ref = r.target_ref
		WHERE r.source_ref = $1`, ref.Key())
	if err != nil {
		return nil, fmt.Errorf("relations of %s: %w", ref, err)
	}
	defer rows.Close()
	var out []Relation
	for rows.Next() {
		var rel Relation
		var targetKey string
		var kind, ns, name, title, spec *string
		if err := rows.Scan(&rel.Type, &targetKey, &kind, &ns, &name, &title, &spec); err != nil {
			return nil, err
		}
		rel.Source = ref
		if kind != nil {
			rel.Resolved = true
			rel.Target = Ref{Kind: *kind, Namespace: *ns, Name: *name}
			rel.TargetTitle = displayTitle(*name, *title, *spec)
		} else if t, err := ParseRef(targetKey, "", ""); err == nil {
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
// profile's display name, or its name.
func displayTitle(name, title, spec string) string {
	if title != "" {
		return title
	}
	e := Entity{Metadata: Metadata{Name: name}}
	if err := jsonUnmarshal(spec, &e.Spec); err == nil {
		return e.DisplayName()
	}
	return name
}
