package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// Store reads the audit log.
type Store struct{ db *db.DB }

// NewStore returns a store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// Filter narrows a listing. Zero fields do not filter.
type Filter struct {
	Actor      string    // exact actor name, or a prefix ending in "*"
	RecordType string    // e.g. "entity", "user", "token"
	RecordID   string    // e.g. "component:default/checkout"
	Since      time.Time // inclusive
	Until      time.Time // exclusive
	Before     int64     // entries with a smaller id (the cursor)
	Limit      int       // 1..500, default 50
}

// Validate checks the limit and the time range.
func (f *Filter) Validate() error {
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Limit < 1 || f.Limit > 500 {
		return apperr.Field("limit", "must be between 1 and 500")
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return apperr.Field("until", "must be after since")
	}
	return nil
}

// List returns entries newest first, and the cursor for the next page (0
// when there is none). It returns an invalid error for a bad filter.
func (s *Store) List(ctx context.Context, f Filter) ([]Entry, int64, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	var w db.Where
	if f.Actor != "" {
		if prefix, ok := strings.CutSuffix(f.Actor, "*"); ok {
			// substr compares with case on both engines; LIKE would not on
			// SQLite.
			w.Add("substr(actor, 1, ?) = ?", utf8.RuneCountInString(prefix), prefix)
		} else {
			w.Add("actor = ?", f.Actor)
		}
	}
	if f.RecordType != "" {
		w.Add("record_type = ?", f.RecordType)
	}
	if f.RecordID != "" {
		w.Add("record_id = ?", strings.ToLower(f.RecordID))
	}
	if !f.Since.IsZero() {
		w.Add("at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		w.Add("at < ?", f.Until.UTC())
	}
	if f.Before > 0 {
		w.Add("id < ?", f.Before)
	}
	q := `SELECT id, at, actor, action, record_type, record_id, changes FROM audit_log` + w.String() +
		` ORDER BY id DESC LIMIT ` + w.Arg(f.Limit+1)
	rows, err := s.db.Read().QueryContext(ctx, q, w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit log: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var changes string
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.RecordType, &e.RecordID, &changes); err != nil {
			return nil, 0, err
		}
		e.At = e.At.UTC()
		if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
			return nil, 0, fmt.Errorf("audit entry %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var next int64
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}
