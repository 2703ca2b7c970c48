package web

import (
	"net/http"
	"testing"

	"github.com/chief-hq/chief/internal/reliability"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

func TestHeartbeat(t *testing.T) {
	f := newIncFixture(t, "nightly-backup")
	m, err := f.s.rel.CreateMonitor(f.ctx, reliability.MonitorInput{Name: "backup", Entity: "nightly-backup", Settings: probe.Settings{Type: "heartbeat"}})
	if err != nil {
		t.Fatalf("create monitor: %v", err)
	}
	if m.HeartbeatToken == "" {
		t.Fatal("heartbeat monitor: got no token")
	}
	for _, tc := range []struct {
		name, method, token string
		status              int
		body                string
	}{
		{"GET with the token", http.MethodGet, m.HeartbeatToken, http.StatusOK, "ok\n"},
		// No Origin or Sec-Fetch-Site header, as curl sends it: cross-origin
		// protection must let it through.
		{"POST with the token", http.MethodPost, m.HeartbeatToken, http.StatusOK, "ok\n"},
		{"unknown token", http.MethodGet, "not-a-token", http.StatusNotFound, ""},
		{"unknown token by POST", http.MethodPost, "not-a-token", http.StatusNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, tc.method, "/heartbeat/"+tc.token, nil)
			wantHTTPStatus(t, tc.method+" heartbeat", r, tc.status)
			if tc.body != "" && r.body != tc.body {
				t.Errorf("body: got %q, want %q", r.body, tc.body)
			}
		})
	}
}
