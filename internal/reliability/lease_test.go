package reliability

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/db/dbtest"
)

// TestOneProcessRunsTheChecks runs two engines over one PostgreSQL
// database, as two `chief serve` replicas would: only the lease holder
// checks, and the other takes over when it stops.
func TestOneProcessRunsTheChecks(t *testing.T) {
	if os.Getenv("CHIEF_TEST_POSTGRES_URL") == "" {
		t.Skip("CHIEF_TEST_POSTGRES_URL is not set: leases matter only on PostgreSQL")
	}
	d := dbtest.OpenPostgres(t)
	s := newTestStore(t, d, "checkout")
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	defer target.Close()
	in := httpMonitor("checkout-api", "checkout")
	in.Target = target.URL
	mustMonitor(t, s, in)
	old := spread
	spread = func(int64, time.Duration) time.Duration { return 0 }
	defer func() { spread = old }()

	var recordedA, recordedB atomic.Int64
	start := func(name string, n *atomic.Int64) (stop func()) {
		ctx, cancel := context.WithCancel(testCtx)
		e := NewEngine(NewStore(d, s.catalog), EngineOptions{Logger: nopLogger(), Holder: name, LeaseTTL: 900 * time.Millisecond,
			OnFlush: func(k int) { n.Add(int64(k)) }})
		done := make(chan struct{})
		go func() { e.Run(ctx); close(done) }()
		return func() { cancel(); <-done }
	}
	waitFor := func(what string, n *atomic.Int64, within time.Duration) {
		t.Helper()
		deadline := time.Now().Add(within)
		for n.Load() == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%s recorded nothing within %s", what, within)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	stopA := start("replica-a", &recordedA)
	waitFor("the first replica", &recordedA, 5*time.Second)
	stopB := start("replica-b", &recordedB)
	defer stopB()
	time.Sleep(1500 * time.Millisecond)
	if n := recordedB.Load(); n != 0 {
		t.Fatalf("got %d results from the replica without the lease, want 0", n)
	}
	stopA() // gives the lease up on the way out
	waitFor("the second replica, after the first stopped", &recordedB, 5*time.Second)
	var holder string
	if err := d.QueryRow(testCtx, `SELECT holder FROM leases WHERE name = $1`, engineLease).Scan(&holder); err != nil || holder != "replica-b" {
		t.Fatalf("got lease holder %q (%v), want replica-b", holder, err)
	}
}
