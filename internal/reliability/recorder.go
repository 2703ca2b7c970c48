package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/chief-hq/chief/internal/db"
)

// recorder is the one writer of check results. It settles each monitor's
// state with its thresholds and writes a batch of results, the state
// changes they cause, the incidents those open or resolve and the alerts
// they send, in one transaction: after a crash either all of a batch is on
// disk or none of it, and nothing is written twice.
type recorder struct {
	store  *Store
	log    *slog.Logger
	in     <-chan Result
	alerts Alerter
	states map[int64]*monState
	// flushEvery and flushSize bound how long and how many results wait.
	flushEvery time.Duration
	flushSize  int
	// shadow holds the states of the batch being written.
	shadow map[int64]*pending
	// onFlush, when set, is told after each batch commits (tests, metrics).
	onFlush func(n int)
}

// monState is what the recorder knows of a monitor between checks.
type monState struct {
	mon       Monitor
	state     string
	since     time.Time
	fails     int
	successes int
}

// pending is a monitor's state as a batch being written leaves it.
type pending struct {
	st               *monState
	state            string
	since            time.Time
	fails, successes int
}

// transition is a settled state change found in a batch.
type transition struct {
	st     *monState
	from   string
	to     string
	at     time.Time
	reason string
}

func newRecorder(s *Store, log *slog.Logger, in <-chan Result, alerts Alerter) *recorder {
	return &recorder{store: s, log: log, in: in, alerts: alerts, states: map[int64]*monState{},
		flushEvery: 500 * time.Millisecond, flushSize: 2000}
}

// load reads the settled state of every monitor.
func (r *recorder) load(ctx context.Context) error {
	mons, err := r.store.Monitors(ctx)
	if err != nil {
		return err
	}
	stored, err := r.store.states(ctx)
	if err != nil {
		return err
	}
	next := make(map[int64]*monState, len(mons))
	for _, m := range mons {
		st := r.states[m.ID]
		if st == nil {
			st = &monState{state: StateUnknown}
			if v, ok := stored[m.ID]; ok {
				st.state, st.since = v.State, v.Since
			}
		}
		st.mon = m
		st.mon.conds = nil // the scheduler evaluates them; one parsed copy is enough
		next[m.ID] = st
	}
	r.states = next
	return nil
}

// run records results until in is closed, flushing what it holds first.
func (r *recorder) run(ctx context.Context, reload <-chan struct{}) {
	if err := r.load(ctx); err != nil {
		r.log.Error("load monitor states", "err", err)
	}
	tick := time.NewTicker(r.flushEvery)
	defer tick.Stop()
	var batch []Result
	flush := func() {
		if len(batch) == 0 {
			return
		}
		// A write must not be cut short by shutdown: what was checked is kept.
		wctx := context.WithoutCancel(ctx)
		if err := r.write(wctx, batch); err != nil {
			r.log.Error("record check results", "err", err, "results", len(batch))
			return // the batch is kept and retried on the next tick
		}
		// Written and committed: from here on these results are kept.
		r.log.Debug("results recorded", "n", len(batch))
		if r.onFlush != nil {
			r.onFlush(len(batch))
		}
		batch = batch[:0]
	}
	for {
		select {
		case res, ok := <-r.in:
			if !ok {
				flush()
				return
			}
			batch = append(batch, res)
			if len(batch) >= r.flushSize {
				flush()
			}
		case <-reload:
			flush()
			if err := r.load(ctx); err != nil {
				r.log.Error("reload monitor states", "err", err)
			}
		case <-tick.C:
			flush()
		}
	}
}

// write stores one batch. States in memory change only once it commits.
func (r *recorder) write(ctx context.Context, batch []Result) error {
	for i := range batch {
		if r.states[batch[i].MonitorID] == nil { // a monitor added since the last load
			if err := r.load(ctx); err != nil {
				return err
			}
			break
		}
	}
	shadow := map[int64]*pending{}
	r.shadow = shadow
	defer func() { r.shadow = nil }()
	var changes []transition
	err := r.store.db.Write(ctx, func(tx *db.Tx) error {
		clear(shadow)
		changes = changes[:0]
		b := db.NewBatch(tx, `INSERT INTO check_results (monitor_id, at, ok, maint, total_us, dns_us, connect_us, tls_us, ttfb_us, detail) VALUES`, 10,
			`ON CONFLICT (monitor_id, at) DO NOTHING`)
		for i := range batch {
			res := &batch[i]
			st := r.states[res.MonitorID]
			if st == nil {
				continue // deleted since the check started
			}
			var detail any
			if !res.OK {
				d := Detail{Error: res.Err}
				for _, v := range res.Verdicts {
					if !v.OK {
						d.Failed = append(d.Failed, v)
					}
				}
				js, _ := json.Marshal(d)
				detail = string(js)
			}
			p := res.Phases
			if err := b.Add(ctx, res.MonitorID, res.At.UnixMilli(), res.OK, res.Maint, p.Total.Microseconds(), p.DNS.Microseconds(),
				p.Connect.Microseconds(), p.TLS.Microseconds(), p.FirstByte.Microseconds(), detail); err != nil {
				return err
			}
			if res.Maint {
				continue
			}
			sh := shadow[res.MonitorID]
			if sh == nil {
				sh = &pending{st: st, state: st.state, since: st.since, fails: st.fails, successes: st.successes}
				shadow[res.MonitorID] = sh
			}
			if to, reason := settle(sh.state, &sh.fails, &sh.successes, res, st.mon); to != "" {
				changes = append(changes, transition{st: st, from: sh.state, to: to, at: res.At, reason: reason})
				sh.state, sh.since = to, res.At
			}
		}
		if err := b.Flush(ctx); err != nil {
			return fmt.Errorf("insert results: %w", err)
		}
		for _, c := range changes {
			if err := r.apply(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, sh := range shadow {
		sh.st.state, sh.st.since, sh.st.fails, sh.st.successes = sh.state, sh.since, sh.fails, sh.successes
	}
	return nil
}

// settle counts one result against the thresholds and returns the new
// state when it changes.
func settle(state string, fails, successes *int, res *Result, m Monitor) (to, reason string) {
	if res.OK {
		*successes++
		*fails = 0
		if state != StateUp && (*successes >= m.SuccessThreshold || state == StateUnknown) {
			if *successes == 1 {
				return StateUp, "a good check"
			}
			return StateUp, fmt.Sprintf("%d good checks in a row", *successes)
		}
		return "", ""
	}
	*fails++
	*successes = 0
	if state != StateDown && *fails >= m.FailureThreshold {
		return StateDown, failReason(res)
	}
	return "", ""
}

func failReason(res *Result) string {
	if res.Err != "" {
		return res.Err
	}
	for _, v := range res.Verdicts {
		if !v.OK {
			return "condition failed: " + v.Detail
		}
	}
	return "check failed"
}

// apply writes one state change with its consequences.
func (r *recorder) apply(ctx context.Context, tx *db.Tx, c transition) error {
	m := c.st.mon
	if _, err := tx.ExecContext(ctx, `UPDATE monitor_state SET state = $1, since = $2 WHERE monitor_id = $3`, c.to, unix(c.at), m.ID); err != nil {
		return fmt.Errorf("update monitor state: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO monitor_events (monitor_id, at, from_state, to_state, reason) VALUES ($1, $2, $3, $4, $5)`,
		m.ID, unix(c.at), c.from, c.to, c.reason); err != nil {
		return fmt.Errorf("insert monitor event: %w", err)
	}
	if c.from == StateUnknown && c.to == StateUp {
		return nil // a first good check is not news
	}
	switch c.to {
	case StateDown:
		if err := r.store.monitorDown(ctx, tx, m, c.at, c.reason); err != nil {
			return err
		}
	case StateUp:
		if err := r.store.monitorUp(ctx, tx, m, c.at, r.entityUp(m.EntityKey, m.ID)); err != nil {
			return err
		}
	}
	if r.alerts != nil {
		return r.alerts.MonitorChanged(ctx, tx, m, c.from, c.to, c.at, c.reason)
	}
	return nil
}

// entityUp reports whether every other monitor of the entity is up (or
// has not settled yet).
func (r *recorder) entityUp(entityKey string, except int64) bool {
	for id, st := range r.states {
		if id == except || st.mon.EntityKey != entityKey || st.mon.Paused {
			continue
		}
		state := st.state
		if sh, ok := r.shadow[id]; ok {
			state = sh.state
		}
		if state == StateDown {
			return false
		}
	}
	return true
}
