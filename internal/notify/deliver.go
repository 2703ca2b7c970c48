package notify

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/chief-hq/chief/internal/db"
)

// Deliverer sends what the outbox holds. A message stays on disk until it
// is sent, so it survives a restart, and a receiver that is down is tried
// again with growing pauses for 48 h (WithGiveUpAfter) before the message
// is marked failed.
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
	// A lease shorter than a send would let another deliverer send the
	// same message while the first is still at it.
	dl.lease = max(dl.lease, dl.timeout+time.Second)
	return dl
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
