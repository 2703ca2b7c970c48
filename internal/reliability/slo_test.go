package reliability

import (
	"math"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/notify"
)

func TestSLOBudgetAndBurnAlerts(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout")
		if _, err := notify.NewStore(d).Create(testCtx, notify.ChannelInput{Name: "pager", Type: "webhook",
			Settings: notify.Settings{URL: "http://127.0.0.1:9/hook"}, MinSeverity: "major"}); err != nil {
			t.Fatal(err)
		}
		m := mustMonitor(t, s, httpMonitor("checkout-api", "checkout"))
		r := newTestRecorder(t, s)
		_, err := s.SaveSLO(testCtx, SLOInput{Name: "checkout-availability", Entity: "checkout", Kind: "availability", Objective: 0.99, Period: "30d"})
		if err != nil {
			t.Fatal(err)
		}
		lat, err := s.SaveSLO(testCtx, SLOInput{Name: "checkout-latency", Entity: "checkout", Monitor: "checkout-api", Kind: "latency", Objective: 0.9, ThresholdMS: 100, Period: "7d"})
		if err != nil {
			t.Fatal(err)
		}
		if lat.Monitor != "checkout-api" {
			t.Fatalf("got monitor %q, want checkout-api", lat.Monitor)
		}
		now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
		s.now = func() time.Time { return now }
		// A day of good checks, one a minute, half of them slow; then the
		// last hour fails one check in five: a burn of 20x a 1% budget.
		var batch []Result
		for i := 24 * 60; i > 0; i-- {
			at := now.Add(-time.Duration(i) * time.Minute)
			ok := i > 60 || i%5 != 0
			latency := 50 * time.Millisecond
			if i%2 == 0 {
				latency = 150 * time.Millisecond
			}
			batch = append(batch, result(m, at, ok, latency))
		}
		feed(t, r, batch...)
		o, _ := s.SLO(testCtx, "checkout-availability")
		st, err := s.SLOStatus(testCtx, o, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 1440 || st.Good != 1428 {
			t.Fatalf("got %v good of %v, want 1428 of 1440", st.Good, st.Total)
		}
		wantLeft := 1 - (12.0/1440)/0.01
		if math.Abs(st.BudgetLeft-wantLeft) > 1e-9 || st.BurnRate == nil || math.Abs(*st.BurnRate-20) > 1e-9 {
			t.Fatalf("got budget left %v burn %v, want %v and 20", st.BudgetLeft, st.BurnRate, wantLeft)
		}
		if len(st.Series) != 10 || st.Series[0].Left != 1 || math.Abs(st.Series[9].Left-wantLeft) > 1e-9 {
			t.Fatalf("got series %+v, want 10 points from 1 to %v", st.Series, wantLeft)
		}
		level, err := s.BurnLevel(testCtx, o, now)
		if err != nil || level != "page" {
			t.Fatalf("got level %q (%v), want page", level, err)
		}
		e := NewEngine(s, EngineOptions{Logger: nopLogger()})
		if err := e.EvaluateSLOs(testCtx, now); err != nil {
			t.Fatal(err)
		}
		o, _ = s.SLO(testCtx, "checkout-availability")
		if o.Alert != "page" || o.AlertSince == nil {
			t.Fatalf("got alert %q since %v, want page", o.Alert, o.AlertSince)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE kind = 'slo_page'`); n != 1 {
			t.Fatalf("got %d page messages, want 1", n)
		}
		if err := e.EvaluateSLOs(testCtx, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE kind = 'slo_page'`); n != 1 {
			t.Fatalf("got %d page messages after a second evaluation, want still 1", n)
		}
		// Latency: half the checks are over 100 ms, against a 90% objective.
		lst, err := s.SLOStatus(testCtx, lat, now, 0)
		if err != nil {
			t.Fatal(err)
		}
		if lst.Attainment == nil || math.Abs(*lst.Attainment-714.0/1440) > 0.02 {
			t.Fatalf("got latency attainment %v, want about %v", lst.Attainment, 714.0/1440)
		}
		// An hour later without failures the fast-burn page clears. With
		// two more days before, failing one check in sixty, the 3-day
		// window burns at 1.4x and the 6-hour one at 3.3x: a ticket.
		var more []Result
		for i := 0; i < 60; i++ {
			more = append(more, result(m, now.Add(time.Duration(i)*time.Minute), true, 10*time.Millisecond))
		}
		for i := 24*60 + 1; i <= 3*24*60; i++ {
			more = append(more, result(m, now.Add(-time.Duration(i)*time.Minute), i%60 != 0, 10*time.Millisecond))
		}
		feed(t, r, more...)
		later := now.Add(time.Hour)
		s.now = func() time.Time { return later }
		if level, _ := s.BurnLevel(testCtx, o, later); level != "ticket" {
			t.Fatalf("got %q an hour after the failures stopped, want ticket", level)
		}
	})
}

func TestSLOValidation(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout", "search")
		mustMonitor(t, s, httpMonitor("search-api", "search"))
		cases := []struct {
			name  string
			in    SLOInput
			field string
		}{
			{"objective 1", SLOInput{Name: "x", Entity: "checkout", Kind: "availability", Objective: 1}, "objective"},
			{"kind", SLOInput{Name: "x", Entity: "checkout", Kind: "speed", Objective: 0.9}, "kind"},
			{"latency without threshold", SLOInput{Name: "x", Entity: "checkout", Kind: "latency", Objective: 0.9}, "threshold_ms"},
			{"period", SLOInput{Name: "x", Entity: "checkout", Kind: "availability", Objective: 0.9, Period: "90d"}, "period"},
			{"monitor of another entity", SLOInput{Name: "x", Entity: "checkout", Monitor: "search-api", Kind: "availability", Objective: 0.9}, "monitor"},
			{"unknown entity", SLOInput{Name: "x", Entity: "nope", Kind: "availability", Objective: 0.9}, "entity"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.SaveSLO(testCtx, c.in)
				if e := apperr.As(err); e == nil || e.Field != c.field {
					t.Fatalf("got %v, want an error on %s", err, c.field)
				}
			})
		}
	})
}

func TestMaintenanceOccurrences(t *testing.T) {
	start := time.Date(2026, 1, 31, 22, 0, 0, 0, time.UTC)
	until := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		w      MaintenanceWindow
		at     time.Time
		within bool
	}{
		{"once inside", MaintenanceWindow{StartsAt: start, Duration: 7200}, start.Add(time.Hour), true},
		{"once after", MaintenanceWindow{StartsAt: start, Duration: 7200}, start.Add(3 * time.Hour), false},
		{"daily a week later", MaintenanceWindow{StartsAt: start, Duration: 3600, Recurrence: "daily"}, start.AddDate(0, 0, 7).Add(30 * time.Minute), true},
		{"daily outside", MaintenanceWindow{StartsAt: start, Duration: 3600, Recurrence: "daily"}, start.AddDate(0, 0, 7).Add(90 * time.Minute), false},
		{"weekly on the day", MaintenanceWindow{StartsAt: start, Duration: 3600, Recurrence: "weekly"}, start.AddDate(0, 0, 14).Add(time.Minute), true},
		{"weekly other day", MaintenanceWindow{StartsAt: start, Duration: 3600, Recurrence: "weekly"}, start.AddDate(0, 0, 15).Add(time.Minute), false},
		{"monthly next month", MaintenanceWindow{StartsAt: start, Duration: 3600, Recurrence: "monthly"}, start.AddDate(0, 2, 0).Add(time.Minute), true},
		{"after until", MaintenanceWindow{StartsAt: start, Duration: 3600, Recurrence: "daily", Until: &until}, until.AddDate(0, 0, 3).Add(22 * time.Hour), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, _, got := c.w.Occurrence(c.at); got != c.within {
				t.Fatalf("got %v at %s, want %v", got, c.at, c.within)
			}
		})
	}
	w := MaintenanceWindow{StartsAt: start, Duration: 3600, Recurrence: "weekly"}
	next, ok := w.Next(start.Add(time.Hour))
	if !ok || !next.Equal(start.AddDate(0, 0, 7)) {
		t.Fatalf("got next %s, want a week after the start", next)
	}
}
