package probe

import (
	"context"
	"testing"
	"time"
)

func TestHeartbeat(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		interval  time.Duration
		lastBeat  time.Time
		connected bool
		err       string
	}{
		{"never", time.Minute, time.Time{}, false, "no heartbeat received yet"},
		{"on time", time.Minute, now.Add(-30 * time.Second), true, ""},
		{"within grace", time.Minute, now.Add(-65 * time.Second), true, ""},
		{"late", time.Minute, now.Add(-67 * time.Second), false,
			"no heartbeat since 2026-03-01T11:58:53Z (1m7s ago, expected every 1m0s)"},
		{"grace is a tenth of a long interval", time.Hour, now.Add(-65 * time.Minute), true, ""},
		{"late after a long interval", time.Hour, now.Add(-67 * time.Minute), false,
			"no heartbeat since 2026-03-01T10:53:00Z (1h7m0s ago, expected every 1h0m0s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var k heartbeatKind
			s := Settings{Type: "heartbeat"}
			if err := k.Validate(&s); err != nil {
				t.Fatal(err)
			}
			obs := k.Check(context.Background(), &s, Env{Now: now, Interval: tt.interval, LastBeat: tt.lastBeat})
			if obs.Input.Connected != tt.connected || obs.Err != tt.err {
				t.Errorf("got %v %q, want %v %q", obs.Input.Connected, obs.Err, tt.connected, tt.err)
			}
			if obs.Input.ResponseTime != 0 {
				t.Errorf("ResponseTime %s, want 0", obs.Input.ResponseTime)
			}
		})
	}
}
