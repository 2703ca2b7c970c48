package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/chief-hq/chief/internal/db"
)

// Deliverer sends what the outbox holds. A message stays on disk until it
// is sent, so it survives a restart, and a receiver that is down is tried
// again with growing pauses for GiveUpAfter (48 h by default) before the
// message is marked failed.
//
// Several deliverers may share one database (replicas over PostgreSQL): a
// deliverer claims a message by setting its lease (claimed_until) with a
// conditional UPDATE before sending, so two never send it at once. A crash
// between sending and marking sent still sends the message again once the
// lease runs out: delivery is at least once, and receivers drop duplicates
// by X-Chief-Delivery (the event key); email repeats its Message-ID.
type Deliverer struct {
	db          *db.DB
	log         *slog.Logger
	now         func() time.Time
	backoff     func(attempts int) time.Duration
	concurrency int
	poll        time.Duration
	lease       time.Duration
	giveUp      time.Duration
	timeout     time.Duration
	wake        chan struct{}
}

// Option changes a Deliverer's defaults, mostly for tests.
type Option func(*Deliverer)

// WithClock replaces time.Now, so tests can move time instead of waiting.
func WithClock(now func() time.Time) Option { return func(d *Deliverer) { d.now = now } }

// WithBackoff replaces Backoff, the pause after the given number of
// failed attempts.
func WithBackoff(f func(attempts int) time.Duration) Option {
	return func(d *Deliverer) { d.backoff = f }
}

// WithConcurrency caps how many messages are sent at once (default 4), so
// a slow receiver holds one slot and a burst of alerts does not open
// hundreds of connections.
func WithConcurrency(n int) Option { return func(d *Deliverer) { d.concurrency = max(n, 1) } }

// WithPollInterval sets how often the outbox is read when nobody calls
// Notify (default 1 s).
func WithPollInterval(p time.Duration) Option { return func(d *Deliverer) { d.poll = p } }

// WithLease sets how long a claim keeps other deliverers off a message
// (default 2 min). It must outlast a send, or a slow send is repeated.
func WithLease(l time.Duration) Option { return func(d *Deliverer) { d.lease = l } }

// WithGiveUpAfter sets how long after enqueueing a failing message is
// given up (default 48 h).
func WithGiveUpAfter(g time.Duration) Option { return func(d *Deliverer) { d.giveUp = g } }

// WithSendTimeout bounds one attempt (default 30 s).
func WithSendTimeout(t time.Duration) Option { return func(d *Deliverer) { d.timeout = t } }

// NewDeliverer returns a deliverer over d; start it with Run.
func NewDeliverer(d *db.DB, log *slog.Logger, opts ...Option) *Deliverer {
	dl := &Deliverer{
		db:          d,
		log:         log,
		now:         time.Now,
		backoff:     Backoff,
		concurrency: 4,
		poll:        time.Second,
		lease:       2 * time.Minute,
		giveUp:      48 * time.Hour,
		timeout:     30 * time.Second,
		wake:        make(chan struct{}, 1),
	}
	for _, o := range opts {
		o(dl)
	}
	return dl
}

// Backoff is the default pause after a failed attempt: 10 s doubling up to
// 10 min, less up to a fifth at random so that messages to a receiver that
// was down do not all come back at the same moment.
func Backoff(attempts int) time.Duration {
	const first, most = 10 * time.Second, 10 * time.Minute
	d := most
	if attempts < 1 {
		attempts = 1
	}
	if attempts <= 7 {
		d = min(first<<(attempts-1), most)
	}
	return d - rand.N(d/5+1)
}

// Notify wakes Run at once, after an enqueue, instead of at the next poll.
func (d *Deliverer) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run sends due messages until ctx is cancelled, then waits for the sends
// under way (each bounded by the send timeout) so that their outcome is
// recorded rather than repeated. Call it once per Deliverer.
func (d *Deliverer) Run(ctx context.Context) {
	ticker := time.NewTicker(d.poll)
	defer ticker.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, d.concurrency)
	freed := make(chan struct{}, 1)
	for {
		// Claim only what free slots can send at once: a claimed message
		// waiting for a slot would use up its lease.
		if free := d.concurrency - len(slots); free > 0 {
			due, err := d.claim(ctx, free)
			if err != nil && ctx.Err() == nil {
				d.log.Error("claim outbox messages", "error", err)
			}
			for _, c := range due {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					d.deliver(ctx, c)
					<-slots
					select {
					case freed <- struct{}{}:
					default:
					}
				}()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-d.wake:
		case <-freed:
		}
	}
}

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

// deliver sends one claimed message and records the outcome. The outcome
// is written even while Run shuts down: dropping it would send the message
// again.
func (d *Deliverer) deliver(ctx context.Context, c claimed) {
	ctx = context.WithoutCancel(ctx)
	sendCtx, cancel := context.WithTimeout(ctx, d.timeout)
	err := d.send(sendCtx, c)
	cancel()
	if err == nil {
		if err := d.markSent(ctx, c); err != nil {
			d.log.Error("mark notification sent", "channel", c.channel, "event_key", c.msg.EventKey, "error", err)
		}
		return
	}
	if err := d.markFailed(ctx, c, err); err != nil {
		d.log.Error("record notification failure", "channel", c.channel, "event_key", c.msg.EventKey, "error", err)
	}
}

func (d *Deliverer) send(ctx context.Context, c claimed) error {
	s, ok := senders[c.typ]
	if !ok {
		return fmt.Errorf("channel type %q is not known to this version of Chief", c.typ)
	}
	return s.Send(ctx, &c.settings, &c.msg)
}

func (d *Deliverer) markSent(ctx context.Context, c claimed) error {
	now := d.clock()
	return d.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET sent_at = $1, attempts = attempts + 1, claimed_until = NULL WHERE id = $2`, now, c.id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE notify_channels SET last_sent_at = $1 WHERE id = $2`, now, c.channelID)
		return err
	})
}

// markFailed schedules the next attempt, or gives the message up once it
// is older than the give-up age.
func (d *Deliverer) markFailed(ctx context.Context, c claimed, sendErr error) error {
	now := d.clock()
	msg := errorText(sendErr)
	attempts := c.attempts + 1
	next := now.Add(d.backoff(attempts)).Truncate(time.Second)
	var failedAt sql.NullTime
	if now.Sub(c.createdAt) >= d.giveUp {
		failedAt = sql.NullTime{Time: now, Valid: true}
		d.log.Error("notification given up", "channel", c.channel, "event_key", c.msg.EventKey, "attempts", attempts, "error", msg)
	} else {
		d.log.Warn("notification failed; will retry", "channel", c.channel, "event_key", c.msg.EventKey, "attempts", attempts, "next_attempt_at", next, "error", msg)
	}
	return d.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, failed_at = $3, claimed_until = NULL
			WHERE id = $4 AND sent_at IS NULL`, msg, next, failedAt, c.id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE notify_channels SET last_error = $1, last_error_at = $2 WHERE id = $3`, msg, now, c.channelID)
		return err
	})
}

// errorText is err on one line and at most 1000 bytes, for the admin page.
func errorText(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 1000 {
		s = strings.ToValidUTF8(s[:1000], "") + "…"
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	return s
}
