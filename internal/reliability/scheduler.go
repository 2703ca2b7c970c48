package reliability

import (
	"container/heap"
	"context"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/chief-hq/chief/internal/reliability/probe"
)

// scheduler runs every monitor at its interval. Monitors with the same
// interval are spread over it by a hash of their id, so they do not fire
// together; each check runs in its own goroutine under a semaphore, so a
// hung target holds one slot until its timeout and delays no other monitor
// while slots remain, and the cap keeps measured latencies honest.
type scheduler struct {
	store   *Store
	log     *slog.Logger
	out     chan<- Result
	sem     chan struct{}
	metrics *monitorMetrics
	maint   *maintenanceCache

	reload  <-chan struct{}
	entries map[int64]*entry
	queue   entryQueue
	wg      sync.WaitGroup
}

type entry struct {
	mon    Monitor
	kind   probe.Kind
	series *series
	next   time.Time
	index  int
}

func newScheduler(s *Store, log *slog.Logger, out chan<- Result, reload <-chan struct{}, concurrency int, m *monitorMetrics, mc *maintenanceCache) *scheduler {
	return &scheduler{store: s, log: log, out: out, reload: reload, sem: make(chan struct{}, concurrency), metrics: m, maint: mc, entries: map[int64]*entry{}}
}

// slot is the grid checks start on. Monitors are spread over their
// interval in steps of it rather than each at its own instant, so the
// scheduler wakes ten times a second and starts a few checks each time:
// waking an idle process for every single check costs more CPU than the
// check (about 660 µs against 164 µs per fresh-connection request on two
// cores; see docs/benchmarks.md).
const slot = 100 * time.Millisecond

// slotted moves t back onto the slot grid.
func slotted(t time.Time) time.Time { return t.Truncate(slot) }

// spread is where in its interval a monitor first runs; tests replace it.
var spread = offset

// offset spreads monitors over their interval.
func offset(id int64, interval time.Duration) time.Duration {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(id >> (8 * i))
	}
	h.Write(b[:])
	return time.Duration(h.Sum64() % uint64(interval))
}

// load brings the schedule in line with the stored monitors, keeping the
// next run of monitors whose settings did not change.
func (s *scheduler) load(ctx context.Context) error {
	mons, err := s.store.Monitors(ctx)
	if err != nil {
		return err
	}
	// Plan from when the monitors are in hand, not from before reading
	// them: a slow read must not make the first checks late.
	now := time.Now()
	seen := make(map[int64]bool, len(mons))
	for _, m := range mons {
		if m.Paused {
			continue
		}
		kind, err := probe.Lookup(m.Type)
		if err != nil {
			s.log.Warn("monitor of unknown type skipped", "monitor", m.Name, "type", m.Type)
			continue
		}
		seen[m.ID] = true
		if e, ok := s.entries[m.ID]; ok {
			if e.mon.UpdatedAt.Equal(m.UpdatedAt) {
				continue
			}
			heap.Remove(&s.queue, e.index)
			delete(s.entries, m.ID)
		}
		// Spread over the interval less a second, so that every monitor is
		// checked within one interval of start-up even after a slow load.
		iv := m.Interval.D()
		e := &entry{mon: m, kind: kind, next: slotted(now.Add(spread(m.ID, iv-min(iv/10, time.Second))))}
		if s.metrics != nil {
			e.series = s.metrics.series(m)
		}
		s.entries[m.ID] = e
		heap.Push(&s.queue, e)
	}
	for id, e := range s.entries {
		if !seen[id] {
			heap.Remove(&s.queue, e.index)
			delete(s.entries, id)
			if s.metrics != nil {
				s.metrics.forget(e.mon)
			}
		}
	}
	return nil
}

// run dispatches checks until ctx ends, then waits for those in flight.
func (s *scheduler) run(ctx context.Context) {
	defer s.wg.Wait()
	if err := s.load(ctx); err != nil {
		s.log.Error("load monitors", "err", err)
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		wait := time.Hour
		if len(s.queue) > 0 {
			wait = time.Until(s.queue[0].next)
		}
		timer.Reset(max(wait, 0))
		select {
		case <-ctx.Done():
			return
		case <-s.reload:
			if err := s.load(ctx); err != nil {
				s.log.Error("reload monitors", "err", err)
			}
		case <-timer.C:
			now := time.Now()
			for len(s.queue) > 0 && !s.queue[0].next.After(now) {
				e := s.queue[0]
				s.dispatch(ctx, e, e.next)
				iv := e.mon.Interval.D()
				e.next = e.next.Add(iv)
				if !e.next.After(now) { // fell behind by a whole interval: skip, don't burst
					e.next = slotted(now.Add(iv))
				}
				heap.Fix(&s.queue, 0)
			}
		}
	}
}

func (s *scheduler) dispatch(ctx context.Context, e *entry, planned time.Time) {
	m, kind, ms := e.mon, e.kind, e.series
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case s.sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		r := s.check(ctx, m, kind, ms, planned)
		<-s.sem
		if ctx.Err() != nil { // cut short by shutdown: not an observation of the target
			return
		}
		select {
		case s.out <- r:
		case <-ctx.Done():
		}
	}()
}

// check runs one check of m and evaluates its conditions.
func (s *scheduler) check(ctx context.Context, m Monitor, kind probe.Kind, ms *series, planned time.Time) Result {
	start := time.Now()
	env := probe.Env{Now: start, Interval: m.Interval.D()}
	if m.Type == "heartbeat" {
		env.LastBeat = s.store.lastBeat(ctx, m.ID)
	}
	timeout := m.Timeout.D()
	if timeout <= 0 { // heartbeats take none
		timeout = 10 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	obs := kind.Check(cctx, &m.Settings, env)
	cancel()
	ok, verdicts := evaluate(m.conds, &obs)
	r := Result{MonitorID: m.ID, Planned: planned, At: start, OK: ok, Phases: obs.Phases, Err: obs.Err, Verdicts: verdicts,
		Maint: s.maint.active(start, m.EntityKey)}
	if ms != nil {
		s.metrics.observe(ms, &r, &obs)
	}
	return r
}

// entryQueue is a min-heap of entries by next run.
type entryQueue []*entry

func (q entryQueue) Len() int           { return len(q) }
func (q entryQueue) Less(i, j int) bool { return q[i].next.Before(q[j].next) }
func (q entryQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *entryQueue) Push(x any) {
	e := x.(*entry)
	e.index = len(*q)
	*q = append(*q, e)
}
func (q *entryQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}
