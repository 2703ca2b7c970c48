package radar

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// links are a decision's links resolved to ids and keys.
type links struct {
	techs    []int64
	names    []string
	entities []string
}

// resolveLinks matches technology names and entity references.
func (s *Store) resolveLinks(ctx context.Context, in *DecisionInput) (links, error) {
	var l links
	var unknown []string
	for _, n := range in.Technologies {
		var id int64
		var name string
		err := s.db.QueryRow(ctx, `SELECT id, name FROM radar_technologies WHERE slug = $1`, Slug(n)).Scan(&id, &name)
		if errors.Is(err, sql.ErrNoRows) {
			unknown = append(unknown, n)
			continue
		}
		if err != nil {
			return l, err
		}
		if !slices.Contains(l.techs, id) {
			l.techs, l.names = append(l.techs, id), append(l.names, name)
		}
	}
	if len(unknown) > 0 {
		return l, apperr.Field("technologies", "not on the radar: %s", strings.Join(unknown, ", "))
	}
	for i, e := range in.Entities {
		ref, err := s.checkEntity(ctx, fmt.Sprintf("entities[%d]", i), e)
		if err != nil {
			return l, err
		}
		if !slices.Contains(l.entities, ref.Key()) {
			l.entities = append(l.entities, ref.Key())
		}
	}
	sortLinks(l.names, l.entities)
	return l, nil
}

// CreateDecision stores a new decision record. It returns invalid for bad
// input, unknown links or a superseding number that does not exist, and
// conflict for a number in use.
func (s *Store) CreateDecision(ctx context.Context, in DecisionInput) (Decision, error) {
	if err := in.Validate(); err != nil {
		return Decision{}, err
	}
	l, err := s.resolveLinks(ctx, &in)
	if err != nil {
		return Decision{}, err
	}
	var d Decision
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if in.Number == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM radar_decisions`).Scan(&in.Number); err != nil {
				return fmt.Errorf("next decision number: %w", err)
			}
		}
		if err := checkSuperseding(ctx, tx, in.Number, in.SupersededBy); err != nil {
			return err
		}
		d = fromInput(in)
		if err := insertDecision(ctx, tx, &d); err != nil {
			return err
		}
		return setDecisionLinks(ctx, tx, &d, l)
	})
	return d, err
}

func fromInput(in DecisionInput) Decision {
	return Decision{Number: in.Number, Title: in.Title, Date: in.Date, Status: in.Status, SupersededBy: in.SupersededBy,
		Deciders: in.Deciders, Body: in.Body}
}

// checkSuperseding makes sure that decision number may be superseded by
// decision by, in tx: by exists, and the chain of replacements from by does
// not lead back to number, which would leave no decision in force. 0
// passes.
func checkSuperseding(ctx context.Context, tx *db.Tx, number, by int) error {
	seen := map[int]bool{}
	for n := by; n != 0; {
		if n == number {
			return apperr.Field("superseded_by", "decision %d is itself replaced, directly or in turn, by decision %d; a decision cannot be replaced by one it replaces", by, number)
		}
		if seen[n] {
			return nil // a loop among the others, which this change neither makes nor mends
		}
		seen[n] = true
		var next int
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(superseded_by, 0) FROM radar_decisions WHERE number = $1`, n).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			if n == by {
				return apperr.Field("superseded_by", "there is no decision number %d", n)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("follow superseding decisions: %w", err)
		}
		n = next
	}
	return nil
}

func (d *Decision) fields() map[string]any {
	deciders, _ := json.Marshal(nonNil(d.Deciders))
	extra, _ := json.Marshal(d.extra)
	date := ""
	if !d.Date.IsZero() {
		date = d.Date.Format(dateLayout)
	}
	return map[string]any{"number": d.Number, "title": d.Title, "date": date, "status": string(d.Status), "superseded_by": d.SupersededBy,
		"deciders": string(deciders), "body": d.Body, "layout": string(d.Layout), "file_name": d.FileName, "extra": string(extra)}
}

func dateArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return unix(t)
}

func intArg(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// insertDecision stores d, in tx.
func insertDecision(ctx context.Context, tx *db.Tx, d *Decision) error {
	if d.Deciders == nil {
		d.Deciders = []string{}
	}
	deciders, _ := json.Marshal(d.Deciders)
	extra, _ := json.Marshal(d.extra)
	now := db.Now()
	d.CreatedAt, d.UpdatedAt = now, now
	err := tx.QueryRowContext(ctx, `INSERT INTO radar_decisions (number, title, decided_on, status, superseded_by, deciders, body, layout, file_name, extra, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		d.Number, d.Title, dateArg(d.Date), string(d.Status), intArg(d.SupersededBy), string(deciders), d.Body, string(d.Layout), d.FileName,
		string(extra), unix(now)).Scan(&d.ID)
	if db.IsUniqueViolation(err) {
		return &apperr.Error{Code: apperr.Conflict, Field: "number", Message: fmt.Sprintf("decision number %d exists already", d.Number)}
	}
	if err != nil {
		return fmt.Errorf("insert decision: %w", err)
	}
	return audit.Record(ctx, tx, "create", "decision", fmt.Sprint(d.Number), audit.Diff(nil, d.fields()))
}

// updateDecision writes d over old, in tx; nothing when nothing changed.
func updateDecision(ctx context.Context, tx *db.Tx, old Decision, d *Decision) (bool, error) {
	changes := audit.Diff(old.fields(), d.fields())
	if len(changes) == 0 {
		return false, nil
	}
	if d.Deciders == nil {
		d.Deciders = []string{}
	}
	deciders, _ := json.Marshal(d.Deciders)
	extra, _ := json.Marshal(d.extra)
	d.UpdatedAt = db.Now()
	_, err := tx.ExecContext(ctx, `UPDATE radar_decisions SET title = $1, decided_on = $2, status = $3, superseded_by = $4, deciders = $5, body = $6,
		layout = $7, file_name = $8, extra = $9, updated_at = $10 WHERE id = $11`,
		d.Title, dateArg(d.Date), string(d.Status), intArg(d.SupersededBy), string(deciders), d.Body, string(d.Layout), d.FileName, string(extra),
		unix(d.UpdatedAt), d.ID)
	if err != nil {
		return false, fmt.Errorf("update decision: %w", err)
	}
	return true, audit.Record(ctx, tx, "update", "decision", fmt.Sprint(d.Number), changes)
}

// setDecisionLinks replaces d's links, in tx, auditing a change.
func setDecisionLinks(ctx context.Context, tx *db.Tx, d *Decision, l links) error {
	if l.names == nil {
		l.names = []string{}
	}
	if l.entities == nil {
		l.entities = []string{}
	}
	if slices.Equal(d.Technologies, l.names) && slices.Equal(d.Entities, l.entities) && d.Technologies != nil {
		return nil
	}
	for _, q := range []string{`DELETE FROM radar_decision_technologies WHERE decision_id = $1`, `DELETE FROM radar_decision_entities WHERE decision_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, d.ID); err != nil {
			return fmt.Errorf("replace decision links: %w", err)
		}
	}
	for _, id := range l.techs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO radar_decision_technologies (decision_id, technology_id) VALUES ($1, $2)`, d.ID, id); err != nil {
			return fmt.Errorf("link decision: %w", err)
		}
	}
	for _, ref := range l.entities {
		if _, err := tx.ExecContext(ctx, `INSERT INTO radar_decision_entities (decision_id, entity_ref) VALUES ($1, $2)`, d.ID, ref); err != nil {
			return fmt.Errorf("link decision: %w", err)
		}
	}
	changes := audit.Diff(
		map[string]any{"technologies": strings.Join(d.Technologies, ", "), "entities": strings.Join(d.Entities, ", ")},
		map[string]any{"technologies": strings.Join(l.names, ", "), "entities": strings.Join(l.entities, ", ")})
	d.Technologies, d.Entities = l.names, l.entities
	if len(changes) == 0 {
		return nil
	}
	return audit.Record(ctx, tx, "link", "decision", fmt.Sprint(d.Number), changes)
}

// UpdateDecision changes a decision record and its links; the number stays
// (in.Number must be 0 or the same). The file layout it came from is kept.
// It returns not found, and invalid as CreateDecision does.
func (s *Store) UpdateDecision(ctx context.Context, number int, in DecisionInput) (Decision, error) {
	if in.Number == 0 {
		in.Number = number
	}
	if in.Number != number {
		return Decision{}, apperr.Field("number", "a decision keeps its number; make a new one that supersedes it instead")
	}
	if err := in.Validate(); err != nil {
		return Decision{}, err
	}
	old, err := s.Decision(ctx, number)
	if err != nil {
		return old, err
	}
	l, err := s.resolveLinks(ctx, &in)
	if err != nil {
		return old, err
	}
	d := old
	n := fromInput(in)
	d.Title, d.Date, d.Status, d.SupersededBy, d.Deciders, d.Body = n.Title, n.Date, n.Status, n.SupersededBy, n.Deciders, n.Body
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if err := checkSuperseding(ctx, tx, number, in.SupersededBy); err != nil {
			return err
		}
		if _, err := updateDecision(ctx, tx, old, &d); err != nil {
			return err
		}
		return setDecisionLinks(ctx, tx, &d, l)
	})
	return d, err
}

// DeleteDecision removes a decision record; ring changes citing it lose the
// citation. It returns not found, and conflict while another decision
// names it as its replacement.
func (s *Store) DeleteDecision(ctx context.Context, number int) error {
	d, err := s.Decision(ctx, number)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM radar_decisions WHERE superseded_by = $1`, number).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "decision %d supersedes %d other decision(s); change those first", number, n)
		}
		for _, q := range []string{
			`UPDATE radar_ring_changes SET decision_id = NULL WHERE decision_id = $1`,
			`DELETE FROM radar_decision_technologies WHERE decision_id = $1`,
			`DELETE FROM radar_decision_entities WHERE decision_id = $1`,
			`DELETE FROM radar_decisions WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, d.ID); err != nil {
				return fmt.Errorf("delete decision: %w", err)
			}
		}
		return audit.Record(ctx, tx, "delete", "decision", fmt.Sprint(number), audit.Diff(d.fields(), nil))
	})
}

// nonNil gives an empty list for nil, so that both encode alike.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
