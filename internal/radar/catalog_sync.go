package radar

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

// TechnologiesAnnotation is the descriptor annotation that lists the
// technologies an entity uses, comma-separated.
const TechnologiesAnnotation = "chief.dev/technologies"

// usageKinds are the catalog kinds whose descriptors declare technologies:
// things built or run with them.
var usageKinds = []string{"Component", "API", "Resource"}

// Declaration is what a descriptor says about the technologies it uses.
type Declaration struct {
	// Tags are metadata.tags; a tag counts only when it names a technology
	// on the radar, since most tags are about something else.
	Tags []string `json:"tags"`
	// Annotated are the entries of the chief.dev/technologies annotation;
	// each is meant to name a technology, and one that does not is reported.
	Annotated []string `json:"annotated"`
}

// Declared reads an entity's tags and chief.dev/technologies annotation.
func Declared(e catalog.Entity) Declaration {
	d := Declaration{Tags: slices.Clone(e.Metadata.Tags)}
	for _, part := range strings.Split(e.Metadata.Annotations[TechnologiesAnnotation], ",") {
		if part = strings.TrimSpace(part); part != "" {
			d.Annotated = append(d.Annotated, part)
		}
	}
	return d
}

// Unmatched is an annotation entry that names no technology on the radar.
type Unmatched struct {
	Entity string `json:"entity"`
	Name   string `json:"name"`
}

// SyncResult says what SyncUsageFromCatalog changed.
type SyncResult struct {
	// Entities counts the descriptors read.
	Entities  int         `json:"entities"`
	Linked    []Usage     `json:"linked"`
	Unlinked  []Usage     `json:"unlinked"`
	Unmatched []Unmatched `json:"unmatched"`
}

// syncLock serializes syncs on PostgreSQL.
const syncLock = 74260601

// SyncUsageFromCatalog links every component, API and resource to the
// technologies its descriptor declares (tags naming a technology, and the
// chief.dev/technologies annotation), and removes catalog links the
// descriptors no longer declare. Manual links are left alone. Annotation
// entries that match no technology are reported, not created. Running it
// twice changes nothing the second time.
func (s *Store) SyncUsageFromCatalog(ctx context.Context) (SyncResult, error) {
	var res SyncResult
	bySlug := map[string]Technology{}
	r, err := s.Radar(ctx)
	if err != nil {
		return res, err
	}
	techs, err := s.queryTechnologies(ctx, r, `SELECT `+technologyColumns+` FROM radar_technologies`)
	if err != nil {
		return res, err
	}
	for _, t := range techs {
		bySlug[t.Slug] = t
	}
	type pair struct {
		tech   int64
		entity string
	}
	want := map[pair]bool{}
	for _, kind := range usageKinds {
		q := catalog.Query{Kind: kind, Full: true, Limit: catalog.MaxLimit}
		for {
			page, err := s.catalog.List(ctx, q)
			if err != nil {
				return res, fmt.Errorf("read catalog: %w", err)
			}
			for _, rec := range page.Items {
				res.Entities++
				key := rec.Entity.Ref().Key()
				d := Declared(rec.Entity)
				for _, tag := range d.Tags {
					if t, ok := bySlug[Slug(tag)]; ok {
						want[pair{t.ID, key}] = true
					}
				}
				for _, name := range d.Annotated {
					if t, ok := bySlug[Slug(name)]; ok {
						want[pair{t.ID, key}] = true
					} else {
						res.Unmatched = append(res.Unmatched, Unmatched{Entity: key, Name: name})
					}
				}
			}
			if page.NextCursor == "" {
				break
			}
			q.Cursor = page.NextCursor
		}
	}
	byID := map[int64]Technology{}
	for _, t := range techs {
		byID[t.ID] = t
	}
	usage := func(p pair, source string) Usage {
		t := byID[p.tech]
		return Usage{Technology: t.Name, Slug: t.Slug, Ring: t.Ring, RingName: t.RingName, Entity: p.entity, Source: source}
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		res.Linked, res.Unlinked = nil, nil
		if err := tx.Serialize(ctx, syncLock); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT technology_id, entity_ref, source FROM radar_usage`)
		if err != nil {
			return fmt.Errorf("read usage: %w", err)
		}
		have := map[pair]string{}
		for rows.Next() {
			var p pair
			var source string
			if err := rows.Scan(&p.tech, &p.entity, &source); err != nil {
				rows.Close()
				return err
			}
			have[p] = source
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		w := audit.NewWriter(ctx, tx)
		now := unix(db.Now())
		for p := range want {
			if _, ok := have[p]; ok {
				continue
			}
			if _, ok := byID[p.tech]; !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO radar_usage (technology_id, entity_ref, source, created_at) VALUES ($1, $2, $3, $4)`,
				p.tech, p.entity, SourceCatalog, now); err != nil {
				return fmt.Errorf("link technology: %w", err)
			}
			u := usage(p, SourceCatalog)
			res.Linked = append(res.Linked, u)
			if err := w.Add(ctx, "link", "technology_usage", p.entity, map[string]audit.Change{"technology": {New: u.Technology}}); err != nil {
				return err
			}
		}
		for p, source := range have {
			if source != SourceCatalog || want[p] {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM radar_usage WHERE technology_id = $1 AND entity_ref = $2`, p.tech, p.entity); err != nil {
				return fmt.Errorf("unlink technology: %w", err)
			}
			u := usage(p, SourceCatalog)
			res.Unlinked = append(res.Unlinked, u)
			if err := w.Add(ctx, "unlink", "technology_usage", p.entity, map[string]audit.Change{"technology": {Old: u.Technology}}); err != nil {
				return err
			}
		}
		return w.Flush(ctx)
	})
	sortUsage(res.Linked)
	sortUsage(res.Unlinked)
	return res, err
}

func sortUsage(list []Usage) {
	slices.SortFunc(list, func(a, b Usage) int {
		if c := strings.Compare(a.Entity, b.Entity); c != 0 {
			return c
		}
		return strings.Compare(a.Slug, b.Slug)
	})
}
