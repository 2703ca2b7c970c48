package reliability

import (
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/dur"
)

func TestMonitorValidation(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout")
		mustMonitor(t, s, httpMonitor("checkout-api", "checkout"))
		cases := []struct {
			name  string
			edit  func(in *MonitorInput)
			field string
			code  apperr.Code
			msg   string
		}{
			{"bad name", func(in *MonitorInput) { in.Name = "Bad Name" }, "name", apperr.Invalid, "not a monitor name"},
			{"taken name", func(in *MonitorInput) { in.Name = "checkout-api" }, "name", apperr.Conflict, "exists already"},
			{"unknown entity", func(in *MonitorInput) { in.Entity = "component:default/nope" }, "entity", apperr.Invalid, "not in the catalog"},
			{"interval too short", func(in *MonitorInput) { in.Interval = dur.Duration(5 * time.Second) }, "interval", apperr.Invalid, "outside 10s to 24h"},
			{"interval too long", func(in *MonitorInput) { in.Interval = dur.Duration(25 * time.Hour) }, "interval", apperr.Invalid, "outside"},
			{"unknown type", func(in *MonitorInput) { in.Type = "smtp" }, "type", apperr.Invalid, "unknown monitor type"},
			{"bad condition", func(in *MonitorInput) { in.Conditions = []string{"[STATUS] == 200", "[STATUS] === 200"} }, "conditions[1]", apperr.Invalid, "column"},
			{"bad severity", func(in *MonitorInput) { in.Severity = "huge" }, "severity", apperr.Invalid, "not one of"},
			{"threshold", func(in *MonitorInput) { in.FailureThreshold = 1000 }, "failure_threshold", apperr.Invalid, "outside"},
			{"timeout over interval", func(in *MonitorInput) { in.Timeout = dur.Duration(40 * time.Second) }, "timeout", apperr.Invalid, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := httpMonitor("other", "checkout")
				c.edit(&in)
				_, err := s.CreateMonitor(testCtx, in)
				e := apperr.As(err)
				if e == nil {
					t.Fatalf("got %v, want an apperr", err)
				}
				if e.Code != c.code || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
					t.Fatalf("got %s %q %q, want %s %q containing %q", e.Code, e.Field, e.Message, c.code, c.field, c.msg)
				}
			})
		}
		if n := count(t, d, `SELECT COUNT(*) FROM monitors`); n != 1 {
			t.Fatalf("got %d monitors after bad input, want 1", n)
		}
	})
}

func TestMonitorLifecycle(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout", "search")
		m := mustMonitor(t, s, httpMonitor("checkout-api", "checkout"))
		if m.EntityKey != "component:default/checkout" || m.Interval.D() != 30*time.Second || m.FailureThreshold != 1 || m.Severity != "major" {
			t.Fatalf("got %+v, want defaults filled", m.MonitorInput)
		}
		if strings.Join(m.Conditions, ";") != "[STATUS] < 400" {
			t.Fatalf("got conditions %q, want the http default", m.Conditions)
		}
		in := m.MonitorInput
		in.Entity = "search"
		in.Conditions = []string{"[STATUS] == 200", "[RESPONSE_TIME] < 500"}
		up, err := s.UpdateMonitor(testCtx, "checkout-api", in)
		if err != nil {
			t.Fatal(err)
		}
		if up.EntityKey != "component:default/search" {
			t.Fatalf("got entity %s, want search", up.EntityKey)
		}
		if _, err := s.SetPaused(testCtx, "checkout-api", true); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Monitor(testCtx, "checkout-api")
		if !got.Paused || len(got.Conditions) != 2 {
			t.Fatalf("got paused=%v conditions=%v, want paused with 2 conditions", got.Paused, got.Conditions)
		}
		hb := MonitorInput{Name: "nightly-backup", Entity: "checkout", Interval: dur.Duration(24 * time.Hour)}
		hb.Type = "heartbeat"
		hbm := mustMonitor(t, s, hb)
		if len(hbm.HeartbeatToken) != 32 {
			t.Fatalf("got heartbeat token %q, want 32 hex characters", hbm.HeartbeatToken)
		}
		if _, err := s.RecordBeat(testCtx, hbm.HeartbeatToken); err != nil {
			t.Fatal(err)
		}
		if s.lastBeat(testCtx, hbm.ID).IsZero() {
			t.Fatal("got no last beat after RecordBeat")
		}
		if _, err := s.RecordBeat(testCtx, "nope"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("got %v for an unknown token, want not found", err)
		}
		if err := s.DeleteMonitor(testCtx, "checkout-api"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Monitor(testCtx, "checkout-api"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("got %v after delete, want not found", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE record_type = 'monitor'`); n != 5 {
			t.Fatalf("got %d monitor audit entries, want 5 (create, update, pause, create, delete)", n)
		}
	})
}
