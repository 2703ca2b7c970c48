package auth

import (
	"sync"
	"time"
)

// LoginLimiter slows password guessing: after too many failed sign-ins for
// an account or from an address within the window, further attempts for that
// key are refused until the window has passed. It lives in memory, so each
// replica counts on its own.
type LoginLimiter struct {
	mu         sync.Mutex
	window     time.Duration
	perAccount int
	perAddress int
	failures   map[string][]time.Time
	swept      time.Time
	now        func() time.Time
}

// NewLoginLimiter allows perAccount failures per account and perAddress per
// client address within window. Limits below one count as one.
func NewLoginLimiter(window time.Duration, perAccount, perAddress int) *LoginLimiter {
	perAccount, perAddress = max(perAccount, 1), max(perAddress, 1)
	return &LoginLimiter{window: window, perAccount: perAccount, perAddress: perAddress,
		failures: map[string][]time.Time{}, now: time.Now}
}

// Allowed reports whether a sign-in for the account from the address may be
// tried now, and if not, how long to wait.
func (l *LoginLimiter) Allowed(account, address string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	wait := time.Duration(0)
	for _, k := range []struct {
		key   string
		limit int
	}{{"a:" + account, l.perAccount}, {"i:" + address, l.perAddress}} {
		recent := l.prune(k.key, now)
		if len(recent) >= k.limit {
			// Allowed again once all but limit-1 failures have expired.
			if w := recent[len(recent)-k.limit].Add(l.window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait == 0, wait
}

// Failed records a failed sign-in.
func (l *LoginLimiter) Failed(account, address string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, key := range []string{"a:" + account, "i:" + address} {
		l.failures[key] = append(l.prune(key, now), now)
	}
	// Sweep expired keys now and then, not on every call, so that many
	// addresses cannot make each failure cost a full scan.
	if len(l.failures) > 100_000 && now.Sub(l.swept) > time.Minute {
		l.swept = now
		for k := range l.failures {
			l.prune(k, now)
		}
	}
}

// Succeeded clears the account's failures.
func (l *LoginLimiter) Succeeded(account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, "a:"+account)
}

func (l *LoginLimiter) prune(key string, now time.Time) []time.Time {
	list := l.failures[key]
	i := 0
	for i < len(list) && now.Sub(list[i]) >= l.window {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = list
	return list
}
