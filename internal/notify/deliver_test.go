package notify_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/notify"
)

// clock is a time the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Add(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// receiver is a webhook endpoint that fails the first failFirst requests
// with 500 and records every request.
type receiver struct {
	srv *httptest.Server

	mu        sync.Mutex
	failFirst int
	hold      chan struct{} // when set, requests wait for it to close
	requests  []received
}

type received struct {
	header http.Header
	body   []byte
	status int
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	t.Helper()
	r := &receiver{failFirst: failFirst}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	hold := r.hold
	r.mu.Unlock()
	if hold != nil {
		<-hold
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	status := http.StatusOK
	if len(r.requests) < r.failFirst {
		status = http.StatusInternalServerError
	}
	r.requests = append(r.requests, received{header: req.Header.Clone(), body: body, status: status})
	w.WriteHeader(status)
	if status != http.StatusOK {
		fmt.Fprint(w, "receiver is having a bad day")
	}
}

// got returns how many requests came and how many succeeded.
func (r *receiver) got() (all, ok int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range r.requests {
		if q.status == http.StatusOK {
			ok++
		}
	}
	return len(r.requests), ok
}

func (r *receiver) request(i int) received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[i]
}

func (r *receiver) setFailFirst(n int) {
	r.mu.Lock()
	r.failFirst = n
	r.mu.Unlock()
}

// start runs a deliverer that polls every 10 ms until the test ends or
// stop is called.
func start(t *testing.T, d *db.DB, opts ...notify.Option) (dl *notify.Deliverer, stop func()) {
	t.Helper()
	opts = append([]notify.Option{notify.WithPollInterval(10 * time.Millisecond)}, opts...)
	dl = notify.NewDeliverer(d, slog.New(slog.DiscardHandler), opts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		dl.Run(ctx)
		close(done)
	}()
	stop = func() {
		cancel()
		<-done
	}
	t.Cleanup(stop)
	return dl, stop
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// entry returns the outbox entry of the event key, which must be the only
// one with it.
func entry(t *testing.T, d *db.DB, key string) notify.OutboxEntry {
	t.Helper()
	es, _, err := notify.NewOutbox(d).List(context.Background(), notify.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var found []notify.OutboxEntry
	for _, e := range es {
		if e.EventKey == key {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("outbox entries for %s: got %d, want 1", key, len(found))
	}
	return found[0]
}

func waitStatus(t *testing.T, d *db.DB, key, status string) notify.OutboxEntry {
	t.Helper()
	var e notify.OutboxEntry
	waitFor(t, key+" "+status, func() bool {
		e = entry(t, d, key)
		return e.Status == status
	})
	return e
}

func waitAttempts(t *testing.T, d *db.DB, key string, n int) notify.OutboxEntry {
	t.Helper()
	var e notify.OutboxEntry
	waitFor(t, fmt.Sprintf("%s after %d attempts", key, n), func() bool {
		e = entry(t, d, key)
		return e.Attempts >= n
	})
	if e.Attempts != n {
		t.Fatalf("attempts of %s: got %d, want %d", key, e.Attempts, n)
	}
	return e
}

// quiet checks that nothing more reaches the receiver for a few polls.
func quiet(t *testing.T, r *receiver, want int) {
	t.Helper()
	time.Sleep(100 * time.Millisecond)
	if all, _ := r.got(); all != want {
		t.Fatalf("requests while nothing was due: got %d, want %d", all, want)
	}
}

func hookChannel(t *testing.T, d *db.DB, name, url string) notify.Channel {
	t.Helper()
	in := webhookInput(name)
	in.Settings.URL = url
	return mustCreate(t, notify.NewStore(d), in)
}

func TestDeliverWebhook(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		r := newReceiver(t, 0)
		hookChannel(t, d, "ops", r.srv.URL+"/hook")
		m := message("monitor:12:down:2026-11-28T02:00:00Z", notify.KindDown, "critical", "group:default/payments")
		m.Fields = map[string]string{"latency": "830 ms"}
		route(t, d, m)
		dl, _ := start(t, d)
		dl.Notify()

		e := waitStatus(t, d, m.EventKey, notify.StatusSent)
		if e.Attempts != 1 || e.SentAt == nil {
			t.Errorf("entry: got attempts %d, sent_at %v; want 1 and set", e.Attempts, e.SentAt)
		}
		quiet(t, r, 1)
		q := r.request(0)
		if got := q.header.Get("X-Chief-Event"); got != "down" {
			t.Errorf("X-Chief-Event: got %q, want down", got)
		}
		if got := q.header.Get("X-Chief-Delivery"); got != m.EventKey {
			t.Errorf("X-Chief-Delivery: got %q, want %q", got, m.EventKey)
		}
		if got := q.header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type: got %q, want application/json", got)
		}
		// The receiver checks the signature as a receiver would.
		sig := q.header.Get("X-Chief-Signature-256")
		if want := notify.Sign("s3cret", q.body); !hmac.Equal([]byte(sig), []byte(want)) || !strings.HasPrefix(sig, "sha256=") || len(sig) != 7+64 {
			t.Errorf("X-Chief-Signature-256: got %q, want %q", sig, want)
		}
		if notify.Sign("wrong", q.body) == sig {
			t.Error("a wrong secret gives the same signature")
		}
		var got notify.Message
		if err := json.Unmarshal(q.body, &got); err != nil {
			t.Fatal(err)
		}
		if got.EventKey != m.EventKey || got.Title != m.Title || !got.At.Equal(m.At) || got.Fields["latency"] != "830 ms" || got.Team != m.Team {
			t.Errorf("body: got %+v, want %+v", got, m)
		}
		c, err := notify.NewStore(d).Get(context.Background(), "ops")
		if err != nil {
			t.Fatal(err)
		}
		if c.LastSentAt == nil || c.LastErrorAt != nil {
			t.Errorf("channel status: got last sent %v, last error %v; want sent and no error", c.LastSentAt, c.LastErrorAt)
		}
		counts, err := notify.NewOutbox(d).Counts(context.Background())
		if err != nil || counts != (notify.OutboxCounts{Sent: 1}) {
			t.Errorf("Counts: got %+v (%v), want 1 sent", counts, err)
		}
	})
}

func TestDeliverUnsignedWithoutSecret(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		r := newReceiver(t, 0)
		in := webhookInput("ops")
		in.Settings = notify.Settings{URL: r.srv.URL}
		mustCreate(t, notify.NewStore(d), in)
		route(t, d, message("e1", notify.KindDown, "major", ""))
		start(t, d)
		waitStatus(t, d, "e1", notify.StatusSent)
		if sig := r.request(0).header.Get("X-Chief-Signature-256"); sig != "" {
			t.Errorf("signature without a secret: got %q, want none", sig)
		}
	})
}

func TestDeliverRetriesUntilAccepted(t *testing.T) {
	const failures = 3
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		r := newReceiver(t, failures)
		hookChannel(t, d, "ops", r.srv.URL)
		route(t, d, message("e1", notify.KindDown, "major", ""))
		start(t, d, notify.WithBackoff(func(int) time.Duration { return 0 }))

		e := waitStatus(t, d, "e1", notify.StatusSent)
		if e.Attempts != failures+1 {
			t.Errorf("attempts: got %d, want %d", e.Attempts, failures+1)
		}
		if !strings.Contains(e.LastError, "500") {
			t.Errorf("last error: got %q, want the 500 it last saw", e.LastError)
		}
		quiet(t, r, failures+1)
		if _, ok := r.got(); ok != 1 {
			t.Errorf("accepted deliveries: got %d, want 1", ok)
		}
		c, _ := notify.NewStore(d).Get(context.Background(), "ops")
		if c.LastSentAt == nil || c.LastErrorAt == nil || !strings.Contains(c.LastError, "500 Internal Server Error: receiver is having a bad day") {
			t.Errorf("channel status: got %v / %v / %q, want both times and the error", c.LastSentAt, c.LastErrorAt, c.LastError)
		}
	})
}

func TestDeliverWaitsForBackoff(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		r := newReceiver(t, 1)
		hookChannel(t, d, "ops", r.srv.URL)
		route(t, d, message("e1", notify.KindDown, "major", ""))
		clk := newClock()
		var seen []int
		var mu sync.Mutex
		dl, _ := start(t, d, notify.WithClock(clk.Now), notify.WithBackoff(func(n int) time.Duration {
			mu.Lock()
			seen = append(seen, n)
			mu.Unlock()
			return 10 * time.Second
		}))
		e := waitAttempts(t, d, "e1", 1)
		if want := clk.Now().UTC().Truncate(time.Second).Add(10 * time.Second); !e.NextAttemptAt.Equal(want) {
			t.Errorf("next attempt: got %v, want %v", e.NextAttemptAt, want)
		}
		quiet(t, r, 1)
		clk.Add(9 * time.Second)
		dl.Notify()
		quiet(t, r, 1)
		clk.Add(time.Second)
		dl.Notify()
		e = waitStatus(t, d, "e1", notify.StatusSent)
		if e.Attempts != 2 {
			t.Errorf("attempts: got %d, want 2", e.Attempts)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(seen) != 1 || seen[0] != 1 {
			t.Errorf("backoff asked for attempts %v, want [1]", seen)
		}
	})
}

func TestDeliverToReceiverThatWasDown(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		// Take a free port and close it: connecting is refused.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		hookChannel(t, d, "ops", "http://"+addr+"/hook")
		route(t, d, message("e1", notify.KindDown, "major", ""))
		clk := newClock()
		dl, _ := start(t, d, notify.WithClock(clk.Now), notify.WithBackoff(func(int) time.Duration { return time.Minute }))

		e := waitAttempts(t, d, "e1", 1)
		if !strings.Contains(e.LastError, "refused") {
			t.Errorf("last error: got %q, want connection refused", e.LastError)
		}
		clk.Add(time.Minute)
		dl.Notify()
		waitAttempts(t, d, "e1", 2)

		// The receiver comes up on the same address.
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("port %s taken meanwhile: %v", addr, err)
		}
		r := &receiver{}
		r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
		r.srv.Listener.Close()
		r.srv.Listener = ln
		r.srv.Start()
		t.Cleanup(r.srv.Close)

		clk.Add(time.Minute)
		dl.Notify()
		e = waitStatus(t, d, "e1", notify.StatusSent)
		if e.Attempts != 3 {
			t.Errorf("attempts: got %d, want 3", e.Attempts)
		}
		quiet(t, r, 1)
	})
}

func TestDeliverAfterRestart(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		r := newReceiver(t, 1000)
		hookChannel(t, d, "ops", r.srv.URL)
		route(t, d, message("e1", notify.KindDown, "major", ""))
		clk := newClock()
		backoff := notify.WithBackoff(func(int) time.Duration { return time.Minute })

		_, stop := start(t, d, notify.WithClock(clk.Now), backoff)
		waitAttempts(t, d, "e1", 1)
		stop()

		r.setFailFirst(0)
		clk.Add(time.Minute)
		start(t, d, notify.WithClock(clk.Now), backoff)
		e := waitStatus(t, d, "e1", notify.StatusSent)
		if e.Attempts != 2 {
			t.Errorf("attempts: got %d, want 2", e.Attempts)
		}
		quiet(t, r, 2)
		if _, ok := r.got(); ok != 1 {
			t.Errorf("accepted deliveries: got %d, want 1", ok)
		}
	})
}

func TestDeliverAfterCrashWaitsForLease(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		r := newReceiver(t, 0)
		hookChannel(t, d, "ops", r.srv.URL)
		route(t, d, message("e1", notify.KindDown, "major", ""))
		clk := newClock()
		// A deliverer claimed the message and died before recording
		// anything.
		lease := clk.Now().UTC().Truncate(time.Second).Add(2 * time.Minute)
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.ExecContext(context.Background(), `UPDATE notify_outbox SET claimed_until = $1`, lease)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		dl, _ := start(t, d, notify.WithClock(clk.Now))
		quiet(t, r, 0)
		clk.Add(2 * time.Minute)
		dl.Notify()
		e := waitStatus(t, d, "e1", notify.StatusSent)
		if e.Attempts != 1 {
			t.Errorf("attempts: got %d, want 1", e.Attempts)
		}
		quiet(t, r, 1)
	})
}

func TestDeliverersShareTheOutbox(t *testing.T) {
	const events = 30
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		r := newReceiver(t, 0)
		hookChannel(t, d, "ops", r.srv.URL)
		for i := range events {
			route(t, d, message(fmt.Sprintf("e%02d", i), notify.KindDown, "major", ""))
		}
		for range 3 {
			start(t, d, notify.WithConcurrency(2))
		}
		waitFor(t, "all sent", func() bool {
			c, err := notify.NewOutbox(d).Counts(context.Background())
			return err == nil && c.Sent == events
		})
		quiet(t, r, events)
		r.mu.Lock()
		defer r.mu.Unlock()
		seen := map[string]int{}
		for _, q := range r.requests {
			seen[q.header.Get("X-Chief-Delivery")]++
		}
		for i := range events {
			if k := fmt.Sprintf("e%02d", i); seen[k] != 1 {
				t.Errorf("deliveries of %s: got %d, want 1", k, seen[k])
			}
		}
	})
}

func TestDeliverGivesUp(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		r := newReceiver(t, 1000)
		hookChannel(t, d, "ops", r.srv.URL)
		route(t, d, message("e1", notify.KindDown, "major", ""))
		clk := newClock()
		dl, _ := start(t, d, notify.WithClock(clk.Now), notify.WithBackoff(func(int) time.Duration { return time.Hour }))
		waitAttempts(t, d, "e1", 1)

		clk.Add(49 * time.Hour)
		dl.Notify()
		e := waitStatus(t, d, "e1", notify.StatusFailed)
		if e.Attempts != 2 || e.FailedAt == nil || e.SentAt != nil {
			t.Errorf("entry: got %+v, want 2 attempts and failed", e)
		}
		clk.Add(2 * time.Hour)
		dl.Notify()
		quiet(t, r, 2)
		c, err := notify.NewOutbox(d).Counts(context.Background())
		if err != nil || c != (notify.OutboxCounts{Failed: 1}) {
			t.Errorf("Counts: got %+v (%v), want 1 failed", c, err)
		}
	})
}

func TestDeliverFinishesSendOnShutdown(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		r := newReceiver(t, 0)
		release := make(chan struct{})
		r.hold = release
		hookChannel(t, d, "ops", r.srv.URL)
		route(t, d, message("e1", notify.KindDown, "major", ""))
		_, stop := start(t, d)
		waitFor(t, "the send to start", func() bool {
			e := entry(t, d, "e1")
			return e.Status == notify.StatusPending && e.Attempts == 0 && claimed(t, d)
		})
		stopped := make(chan struct{})
		go func() {
			stop()
			close(stopped)
		}()
		select {
		case <-stopped:
			t.Fatal("Run returned while a send was under way")
		case <-time.After(50 * time.Millisecond):
		}
		close(release)
		<-stopped
		if e := entry(t, d, "e1"); e.Status != notify.StatusSent || e.Attempts != 1 {
			t.Errorf("after shutdown: got status %s after %d attempts, want sent after 1", e.Status, e.Attempts)
		}
	})
}

// claimed reports whether some outbox message is under lease.
func claimed(t *testing.T, d *db.DB) bool {
	t.Helper()
	var n int
	if err := d.Read().QueryRow(`SELECT COUNT(*) FROM notify_outbox WHERE claimed_until IS NOT NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}
