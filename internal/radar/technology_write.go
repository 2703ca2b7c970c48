package radar

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// ownerKey is the stored form of an owner reference: a group unless it
// says otherwise.
func ownerKey(raw string) string {
	if raw == "" {
		return ""
	}
	return strings.ToLower(refKey(raw, "Group"))
}

// resolved is a technology input matched against the radar and catalog.
type resolved struct {
	quadrant, ring int
	owner          string
}

// resolve matches in's quadrant, ring and owner. Ring may be empty when
// ringOptional.
func (s *Store) resolve(ctx context.Context, r Radar, in *TechnologyInput, ringOptional bool) (resolved, error) {
	var out resolved
	var err error
	if out.quadrant, err = r.quadrant("quadrant", in.Quadrant); err != nil {
		return out, err
	}
	out.ring = -1
	if in.Ring != "" || !ringOptional {
		if out.ring, err = r.ring("ring", in.Ring); err != nil {
			return out, err
		}
	}
	if in.Owner != "" {
		ref, err := s.checkEntity(ctx, "owner", in.Owner, "Group", "User")
		if err != nil {
			return out, err
		}
		out.owner = ref.Key()
	}
	return out, nil
}

// CreateTechnology adds a technology to the radar with its first ring
// decision, made by the actor in ctx. It returns invalid for bad input
// (unknown quadrant, ring or owner included) and conflict when a
// technology of the same slug exists.
func (s *Store) CreateTechnology(ctx context.Context, in TechnologyInput) (Technology, error) {
	if err := in.Validate(); err != nil {
		return Technology{}, err
	}
	r, err := s.Radar(ctx)
	if err != nil {
		return Technology{}, err
	}
	res, err := s.resolve(ctx, r, &in, false)
	if err != nil {
		return Technology{}, err
	}
	if err := checkDecidedAt(in.DecidedAt, s.now()); err != nil {
		return Technology{}, err
	}
	var t Technology
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		t = Technology{Name: in.Name, Slug: Slug(in.Name), Quadrant: res.quadrant, Ring: res.ring, Description: in.Description,
			Links: in.Links, Tags: in.Tags, Owner: res.owner, Marker: MarkerNew}
		reason := in.Reason
		if reason == "" {
			reason = "Added to the radar"
		}
		return insertTechnology(ctx, tx, &t, r, in.DecidedAt, reason)
	})
	return t, err
}

// checkDecidedAt refuses decision times in the future.
func checkDecidedAt(at, now time.Time) error {
	if !at.IsZero() && at.After(now.Add(time.Minute)) {
		return apperr.Field("decided_at", "%s is in the future", at.UTC().Format(time.RFC3339))
	}
	return nil
}

// insertTechnology stores t with its first ring decision at decidedAt (now
// when zero), in tx.
func insertTechnology(ctx context.Context, tx *db.Tx, t *Technology, r Radar, decidedAt time.Time, reason string) error {
	now := db.Now()
	if decidedAt.IsZero() {
		decidedAt = now
	}
	if t.Links == nil {
		t.Links = []Link{}
	}
	if t.Tags == nil {
		t.Tags = []string{}
	}
	links, _ := json.Marshal(t.Links)
	tags, _ := json.Marshal(t.Tags)
	extra, _ := json.Marshal(t.extra)
	if t.extra == nil {
		extra = []byte("{}")
	}
	if t.Position == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM radar_technologies`).Scan(&t.Position); err != nil {
			return fmt.Errorf("next position: %w", err)
		}
	}
	t.CreatedAt, t.UpdatedAt = decidedAt.UTC().Truncate(time.Second), now
	err := tx.QueryRowContext(ctx, `INSERT INTO radar_technologies (name, slug, quadrant, ring, description, links, tags, owner_ref, marker, position, extra, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		t.Name, t.Slug, t.Quadrant, t.Ring, t.Description, string(links), string(tags), t.Owner, string(t.Marker), t.Position, string(extra),
		unix(t.CreatedAt), unix(now)).Scan(&t.ID)
	if db.IsUniqueViolation(err) {
		return &apperr.Error{Code: apperr.Conflict, Field: "name", Message: fmt.Sprintf("a technology named %q (or spelt alike) is on the radar already", t.Name)}
	}
	if err != nil {
		return fmt.Errorf("insert technology: %w", err)
	}
	t.name(r)
	_, err = tx.ExecContext(ctx, `INSERT INTO radar_ring_changes (technology_id, quadrant, from_ring, to_ring, decided_at, decided_by, reason)
		VALUES ($1, $2, NULL, $3, $4, $5, $6)`, t.ID, t.Quadrant, t.Ring, unix(t.CreatedAt), actor(ctx), reason)
	if err != nil {
		return fmt.Errorf("insert first ring decision: %w", err)
	}
	return audit.Record(ctx, tx, "create", "technology", t.Name, audit.Diff(nil, t.fields()))
}

// fields are the audited values of t.
func (t *Technology) fields() map[string]any {
	links, _ := json.Marshal(nonNil(t.Links))
	tags, _ := json.Marshal(nonNil(t.Tags))
	return map[string]any{"name": t.Name, "quadrant": t.QuadrantName, "ring": t.RingName, "description": t.Description,
		"links": string(links), "tags": string(tags), "owner": t.Owner, "marker": string(t.Marker)}
}

// UpdateTechnology changes a technology's name, quadrant, description,
// links, tags and owner. A quadrant move is recorded in the technology's
// history. It returns not found, invalid (a ring different from the
// current one included: use ChangeRing) and conflict for a taken name.
func (s *Store) UpdateTechnology(ctx context.Context, name string, in TechnologyInput) (Technology, error) {
	if err := in.Validate(); err != nil {
		return Technology{}, err
	}
	var t Technology
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		// The technology is read here, after any ring change under way:
		// a quadrant move records the ring the technology is in.
		if err := tx.Serialize(ctx, radarLock); err != nil {
			return err
		}
		r, err := s.radarTx(ctx, tx)
		if err != nil {
			return err
		}
		old, err := technologyTx(ctx, tx, r, name)
		if err != nil {
			return err
		}
		res, err := s.resolve(ctx, r, &in, true)
		if err != nil {
			return err
		}
		if res.ring >= 0 && res.ring != old.Ring {
			return apperr.Field("ring", "change the ring with a ring change, which records who decided and why")
		}
		t = old
		t.Name, t.Slug, t.Quadrant, t.Description, t.Links, t.Tags, t.Owner = in.Name, Slug(in.Name), res.quadrant, in.Description, in.Links, in.Tags, res.owner
		t.Links, t.Tags = nonNil(t.Links), nonNil(t.Tags)
		t.name(r)
		_, err = updateTechnology(ctx, tx, old, &t, "Moved to quadrant "+t.QuadrantName)
		return err
	})
	if err != nil {
		return Technology{}, err
	}
	return t, nil
}

// updateTechnology writes t over old, in tx, recording a quadrant move with
// reason. It writes nothing, and returns false, when nothing changed.
func updateTechnology(ctx context.Context, tx *db.Tx, old Technology, t *Technology, reason string) (bool, error) {
	changes := audit.Diff(old.fields(), t.fields())
	oldExtra, _ := json.Marshal(old.extra)
	extra, _ := json.Marshal(t.extra)
	if t.extra == nil {
		extra = []byte("{}")
	}
	if string(oldExtra) != string(extra) {
		changes["extra"] = audit.Change{Old: string(oldExtra), New: string(extra)}
	}
	if old.Position != t.Position {
		changes["position"] = audit.Change{Old: old.Position, New: t.Position}
	}
	if len(changes) == 0 {
		return false, nil
	}
	now := db.Now()
	t.UpdatedAt = now
	links, _ := json.Marshal(t.Links)
	tags, _ := json.Marshal(t.Tags)
	_, err := tx.ExecContext(ctx, `UPDATE radar_technologies SET name = $1, slug = $2, quadrant = $3, description = $4, links = $5, tags = $6,
		owner_ref = $7, marker = $8, position = $9, extra = $10, updated_at = $11 WHERE id = $12`,
		t.Name, t.Slug, t.Quadrant, t.Description, string(links), string(tags), t.Owner, string(t.Marker), t.Position, string(extra), unix(now), t.ID)
	if db.IsUniqueViolation(err) {
		return false, &apperr.Error{Code: apperr.Conflict, Field: "name", Message: fmt.Sprintf("a technology named %q (or spelt alike) is on the radar already", t.Name)}
	}
	if err != nil {
		return false, fmt.Errorf("update technology: %w", err)
	}
	if t.Quadrant != old.Quadrant {
		_, err = tx.ExecContext(ctx, `INSERT INTO radar_ring_changes (technology_id, quadrant, from_ring, to_ring, decided_at, decided_by, reason)
			VALUES ($1, $2, $3, $3, $4, $5, $6)`, t.ID, t.Quadrant, t.Ring, unix(now), actor(ctx), reason)
		if err != nil {
			return false, fmt.Errorf("record quadrant move: %w", err)
		}
	}
	return true, audit.Record(ctx, tx, "update", "technology", t.Name, changes)
}

// DeleteTechnology removes a technology with its history, usage and
// experiments; decisions stay, without the link. It returns not found.
func (s *Store) DeleteTechnology(ctx context.Context, name string) error {
	t, err := s.Technology(ctx, name)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		// Experiments go first: ring changes citing them lose the link
		// before the technology's history goes.
		for _, q := range []string{
			`DELETE FROM radar_ring_changes WHERE technology_id = $1`,
			`DELETE FROM radar_experiments WHERE technology_id = $1`,
			`DELETE FROM radar_usage WHERE technology_id = $1`,
			`DELETE FROM radar_decision_technologies WHERE technology_id = $1`,
			`DELETE FROM radar_technologies WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, t.ID); err != nil {
				return fmt.Errorf("delete technology: %w", err)
			}
		}
		return audit.Record(ctx, tx, "delete", "technology", t.Name, audit.Diff(t.fields(), nil))
	})
}
