package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/db"
)

// claimed is a message this deliverer holds the lease of.
type claimed struct {
	id        int64
	channelID int64
	channel   string
	typ       string
	settings  Settings
	msg       Message
	attempts  int
	createdAt time.Time
}

func (d *Deliverer) clock() time.Time { return d.now().UTC().Truncate(time.Second) }

// claim leases up to n due messages. Candidates are read without the
// write lock, which an idle poll then never takes; each is claimed by an
// UPDATE that succeeds only if no other deliverer got there first.
func (d *Deliverer) claim(ctx context.Context, n int) ([]claimed, error) {
	now := d.clock()
	rows, err := d.db.Query(ctx, `SELECT id FROM notify_outbox
		WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
		AND (claimed_until IS NULL OR claimed_until <= $1)
		ORDER BY next_attempt_at, id LIMIT $2`, now, n)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, err
	}
	var out []claimed
	err = d.db.Write(ctx, func(tx *db.Tx) error {
		out = out[:0]
		for _, id := range ids {
			c := claimed{id: id}
			var payload string
			err := tx.QueryRowContext(ctx, `UPDATE notify_outbox SET claimed_until = $1
				WHERE id = $2 AND sent_at IS NULL AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $3)
				RETURNING channel_id, payload, attempts, created_at`, now.Add(d.lease), id, now).
				Scan(&c.channelID, &payload, &c.attempts, &c.createdAt)
			if errors.Is(err, sql.ErrNoRows) {
				continue // another deliverer has it, or it was sent meanwhile
			}
			if err != nil {
				return fmt.Errorf("claim outbox message %d: %w", id, err)
			}
			var settings string
			if err := tx.QueryRowContext(ctx, `SELECT name, type, settings FROM notify_channels WHERE id = $1`, c.channelID).
				Scan(&c.channel, &c.typ, &settings); err != nil {
				return fmt.Errorf("channel of outbox message %d: %w", c.id, err)
			}
			err = json.Unmarshal([]byte(payload), &c.msg)
			if err == nil {
				err = json.Unmarshal([]byte(settings), &c.settings)
			}
			if err != nil {
				// Unreadable now is unreadable on every retry: give it up
				// rather than have it block the queue.
				if _, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET failed_at = $1, claimed_until = NULL, last_error = $2 WHERE id = $3`,
					now, "unreadable message or channel settings: "+errorText(err), id); err != nil {
					return err
				}
				continue
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}
