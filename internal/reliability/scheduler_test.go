package reliability

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/dur"
)

func TestOffsetsSpreadMonitorsOverTheInterval(t *testing.T) {
	const n = 1000
	iv := 30 * time.Second
	slots := make([]int, 10)
	for id := int64(1); id <= n; id++ {
		o := offset(id, iv)
		if o < 0 || o >= iv {
			t.Fatalf("got offset %s for id %d, want within [0, %s)", o, id, iv)
		}
		slots[int(o*10/iv)]++
	}
	for i, c := range slots {
		if c < n/10/2 || c > n/10*2 {
			t.Fatalf("got %d monitors in tenth %d of the interval, want about %d: %v", c, i, n/10, slots)
		}
	}
}

func TestHungTargetsDelayNoOtherMonitor(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	s := newTestStore(t, d, "checkout")
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hung.Close()
	defer close(release)
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	defer fast.Close()

	for _, name := range []string{"hung-1", "hung-2", "hung-3"} {
		in := httpMonitor(name, "checkout")
		in.Target, in.Timeout = hung.URL, dur.Duration(3*time.Second)
		mustMonitor(t, s, in)
	}
	in := httpMonitor("fast", "checkout")
	in.Target, in.Interval = fast.URL, dur.Duration(10*time.Second)
	f := mustMonitor(t, s, in)

	old := spread
	spread = func(id int64, _ time.Duration) time.Duration {
		if id == f.ID {
			return 200 * time.Millisecond // after the hung checks have started
		}
		return 0
	}
	defer func() { spread = old }()

	var mu sync.Mutex
	flushed := map[int64]time.Time{}
	ctx, cancel := context.WithCancel(testCtx)
	e := NewEngine(s, EngineOptions{Logger: nopLogger(), Concurrency: 4})
	start := time.Now()
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		var at *int64
		_ = d.QueryRow(testCtx, `SELECT MAX(at) FROM check_results WHERE monitor_id = $1`, f.ID).Scan(&at)
		if at != nil {
			mu.Lock()
			flushed[f.ID] = time.Now()
			mu.Unlock()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	got, ok := flushed[f.ID]
	if !ok {
		t.Fatal("got no result for the fast monitor while three targets hung")
	}
	if took := got.Sub(start); took > 1500*time.Millisecond {
		t.Fatalf("got the fast monitor's result after %s, want well before the hung checks time out (3s)", took)
	}
	// Shutdown let the hung checks finish (cut short) without recording
	// them as failures of the target.
	if n := count(t, d, `SELECT COUNT(*) FROM check_results WHERE ok = FALSE`); n != 0 {
		t.Fatalf("got %d failed results from checks cut short by shutdown, want 0", n)
	}
}
