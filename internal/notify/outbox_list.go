package notify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// Outbox reads the outbox for the admin page and for metrics: what was
// sent, what still waits and why, what was given up.
type Outbox struct{ db *db.DB }

// NewOutbox returns a reader over d.
func NewOutbox(d *db.DB) *Outbox { return &Outbox{db: d} }

// The states of an outbox entry.
const (
	StatusPending = "pending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// OutboxEntry is one message to one channel.
type OutboxEntry struct {
	ID        int64     `json:"id"`
	Channel   string    `json:"channel"`
	EventKey  string    `json:"event_key"`
	Kind      Kind      `json:"kind"`
	Entity    string    `json:"entity,omitempty"`
	Attempts  int       `json:"attempts"`
	Status    string    `json:"status"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// NextAttemptAt matters while the entry is pending.
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
	FailedAt      *time.Time `json:"failed_at,omitempty"`
}

// OutboxFilter narrows a listing. Zero fields do not filter.
type OutboxFilter struct {
	Channel string // channel name
	Status  string // pending, sent or failed
	Before  int64  // entries with a smaller id (the cursor)
	Limit   int    // 1..500, default 50
}

// Validate checks the status and the limit.
func (f *OutboxFilter) Validate() error {
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Limit < 1 || f.Limit > 500 {
		return apperr.Field("limit", "must be between 1 and 500")
	}
	switch f.Status {
	case "", StatusPending, StatusSent, StatusFailed:
	default:
		return apperr.Field("status", "unknown status %q: use pending, sent or failed", f.Status)
	}
	return nil
}

// List returns entries newest first, and the cursor for the next page (0
// when there is none). It returns invalid for a bad filter.
func (o *Outbox) List(ctx context.Context, f OutboxFilter) ([]OutboxEntry, int64, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	var w db.Where
	if f.Channel != "" {
		w.Add("c.name = ?", f.Channel)
	}
	switch f.Status {
	case StatusPending:
		w.Add("o.sent_at IS NULL AND o.failed_at IS NULL")
	case StatusSent:
		w.Add("o.sent_at IS NOT NULL")
	case StatusFailed:
		w.Add("o.failed_at IS NOT NULL")
	}
	if f.Before > 0 {
		w.Add("o.id < ?", f.Before)
	}
	q := `SELECT o.id, c.name, o.event_key, o.kind, o.entity, o.attempts, o.last_error, o.created_at, o.next_attempt_at, o.sent_at, o.failed_at
		FROM notify_outbox o JOIN notify_channels c ON c.id = o.channel_id` + w.String() +
		` ORDER BY o.id DESC LIMIT ` + w.Arg(f.Limit+1)
	rows, err := o.db.Query(ctx, q, w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		var sent, failed sql.NullTime
		if err := rows.Scan(&e.ID, &e.Channel, &e.EventKey, &e.Kind, &e.Entity, &e.Attempts, &e.LastError,
			&e.CreatedAt, &e.NextAttemptAt, &sent, &failed); err != nil {
			return nil, 0, err
		}
		e.CreatedAt = e.CreatedAt.UTC()
		e.NextAttemptAt = e.NextAttemptAt.UTC()
		e.SentAt, e.FailedAt = utcPtr(sent), utcPtr(failed)
		switch {
		case e.SentAt != nil:
			e.Status = StatusSent
		case e.FailedAt != nil:
			e.Status = StatusFailed
		default:
			e.Status = StatusPending
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

// OutboxCounts are the outbox totals over every replica, for metrics: a
// growing Pending means a receiver is down, Failed a message given up.
type OutboxCounts struct {
	Pending int64 `json:"pending"`
	Sent    int64 `json:"sent"`
	Failed  int64 `json:"failed"`
}

// Counts returns how many entries are pending, sent and failed.
func (o *Outbox) Counts(ctx context.Context) (OutboxCounts, error) {
	var c OutboxCounts
	err := o.db.QueryRow(ctx, `SELECT
		COUNT(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL),
		COUNT(*) FILTER (WHERE sent_at IS NOT NULL),
		COUNT(*) FILTER (WHERE failed_at IS NOT NULL)
		FROM notify_outbox`).Scan(&c.Pending, &c.Sent, &c.Failed)
	if err != nil {
		return OutboxCounts{}, fmt.Errorf("count outbox: %w", err)
	}
	return c, nil
}
