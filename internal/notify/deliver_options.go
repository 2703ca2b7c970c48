package notify

import (
	"math/rand/v2"
	"time"
)

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
