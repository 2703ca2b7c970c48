package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeClock is the limiter's clock in tests; advance moves it forward.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestLimiter(t *testing.T, window time.Duration, perAccount, perAddress int) (*LoginLimiter, *fakeClock) {
	t.Helper()
	c := &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := NewLoginLimiter(window, perAccount, perAddress)
	l.now = c.now
	return l, c
}

// step is one thing that happens to a limiter: the clock moves, a sign-in
// fails or succeeds, or the test checks whether a sign-in is allowed.
type step struct {
	advance   time.Duration
	fail      []string // account, address
	fails     int      // how many times to record fail (default 1)
	succeed   string   // account
	check     []string // account, address
	wantOK    bool
	wantWait  time.Duration
	checkNote string
}

func advance(d time.Duration) step { return step{advance: d} }
func fail(account, address string) step {
	return step{fail: []string{account, address}, fails: 1}
}
func failN(n int, account, address string) step {
	return step{fail: []string{account, address}, fails: n}
}
func succeed(account string) step { return step{succeed: account} }
func allowed(account, address, note string) step {
	return step{check: []string{account, address}, wantOK: true, checkNote: note}
}
func blocked(account, address string, wait time.Duration, note string) step {
	return step{check: []string{account, address}, wantOK: false, wantWait: wait, checkNote: note}
}

func TestLoginLimiter(t *testing.T) {
	const window = 10 * time.Minute
	cases := []struct {
		name                   string
		perAccount, perAddress int
		steps                  []step
	}{
		{
			name: "fresh limiter allows", perAccount: 3, perAddress: 10,
			steps: []step{allowed("ana", "10.0.0.1", "no failures yet")},
		},
		{
			name: "under the account limit", perAccount: 3, perAddress: 10,
			steps: []step{
				failN(2, "ana", "10.0.0.1"),
				allowed("ana", "10.0.0.1", "2 failures, limit 3"),
			},
		},
		{
			name: "account limit blocks from every address", perAccount: 3, perAddress: 10,
			steps: []step{
				fail("ana", "10.0.0.1"),
				fail("ana", "10.0.0.2"),
				fail("ana", "10.0.0.3"),
				blocked("ana", "10.0.0.1", window, "same address"),
				blocked("ana", "10.0.0.99", window, "new address, same account"),
				allowed("bob", "10.0.0.1", "other account, address under its limit"),
			},
		},
		{
			name: "address limit blocks every account", perAccount: 3, perAddress: 4,
			steps: []step{
				fail("ana", "10.0.0.1"),
				fail("bob", "10.0.0.1"),
				fail("cy", "10.0.0.1"),
				allowed("dee", "10.0.0.1", "3 failures from the address, limit 4"),
				fail("dee", "10.0.0.1"),
				blocked("eve", "10.0.0.1", window, "new account, same address"),
				allowed("eve", "10.0.0.2", "same account from another address"),
			},
		},
		{
			name: "wait counts from the oldest failure", perAccount: 3, perAddress: 10,
			steps: []step{
				fail("ana", "a1"),
				advance(2 * time.Minute),
				fail("ana", "a2"),
				advance(3 * time.Minute),
				fail("ana", "a3"),
				advance(1 * time.Minute),
				blocked("ana", "a4", window-6*time.Minute, "oldest failure 6m ago"),
			},
		},
		{
			name: "wait is the longer of account and address", perAccount: 2, perAddress: 2,
			steps: []step{
				fail("ana", "10.0.0.1"), // account ana and address .1 at 0m
				advance(4 * time.Minute),
				fail("bob", "10.0.0.1"), // address .1 full at 4m: frees at 10m
				fail("ana", "10.0.0.2"), // account ana full at 4m: frees at 10m (from 0m)
				fail("bob", "10.0.0.3"), // account bob full at 4m: frees at 14m (from 4m)
				blocked("ana", "10.0.0.1", window-4*time.Minute, "both limits reached, oldest at 0m"),
				blocked("bob", "10.0.0.1", window, "account bob frees at 14m, address at 10m"),
				failN(2, "cy", "10.0.0.4"), // address .4 full at 4m: frees at 14m
				blocked("ana", "10.0.0.4", window, "account ana frees at 10m, address at 14m"),
			},
		},
		{
			name: "failures expire after the window", perAccount: 3, perAddress: 10,
			steps: []step{
				failN(3, "ana", "10.0.0.1"),
				advance(window - time.Second),
				blocked("ana", "10.0.0.1", time.Second, "one second before the window ends"),
				advance(time.Second),
				allowed("ana", "10.0.0.1", "exactly one window later"),
			},
		},
		{
			name: "expiry is per failure, not all at once", perAccount: 3, perAddress: 10,
			steps: []step{
				fail("ana", "a"),
				advance(5 * time.Minute),
				failN(2, "ana", "a"),
				advance(5 * time.Minute),
				allowed("ana", "a", "first failure expired, two remain"),
				fail("ana", "a"),
				blocked("ana", "a", 5*time.Minute, "three failures again, oldest 5m ago"),
			},
		},
		{
			name: "success clears the account", perAccount: 3, perAddress: 10,
			steps: []step{
				failN(3, "ana", "10.0.0.1"),
				blocked("ana", "10.0.0.1", window, "before success"),
				succeed("ana"),
				allowed("ana", "10.0.0.1", "after success"),
				failN(2, "ana", "10.0.0.1"),
				allowed("ana", "10.0.0.1", "count restarted at zero"),
			},
		},
		{
			name: "success does not clear the address", perAccount: 10, perAddress: 3,
			steps: []step{
				fail("ana", "10.0.0.1"),
				fail("bob", "10.0.0.1"),
				fail("cy", "10.0.0.1"),
				succeed("ana"),
				blocked("ana", "10.0.0.1", window, "address still over its limit"),
				allowed("ana", "10.0.0.2", "account itself is clear"),
			},
		},
		{
			name: "success clears only that account", perAccount: 2, perAddress: 10,
			steps: []step{
				failN(2, "ana", "a"),
				failN(2, "bob", "b"),
				succeed("ana"),
				allowed("ana", "a", "cleared"),
				blocked("bob", "b", window, "not cleared"),
			},
		},
		{
			name: "account and address keys do not collide", perAccount: 2, perAddress: 10,
			steps: []step{
				// An account named like an address must not count toward it.
				failN(2, "10.0.0.1", "10.0.0.9"),
				allowed("ana", "10.0.0.1", "address 10.0.0.1 has no failures"),
			},
		},
		{
			// Concurrent attempts can each pass Allowed before any of them
			// records its failure, leaving more failures than the limit. The
			// wait returned must still be long enough: after it, a sign-in is
			// allowed.
			name: "wait covers failures beyond the limit", perAccount: 2, perAddress: 100,
			steps: []step{
				fail("ana", "a"),
				advance(time.Minute),
				fail("ana", "a"),
				advance(time.Minute),
				fail("ana", "a"), // third failure, over a limit of 2
				blocked("ana", "a", window-time.Minute, "second-oldest failure (1m ago) must expire"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, clock := newTestLimiter(t, window, tc.perAccount, tc.perAddress)
			for i, s := range tc.steps {
				switch {
				case s.advance != 0:
					clock.advance(s.advance)
				case s.fail != nil:
					for range s.fails {
						l.Failed(s.fail[0], s.fail[1])
					}
				case s.succeed != "":
					l.Succeeded(s.succeed)
				case s.check != nil:
					ok, wait := l.Allowed(s.check[0], s.check[1])
					if ok != s.wantOK || wait != s.wantWait {
						t.Errorf("step %d (%s): Allowed(%q, %q): got (%v, %v), want (%v, %v)",
							i, s.checkNote, s.check[0], s.check[1], ok, wait, s.wantOK, s.wantWait)
					}
					if !ok {
						// After the returned wait the sign-in must be allowed
						// (unless new failures arrive). Allowed prunes, so look
						// ahead on a copy of the state and restore it after.
						savedTime, savedFailures := clock.t, copyFailures(l.failures)
						clock.advance(wait)
						if ok2, wait2 := l.Allowed(s.check[0], s.check[1]); !ok2 {
							t.Errorf("step %d (%s): after waiting %v, Allowed: got (false, %v), want (true, 0)", i, s.checkNote, wait, wait2)
						}
						clock.t, l.failures = savedTime, savedFailures
					}
				}
			}
		})
	}
}

func copyFailures(m map[string][]time.Time) map[string][]time.Time {
	out := make(map[string][]time.Time, len(m))
	for k, v := range m {
		out[k] = append([]time.Time(nil), v...)
	}
	return out
}

func TestLoginLimiterForgetsExpiredKeys(t *testing.T) {
	const window = time.Minute
	l, clock := newTestLimiter(t, window, 5, 5)
	l.Failed("ana", "10.0.0.1")
	if got, want := len(l.failures), 2; got != want {
		t.Fatalf("keys after one failure: got %d, want %d", got, want)
	}
	clock.advance(window)
	if ok, _ := l.Allowed("ana", "10.0.0.1"); !ok {
		t.Fatalf("Allowed after the window: got false, want true")
	}
	if got := len(l.failures); got != 0 {
		t.Errorf("keys after the failures expired and were checked: got %d (%v), want 0", got, l.failures)
	}
}

func TestLoginLimiterConcurrent(t *testing.T) {
	// Run under -race: every method takes the lock. The clock does not move.
	const window = time.Minute
	l, _ := newTestLimiter(t, window, 1000, 300)
	const goroutines, rounds = 8, 50
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			account, address := fmt.Sprintf("user%d", g), fmt.Sprintf("10.0.0.%d", g)
			for range rounds {
				l.Allowed(account, address)
				l.Failed(account, address)
				l.Failed(account, "10.0.0.255")
			}
			l.Succeeded(account)
		}()
	}
	wg.Wait()
	for g := range goroutines {
		account, address := fmt.Sprintf("user%d", g), fmt.Sprintf("10.0.0.%d", g)
		if ok, wait := l.Allowed(account, address); !ok {
			t.Errorf("Allowed(%q, %q) after Succeeded, %d address failures (limit 300): got (false, %v), want (true, 0)", account, address, rounds, wait)
		}
	}
	// 400 failures from the shared address, over its limit of 300, none lost.
	if ok, wait := l.Allowed("newcomer", "10.0.0.255"); ok || wait != window {
		t.Errorf("Allowed(newcomer, shared address with %d failures): got (%v, %v), want (false, %v)", goroutines*rounds, ok, wait, window)
	}
	if got, want := len(l.failures["i:10.0.0.255"]), goroutines*rounds; got != want {
		t.Errorf("failures recorded for the shared address: got %d, want %d", got, want)
	}
}
