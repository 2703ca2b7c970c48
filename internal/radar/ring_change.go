package radar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// RingChange is one dated placement decision: a technology entering the
// radar (From is -1), moving between rings, or moving to another quadrant
// (From equals To).
type RingChange struct {
	ID         int64  `json:"id"`
	Technology string `json:"technology"`
	Quadrant   int    `json:"quadrant"`
	From       int    `json:"from"`
	To         int    `json:"to"`
	// FromName is "" when the technology entered the radar.
	FromName  string     `json:"from_name"`
	ToName    string     `json:"to_name"`
	DecidedAt time.Time  `json:"decided_at"`
	DecidedBy string     `json:"decided_by"`
	Reason    string     `json:"reason"`
	ReviewAt  *time.Time `json:"review_at"`
	// Decision is the number of the decision record behind it, 0 if none.
	Decision int `json:"decision"`
	// Experiment is the id of the experiment that proposed it, 0 if none.
	Experiment int64 `json:"experiment"`
}

// IsQuadrantMove reports whether c only moved the technology to another
// quadrant: a change of place, not a ring decision.
func (c RingChange) IsQuadrantMove() bool { return c.From == c.To }

// RingChangeInput moves a technology to another ring.
type RingChangeInput struct {
	// Ring is the new ring's name, matched by Slug.
	Ring string `json:"ring"`
	// DecidedAt defaults to now; it may be earlier (for history being
	// entered late) but not before the technology's last change.
	DecidedAt time.Time `json:"decided_at"`
	DecidedBy string    `json:"decided_by"`
	Reason    string    `json:"reason"`
	// ReviewAt is when to look at the decision again, if ever.
	ReviewAt *time.Time `json:"review_at"`
	// Decision cites a decision record by number; 0 cites none.
	Decision int `json:"decision"`
}

// Validate checks the input; the store matches the ring.
func (in *RingChangeInput) Validate() error {
	in.Ring = strings.TrimSpace(in.Ring)
	in.DecidedBy = strings.TrimSpace(in.DecidedBy)
	in.Reason = strings.TrimSpace(in.Reason)
	switch {
	case in.Ring == "":
		return apperr.Field("ring", "is required")
	case in.DecidedBy == "":
		return apperr.Field("decided_by", "is required: who made the decision")
	case len(in.DecidedBy) > 200:
		return apperr.Field("decided_by", "is longer than 200 characters")
	case in.Reason == "":
		return apperr.Field("reason", "is required: why the ring changes")
	case len(in.Reason) > 5000:
		return apperr.Field("reason", "is longer than 5000 characters")
	case in.Decision < 0:
		return apperr.Field("decision", "must be a decision number")
	}
	if in.ReviewAt != nil && !in.DecidedAt.IsZero() && in.ReviewAt.Before(in.DecidedAt) {
		return apperr.Field("review_at", "is before the decision")
	}
	return nil
}

// ChangeRing moves a technology to another ring, recording the decision.
// The technology's marker becomes in or out. It returns not found for an
// unknown technology, invalid for bad input, the same ring, a date before
// the last change or an unknown decision number.
func (s *Store) ChangeRing(ctx context.Context, name string, in RingChangeInput) (RingChange, error) {
	if err := in.Validate(); err != nil {
		return RingChange{}, err
	}
	if err := checkDecidedAt(in.DecidedAt, s.now()); err != nil {
		return RingChange{}, err
	}
	var c RingChange
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		// History must stay in time order; two moves at once would both
		// read the same last change.
		if err := tx.Serialize(ctx, radarLock); err != nil {
			return err
		}
		r, err := s.radarTx(ctx, tx)
		if err != nil {
			return err
		}
		t, err := technologyTx(ctx, tx, r, name)
		if err != nil {
			return err
		}
		to, err := r.ring("ring", in.Ring)
		if err != nil {
			return err
		}
		c, err = changeRing(ctx, tx, r, t, to, in, 0)
		return err
	})
	return c, err
}

// changeRing records the move of t to ring to, in tx, citing experiment
// when not 0.
func changeRing(ctx context.Context, tx *db.Tx, r Radar, t Technology, to int, in RingChangeInput, experiment int64) (RingChange, error) {
	c := RingChange{Technology: t.Name, Quadrant: t.Quadrant, From: t.Ring, To: to, DecidedBy: in.DecidedBy, Reason: in.Reason,
		ReviewAt: in.ReviewAt, Decision: in.Decision, Experiment: experiment}
	if to == t.Ring {
		return c, apperr.Field("ring", "%s is in %s already", t.Name, r.Rings[to].Name)
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(decided_at), 0) FROM radar_ring_changes WHERE technology_id = $1`, t.ID).Scan(&last); err != nil {
		return c, fmt.Errorf("last ring change: %w", err)
	}
	c.DecidedAt = in.DecidedAt.UTC().Truncate(time.Second)
	if in.DecidedAt.IsZero() {
		c.DecidedAt = db.Now()
		if c.DecidedAt.Unix() < last {
			c.DecidedAt = fromUnix(last)
		}
	}
	if c.DecidedAt.Unix() < last {
		return c, apperr.Field("decided_at", "is before the last change of %s (%s)", t.Name, fromUnix(last).Format(time.RFC3339))
	}
	if c.ReviewAt != nil {
		v := c.ReviewAt.UTC().Truncate(time.Second)
		c.ReviewAt = &v
		if v.Before(c.DecidedAt) {
			return c, apperr.Field("review_at", "is before the decision")
		}
	}
	var decisionID any
	if in.Decision > 0 {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM radar_decisions WHERE number = $1`, in.Decision).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return c, apperr.Field("decision", "there is no decision number %d", in.Decision)
		}
		if err != nil {
			return c, fmt.Errorf("find decision: %w", err)
		}
		decisionID = id
	}
	var experimentID any
	if experiment > 0 {
		experimentID = experiment
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO radar_ring_changes (technology_id, quadrant, from_ring, to_ring, decided_at, decided_by, reason, review_at, decision_id, experiment_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		t.ID, t.Quadrant, t.Ring, to, unix(c.DecidedAt), c.DecidedBy, c.Reason, unixPtr(c.ReviewAt), decisionID, experimentID).Scan(&c.ID)
	if err != nil {
		return c, fmt.Errorf("insert ring change: %w", err)
	}
	marker := MarkerOut
	if to < t.Ring {
		marker = MarkerIn
	}
	_, err = tx.ExecContext(ctx, `UPDATE radar_technologies SET ring = $1, marker = $2, updated_at = $3 WHERE id = $4`, to, string(marker), unix(db.Now()), t.ID)
	if err != nil {
		return c, fmt.Errorf("move technology: %w", err)
	}
	c.FromName, c.ToName = r.Rings[t.Ring].Name, r.Rings[to].Name
	changes := map[string]audit.Change{"ring": {Old: c.FromName, New: c.ToName}, "reason": {New: c.Reason}, "decided_by": {New: c.DecidedBy},
		"decided_at": {New: c.DecidedAt.Format(time.RFC3339)}}
	if c.Decision > 0 {
		changes["decision"] = audit.Change{New: c.Decision}
	}
	if experiment > 0 {
		changes["experiment"] = audit.Change{New: experiment}
	}
	return c, audit.Record(ctx, tx, "change_ring", "technology", t.Name, changes)
}

const ringChangeColumns = `c.id, t.name, c.quadrant, COALESCE(c.from_ring, -1), c.to_ring, c.decided_at, c.decided_by, c.reason, c.review_at,
	COALESCE(d.number, 0), COALESCE(c.experiment_id, 0)`

const ringChangeFrom = ` FROM radar_ring_changes c JOIN radar_technologies t ON t.id = c.technology_id
	LEFT JOIN radar_decisions d ON d.id = c.decision_id`

func scanRingChange(row interface{ Scan(...any) error }, r Radar) (RingChange, error) {
	var c RingChange
	var at int64
	var review sql.NullInt64
	if err := row.Scan(&c.ID, &c.Technology, &c.Quadrant, &c.From, &c.To, &at, &c.DecidedBy, &c.Reason, &review, &c.Decision, &c.Experiment); err != nil {
		return c, err
	}
	c.DecidedAt, c.ReviewAt = fromUnix(at), fromUnixPtr(review)
	if c.From >= 0 && c.From < len(r.Rings) {
		c.FromName = r.Rings[c.From].Name
	}
	if c.To >= 0 && c.To < len(r.Rings) {
		c.ToName = r.Rings[c.To].Name
	}
	return c, nil
}

// RingChanges returns a technology's history, oldest first. It returns not
// found for an unknown technology.
func (s *Store) RingChanges(ctx context.Context, name string) ([]RingChange, error) {
	t, err := s.Technology(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.queryRingChanges(ctx, `SELECT `+ringChangeColumns+ringChangeFrom+` WHERE c.technology_id = $1 ORDER BY c.decided_at, c.id`, t.ID)
}

// ReviewsDue returns the latest ring decision of each technology whose
// review date is at or before at, soonest first: decisions to look at again.
// Quadrant moves are no ring decisions and leave a review due.
func (s *Store) ReviewsDue(ctx context.Context, at time.Time) ([]RingChange, error) {
	return s.queryRingChanges(ctx, `SELECT `+ringChangeColumns+ringChangeFrom+`
		WHERE c.review_at IS NOT NULL AND c.review_at <= $1
		AND c.id = (SELECT c2.id FROM radar_ring_changes c2 WHERE c2.technology_id = c.technology_id
			AND (c2.from_ring IS NULL OR c2.from_ring <> c2.to_ring) ORDER BY c2.decided_at DESC, c2.id DESC LIMIT 1)
		ORDER BY c.review_at, t.slug`, unix(at))
}

// DecisionRingChanges returns the ring changes that cite decision number,
// oldest first, whether or not the decision links their technologies.
func (s *Store) DecisionRingChanges(ctx context.Context, number int) ([]RingChange, error) {
	return s.queryRingChanges(ctx, `SELECT `+ringChangeColumns+ringChangeFrom+`
		WHERE c.decision_id = (SELECT id FROM radar_decisions WHERE number = $1) ORDER BY c.decided_at, c.id`, number)
}

// allRingChanges returns every ring change up to at, by technology and time.
func (s *Store) allRingChanges(ctx context.Context, r Radar, at time.Time) ([]RingChange, error) {
	return s.queryRingChangesIn(ctx, r, `SELECT `+ringChangeColumns+ringChangeFrom+` WHERE c.decided_at <= $1 ORDER BY c.technology_id, c.decided_at, c.id`, unix(at))
}

func (s *Store) queryRingChanges(ctx context.Context, q string, args ...any) ([]RingChange, error) {
	r, err := s.Radar(ctx)
	if err != nil {
		return nil, err
	}
	return s.queryRingChangesIn(ctx, r, q, args...)
}

func (s *Store) queryRingChangesIn(ctx context.Context, r Radar, q string, args ...any) ([]RingChange, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list ring changes: %w", err)
	}
	defer rows.Close()
	out := []RingChange{}
	for rows.Next() {
		c, err := scanRingChange(rows, r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
