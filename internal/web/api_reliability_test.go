package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/reliability"
)

func TestAPISince(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"", now.Add(-90 * 24 * time.Hour)},
		{"90d", now.AddDate(0, 0, -90)},
		{"1d", now.AddDate(0, 0, -1)},
		{"12h", now.Add(-12 * time.Hour)},
		{"30m", now.Add(-30 * time.Minute)},
		{"2026-01-31", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)},
		{"2026-01-31T09:00:00+02:00", time.Date(2026, 1, 31, 7, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := apiSince(url.Values{"since": {tc.in}}, "since", 90*24*time.Hour, now)
			if err != nil {
				t.Fatalf("got error %v, want %s", err, tc.want)
			}
			if !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	for _, in := range []string{"soon", "-5d", "0d", "0s", "-1h", "5x", "d", "99999d", "2026-13-01"} {
		t.Run("bad "+in, func(t *testing.T) {
			_, err := apiSince(url.Values{"since": {in}}, "since", time.Hour, now)
			if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || e.Field != "since" {
				t.Errorf("got %v, want an invalid error naming since", err)
			}
		})
	}
}

func TestAPILimit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"", 100, true}, {"1", 1, true}, {"1000", 1000, true},
		{"0", 0, false}, {"1001", 0, false}, {"-3", 0, false}, {"ten", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := apiLimit(url.Values{"limit": {tc.in}}, 100, 1000)
			if tc.ok && (err != nil || got != tc.want) {
				t.Errorf("got %d, %v; want %d", got, err, tc.want)
			}
			if e := apperr.As(err); !tc.ok && (e == nil || e.Field != "limit") {
				t.Errorf("got %d, %v; want an invalid error naming limit", got, err)
			}
		})
	}
}

// TestAPIHeartbeatURL checks that the address is built from the request
// and shown to editors only.
func TestAPIHeartbeatURL(t *testing.T) {
	st := reliability.MonitorStatus{Name: "nightly", Type: "heartbeat"}
	st.Monitor.HeartbeatToken = "abc123"
	for _, tc := range []struct {
		name    string
		role    auth.Role // "" for nobody signed in
		proto   string
		want    string
		noToken bool
	}{
		{name: "editor", role: auth.Editor, want: "http://chief.example.com/heartbeat/abc123"},
		{name: "admin behind a TLS proxy", role: auth.Admin, proto: "https", want: "https://chief.example.com/heartbeat/abc123"},
		{name: "viewer", role: auth.Viewer, want: ""},
		{name: "nobody", want: ""},
		{name: "not a heartbeat monitor", role: auth.Admin, noToken: true, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://chief.example.com/api/v1/monitors", nil)
			if tc.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			if tc.role != "" {
				r = r.WithContext(context.WithValue(r.Context(), principalKey{}, &principal{user: auth.User{Role: tc.role}}))
			}
			in := st
			if tc.noToken {
				in.Monitor.HeartbeatToken = ""
			}
			if got := (&Server{}).apiHeartbeat(r, in).HeartbeatURL; got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
