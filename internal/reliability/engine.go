package reliability

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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
	e := &Engine{store: s, opts: o, alerter: &outboxAlerter{store: s, baseURL: o.BaseURL},
		maint: &maintenanceCache{store: s}, metrics: newMonitorMetrics(o.Registerer)}
	s.maint = e.maint
	return e
}

// Run works until ctx ends. Checks in flight finish, then the recorder
// writes what they found, so every result a check produced is kept.
func (e *Engine) Run(ctx context.Context) {
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
