package reliability

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chief-hq/chief/internal/db"
)

// EngineOptions configure the background work of the reliability area.
type EngineOptions struct {
	Logger *slog.Logger
	// Concurrency caps checks in flight (default 256).
	Concurrency int
	// RawRetention is how long raw results are kept (default RawRetention).
	RawRetention time.Duration
	// BaseURL starts the links in alerts.
	BaseURL string
	// Registerer takes the per-monitor metrics; nil keeps none.
	Registerer prometheus.Registerer
	// OnFlush is told how many results each committed batch held.
	OnFlush func(n int)
	// Holder names this process in the engine's lease (PostgreSQL only);
	// LeaseTTL is how long a lease lasts unrenewed (default 15 s).
	Holder   string
	LeaseTTL time.Duration
}

// Engine runs checks, records them, rolls them up, prunes them, evaluates
// SLO burn rates and sends reminders. Run it once per process.
type Engine struct {
	store   *Store
	opts    EngineOptions
	alerter *outboxAlerter
	maint   *maintenanceCache
	metrics *monitorMetrics
	rec     *recorder
}

// NewEngine prepares an engine over s.
func NewEngine(s *Store, o EngineOptions) *Engine {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 256
	}
	if o.RawRetention <= 0 {
		o.RawRetention = RawRetention
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 15 * time.Second
	}
	if o.Holder == "" {
		host, _ := os.Hostname()
		o.Holder = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), newToken()[:8])
	}
	e := &Engine{store: s, opts: o, alerter: &outboxAlerter{store: s, baseURL: o.BaseURL},
		maint: &maintenanceCache{store: s}, metrics: newMonitorMetrics(o.Registerer)}
	s.maint = e.maint
	return e
}

// engineLease is the lease that says which process runs the checks when
// several share a PostgreSQL database.
const engineLease = "reliability-engine"

// Run works until ctx ends. On PostgreSQL, where several `chief serve`
// processes may share the database, it works only while it holds the
// engine's lease, renewing it every LeaseTTL/3 and giving it up on the way
// out; the others wait to take over when it stops or dies. A SQLite
// database belongs to one process, which simply works.
func (e *Engine) Run(ctx context.Context) {
	d := e.store.db
	if d.Dialect != db.Postgres {
		e.work(ctx)
		return
	}
	ttl := e.opts.LeaseTTL
	for {
		held, err := d.TryLease(ctx, engineLease, e.opts.Holder, ttl)
		if err != nil && ctx.Err() == nil {
			e.opts.Logger.Error("take the engine lease", "err", err)
		}
		if held {
			e.opts.Logger.Info("running checks", "holder", e.opts.Holder)
			e.workWhileHeld(ctx, ttl)
			if err := d.ReleaseLease(context.WithoutCancel(ctx), engineLease, e.opts.Holder); err != nil {
				e.opts.Logger.Error("give up the engine lease", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(ttl / 3):
		}
	}
}

// workWhileHeld works until ctx ends or the lease cannot be renewed.
func (e *Engine) workWhileHeld(ctx context.Context, ttl time.Duration) {
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); e.work(wctx) }()
	tick := time.NewTicker(ttl / 3)
	defer tick.Stop()
	for {
		select {
		case <-done:
			stop()
			return
		case <-tick.C:
			held, err := e.store.db.TryLease(wctx, engineLease, e.opts.Holder, ttl)
			if !held || err != nil {
				e.opts.Logger.Warn("lost the engine lease; stopping checks", "err", err)
				stop()
				<-done
				return
			}
		}
	}
}

// work runs checks until ctx ends. Checks in flight finish, then the
// recorder writes what they found, so every result a check produced is kept.
func (e *Engine) work(ctx context.Context) {
	log := e.opts.Logger
	if err := e.maint.reload(ctx); err != nil {
		log.Error("load maintenance windows", "err", err)
	}
	results := make(chan Result, 4096)
	schedReload, recReload := make(chan struct{}, 1), make(chan struct{}, 1)
	sched := newScheduler(e.store, log, results, schedReload, e.opts.Concurrency, e.metrics, e.maint)
	e.rec = newRecorder(e.store, log, results, e.alerter)
	e.rec.onFlush = e.opts.OnFlush

	var recDone sync.WaitGroup
	recDone.Add(1)
	go func() {
		defer recDone.Done()
		e.rec.run(context.WithoutCancel(ctx), recReload)
	}()
	var jobs sync.WaitGroup
	jobs.Add(2)
	go func() { defer jobs.Done(); e.fanOut(ctx, schedReload, recReload) }()
	go func() { defer jobs.Done(); e.periodic(ctx) }()

	sched.run(ctx) // returns once ctx ends and checks in flight are done
	jobs.Wait()
	close(results)
	recDone.Wait()
}

// fanOut passes "monitors changed" to the scheduler and the recorder.
func (e *Engine) fanOut(ctx context.Context, targets ...chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.store.changed:
			for _, t := range targets {
				select {
				case t <- struct{}{}:
				default:
				}
			}
		}
	}
}

// periodic runs the minute jobs: rollups, pruning, maintenance reload,
// SLO burn rates and reminders.
func (e *Engine) periodic(ctx context.Context) {
	log := e.opts.Logger
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	lastPrune := time.Time{}
	// Start-up belongs to the scheduler and the recorder, which read every
	// monitor; the minute jobs wait a little so as not to read them too.
	select {
	case <-ctx.Done():
		return
	case <-time.After(10 * time.Second):
	}
	for {
		now := time.Now()
		if err := e.store.Rollup(ctx, now); err != nil && ctx.Err() == nil {
			log.Error("roll up check results", "err", err)
		}
		if now.Sub(lastPrune) >= 10*time.Minute {
			if n, err := e.store.Prune(ctx, now, e.opts.RawRetention); err != nil && ctx.Err() == nil {
				log.Error("prune check results", "err", err)
			} else if n > 0 {
				log.Info("pruned check results", "rows", n)
			}
			lastPrune = now
		}
		if err := e.maint.reload(ctx); err != nil && ctx.Err() == nil {
			log.Error("reload maintenance windows", "err", err)
		}
		if err := e.EvaluateSLOs(ctx, now); err != nil && ctx.Err() == nil {
			log.Error("evaluate SLOs", "err", err)
		}
		if err := e.remind(ctx, now); err != nil && ctx.Err() == nil {
			log.Error("send reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// EvaluateSLOs checks every SLO's burn rate and alerts on a change of level.
func (e *Engine) EvaluateSLOs(ctx context.Context, now time.Time) error {
	slos, err := e.store.SLOs(ctx, "")
	if err != nil {
		return err
	}
	for _, o := range slos {
		level, err := e.store.BurnLevel(ctx, o, now)
		if err != nil {
			return err
		}
		if level != o.Alert {
			if err := e.alerter.sloChanged(ctx, o, level, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// remind sends reminders about monitors still down. It reads the states
// first and loads only the monitors that are down.
func (e *Engine) remind(ctx context.Context, now time.Time) error {
	states, err := e.store.states(ctx)
	if err != nil {
		return err
	}
	var ids []int64
	since := map[int64]time.Time{}
	for id, st := range states {
		if st.State == StateDown {
			ids = append(ids, id)
			since[id] = st.Since
		}
	}
	if len(ids) == 0 {
		return nil
	}
	mons, err := e.store.monitorsByID(ctx, ids)
	if err != nil {
		return err
	}
	var downs []Monitor
	for _, m := range mons {
		if !m.Paused && !e.maint.active(now, m.EntityKey) {
			downs = append(downs, m)
		}
	}
	return e.alerter.remind(ctx, downs, since, now)
}
