package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// Ingester stores webhook deliveries through one goroutine that writes
// many of them per transaction, each in its own savepoint. A delivery is
// acknowledged only after the transaction holding it committed, so what
// was acknowledged is on disk, without one disk flush per delivery.
type Ingester struct {
	s    *Store
	reqs chan *pending
	stop chan struct{}
	wg   sync.WaitGroup
	log  *slog.Logger
}

// Delivery is one webhook delivery to count and, when it carries records,
// to store.
type Delivery struct {
	SourceID int64
	// ID is the provider's delivery id; a delivery seen before is a replay
	// and stores nothing. Empty when the provider sends none.
	ID      string
	Batch   Batch
	Outcome Outcome
	// Error is what was wrong with a rejected delivery.
	Error string
}

// DeliveryResult is what storing a delivery did.
type DeliveryResult struct {
	IngestResult
	Replay bool `json:"replay,omitempty"`
}

type pending struct {
	ctx  context.Context
	d    Delivery
	p    *prepared
	res  DeliveryResult
	err  error
	done chan struct{}
}

// maxGroup bounds the deliveries written in one transaction.
const maxGroup = 128

// rollUpEvery is how often the ingester brings the daily rollups that its
// deliveries made stale up to date. Reading the rollups does it first too.
const rollUpEvery = time.Second

// NewIngester starts an ingester; Close stops it.
func NewIngester(s *Store, log *slog.Logger) *Ingester {
	if log == nil {
		log = slog.Default()
	}
	g := &Ingester{s: s, reqs: make(chan *pending), stop: make(chan struct{}), log: log}
	g.wg.Add(1)
	go g.run()
	return g
}

// Close stops the ingester after the group being written.
func (g *Ingester) Close() {
	close(g.stop)
	g.wg.Wait()
}

// Submit validates a delivery, waits until it is stored and counted, and
// returns what was stored. Invalid records come back as invalid without
// waiting for the writer, and are counted as rejected.
func (g *Ingester) Submit(ctx context.Context, d Delivery) (DeliveryResult, error) {
	req := &pending{ctx: context.WithoutCancel(ctx), d: d, done: make(chan struct{})}
	if d.Outcome == Received {
		p, err := g.s.prepare(ctx, d.Batch)
		if err != nil {
			if apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.NotFound) {
				_, _ = g.Submit(ctx, Delivery{SourceID: d.SourceID, Outcome: Rejected, Error: err.Error()})
			}
			return DeliveryResult{}, err
		}
		req.p = p
	}
	select {
	case g.reqs <- req:
	case <-g.stop:
		return DeliveryResult{}, errors.New("delivery ingester stopped")
	case <-ctx.Done():
		return DeliveryResult{}, ctx.Err()
	}
	<-req.done
	return req.res, req.err
}

func (g *Ingester) run() {
	defer g.wg.Done()
	tick := time.NewTicker(rollUpEvery)
	defer tick.Stop()
	stale := true // a previous process may have left some
	rollUp := func() {
		if !stale {
			return
		}
		if _, err := g.s.RollUpPending(context.Background()); err != nil {
			g.log.Error("roll up deliveries", "err", err)
			return
		}
		stale = false
	}
	defer rollUp()
	for {
		var group []*pending
		select {
		case r := <-g.reqs:
			group = append(group, r)
		case <-tick.C:
			rollUp()
			continue
		case <-g.stop:
			return
		}
	more:
		for len(group) < maxGroup {
			select {
			case r := <-g.reqs:
				group = append(group, r)
			default:
				break more
			}
		}
		err := g.s.db.Write(context.Background(), func(tx *db.Tx) error {
			in := g.s.newIngest(tx)
			in.deferRollups = true
			for i, r := range group {
				if err := g.write(tx, in, i, r); err != nil {
					return err
				}
			}
			return in.finish(context.Background())
		})
		stale = stale || err == nil
		for _, r := range group {
			if err != nil && r.err == nil {
				r.err, r.res = err, DeliveryResult{}
			}
			close(r.done)
		}
	}
}

// write stores one delivery of a group inside its own savepoint, so that
// a delivery refused by the database leaves the others. What the group's
// deliveries change is derived once, after the last.
func (g *Ingester) write(tx *db.Tx, in *ingest, i int, r *pending) error {
	ctx := r.ctx
	sp := fmt.Sprintf("delivery_%d", i)
	if _, err := in.exec(ctx, "SAVEPOINT "+sp); err != nil {
		return err
	}
	now := g.s.now().Unix()
	outcome := r.d.Outcome
	err := func() error {
		if outcome != Received {
			return nil
		}
		if r.d.ID != "" {
			res, err := in.exec(ctx, `INSERT INTO delivery_receipts (source_id, delivery_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				r.d.SourceID, r.d.ID, now)
			if err != nil {
				return fmt.Errorf("record delivery: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				r.res.Replay, outcome = true, Ignored
				return nil
			}
		}
		res, err := in.store(ctx, r.p)
		r.res.IngestResult = res
		if err == nil && !res.Stored() {
			outcome = Ignored
		}
		return err
	}()
	if err != nil {
		r.err = err
		if _, rbErr := in.exec(ctx, "ROLLBACK TO SAVEPOINT "+sp); rbErr != nil {
			return rbErr
		}
		outcome = Rejected
	}
	msg := r.d.Error
	if r.err != nil {
		msg = r.err.Error()
	}
	if err := in.countDelivery(ctx, r.d.SourceID, outcome, now, msg); err != nil {
		return err
	}
	_, err = in.exec(ctx, "RELEASE SAVEPOINT "+sp)
	return err
}
