package radar

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// Usage sources: a person said so (UI, API), or the entity's descriptor
// declares it (tags, annotation) and SyncUsageFromCatalog keeps it.
const (
	SourceManual  = "manual"
	SourceCatalog = "catalog"
)

// Usage says that a catalog entity uses a technology.
type Usage struct {
	Technology string `json:"technology"`
	Slug       string `json:"slug"`
	Ring       int    `json:"ring"`
	RingName   string `json:"ring_name"`
	// Entity is the catalog key, e.g. "component:default/payments".
	Entity    string    `json:"entity"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

// ComponentTechnologiesInput sets the technologies a component (or another
// entity) uses, by hand.
type ComponentTechnologiesInput struct {
	// Component is a catalog reference; the kind defaults to Component.
	Component string `json:"component"`
	// Technologies are names, matched by Slug.
	Technologies []string `json:"technologies"`
}

// Validate checks the input and drops repeated names.
func (in *ComponentTechnologiesInput) Validate() error {
	in.Component = strings.TrimSpace(in.Component)
	if in.Component == "" {
		return apperr.Field("component", "is required")
	}
	var names []string
	seen := map[string]bool{}
	for i, n := range in.Technologies {
		n = strings.TrimSpace(n)
		if Slug(n) == "" {
			return apperr.Field(fmt.Sprintf("technologies[%d]", i), "needs a technology name")
		}
		if !seen[Slug(n)] {
			seen[Slug(n)] = true
			names = append(names, n)
		}
	}
	in.Technologies = names
	return nil
}

const usageColumns = `t.name, t.slug, t.ring, u.entity_ref, u.source, u.created_at`

func (s *Store) queryUsage(ctx context.Context, q string, args ...any) ([]Usage, error) {
	r, err := s.Radar(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list technology usage: %w", err)
	}
	defer rows.Close()
	out := []Usage{}
	for rows.Next() {
		var u Usage
		var created int64
		if err := rows.Scan(&u.Technology, &u.Slug, &u.Ring, &u.Entity, &u.Source, &created); err != nil {
			return nil, err
		}
		u.CreatedAt = fromUnix(created)
		if u.Ring < len(r.Rings) {
			u.RingName = r.Rings[u.Ring].Name
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ComponentTechnologies returns the technologies an entity uses, by name.
// The reference's kind defaults to Component. It returns invalid for a
// reference that does not parse.
func (s *Store) ComponentTechnologies(ctx context.Context, component string) ([]Usage, error) {
	if strings.TrimSpace(component) == "" {
		return nil, apperr.Field("component", "is required")
	}
	key := refKey(component, "Component")
	return s.queryUsage(ctx, `SELECT `+usageColumns+` FROM radar_usage u JOIN radar_technologies t ON t.id = u.technology_id
		WHERE u.entity_ref = $1 ORDER BY t.slug`, key)
}

// TechnologyUsers returns the entities that use a technology, by key. It
// returns not found for an unknown technology.
func (s *Store) TechnologyUsers(ctx context.Context, name string) ([]Usage, error) {
	t, err := s.Technology(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.queryUsage(ctx, `SELECT `+usageColumns+` FROM radar_usage u JOIN radar_technologies t ON t.id = u.technology_id
		WHERE u.technology_id = $1 ORDER BY u.entity_ref`, t.ID)
}

// usageCounts counts the users of each technology, by id.
func (s *Store) usageCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := s.db.Query(ctx, `SELECT technology_id, COUNT(*) FROM radar_usage GROUP BY technology_id`)
	if err != nil {
		return nil, fmt.Errorf("count technology usage: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// SetComponentTechnologies makes the technologies set by hand for an entity
// exactly in.Technologies. Links the entity's descriptor declares stay
// until the descriptor changes (see SyncUsageFromCatalog); naming one here
// makes it a manual link that a sync leaves alone. It returns invalid for
// an entity not in the catalog or a name that is not on the radar.
func (s *Store) SetComponentTechnologies(ctx context.Context, in ComponentTechnologiesInput) ([]Usage, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	ref, err := s.checkEntity(ctx, "component", in.Component)
	if err != nil {
		return nil, err
	}
	key := ref.Key()
	ids := map[int64]string{}
	var unknown []string
	for _, n := range in.Technologies {
		var id int64
		err := s.db.QueryRow(ctx, `SELECT id FROM radar_technologies WHERE slug = $1`, Slug(n)).Scan(&id)
		if err != nil {
			unknown = append(unknown, n)
			continue
		}
		ids[id] = n
	}
	if len(unknown) > 0 {
		return nil, apperr.Field("technologies", "not on the radar: %s", strings.Join(unknown, ", "))
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT u.technology_id, u.source, t.name FROM radar_usage u JOIN radar_technologies t ON t.id = u.technology_id
			WHERE u.entity_ref = $1`, key)
		if err != nil {
			return fmt.Errorf("read usage: %w", err)
		}
		type link struct{ source, name string }
		have := map[int64]link{}
		var before []string
		for rows.Next() {
			var id int64
			var l link
			if err := rows.Scan(&id, &l.source, &l.name); err != nil {
				rows.Close()
				return err
			}
			have[id] = l
			if l.source == SourceManual {
				before = append(before, l.name)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var after []string
		for id, n := range ids {
			after = append(after, n)
			l, ok := have[id]
			switch {
			case !ok:
				_, err = tx.ExecContext(ctx, `INSERT INTO radar_usage (technology_id, entity_ref, source, created_at) VALUES ($1, $2, $3, $4)`,
					id, key, SourceManual, unix(db.Now()))
			case l.source != SourceManual:
				_, err = tx.ExecContext(ctx, `UPDATE radar_usage SET source = $1 WHERE technology_id = $2 AND entity_ref = $3`, SourceManual, id, key)
			}
			if err != nil {
				return fmt.Errorf("link technology: %w", err)
			}
		}
		for id, l := range have {
			if _, keep := ids[id]; !keep && l.source == SourceManual {
				if _, err := tx.ExecContext(ctx, `DELETE FROM radar_usage WHERE technology_id = $1 AND entity_ref = $2`, id, key); err != nil {
					return fmt.Errorf("unlink technology: %w", err)
				}
			}
		}
		slices.Sort(before)
		slices.Sort(after)
		if slices.Equal(before, after) {
			return nil
		}
		return audit.Record(ctx, tx, "set", "technology_usage", key,
			map[string]audit.Change{"technologies": {Old: strings.Join(before, ", "), New: strings.Join(after, ", ")}})
	})
	if err != nil {
		return nil, err
	}
	return s.ComponentTechnologies(ctx, key)
}
