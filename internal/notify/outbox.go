package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// Route enqueues m, in the caller's transaction, for every channel that
// wants it: its teams include m.Team (or it has none), its MinSeverity is
// at most m.Severity, it wants recoveries for an up message, and for a
// reminder it has ReminderEvery set and has had no down or reminder message
// about m.Entity for that long. Because the message is written with the
// change that caused it, an alert is never lost to a crash between the two.
// Enqueueing an event key a channel has already had does nothing, so a
// retried caller sends no duplicates. It returns how many messages it
// enqueued, and invalid for a bad message.
func Route(ctx context.Context, tx *db.Tx, m Message) (int, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	chans, err := allChannels(ctx, tx)
	if err != nil {
		return 0, err
	}
	now := db.Now()
	n := 0
	for _, c := range chans {
		if !c.receives(&m) {
			continue
		}
		if m.Kind == KindReminder {
			recent, err := remindedSince(ctx, tx, c.ID, m.Entity, now.Add(-c.ReminderEvery.D()))
			if err != nil {
				return n, err
			}
			if recent {
				continue
			}
		}
		added, err := enqueue(ctx, tx, c.ID, &m, now)
		if err != nil {
			return n, err
		}
		if added {
			n++
		}
	}
	return n, nil
}

// Enqueue puts m in the outbox of one channel whatever its routing, for a
// "send test message" button. It returns not found for an unknown channel
// and invalid for a bad message.
func Enqueue(ctx context.Context, tx *db.Tx, channelID int64, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM notify_channels WHERE id = $1`, channelID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, "no notification channel with id %d", channelID)
	}
	if err != nil {
		return err
	}
	_, err = enqueue(ctx, tx, channelID, &m, db.Now())
	return err
}

// allChannels reads every channel before the caller writes anything, so
// that no result set stays open while other statements run on the
// transaction (PostgreSQL refuses that).
func allChannels(ctx context.Context, tx *db.Tx) ([]Channel, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+channelColumns+` FROM notify_channels ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read channels: %w", err)
	}
	defer rows.Close()
	var out []Channel
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// remindedSince reports whether the channel has had a down or reminder
// message about entity since the given time.
func remindedSince(ctx context.Context, tx *db.Tx, channelID int64, entity string, since time.Time) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox
		WHERE channel_id = $1 AND entity = $2 AND created_at > $3 AND kind IN ('down', 'reminder')`,
		channelID, entity, since).Scan(&n)
	return n > 0, err
}

func enqueue(ctx context.Context, tx *db.Tx, channelID int64, m *Message, now time.Time) (bool, error) {
	payload, err := json.Marshal(m)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO notify_outbox
		(channel_id, event_key, kind, entity, payload, created_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (channel_id, event_key) DO NOTHING`,
		channelID, m.EventKey, string(m.Kind), m.Entity, string(payload), now)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", m.EventKey, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
