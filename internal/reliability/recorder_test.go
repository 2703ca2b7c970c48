package reliability

import (
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/notify"
)

func TestOutageOpensOneIncidentAndRecoveryResolvesIt(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout")
		if _, err := notify.NewStore(d).Create(testCtx, notify.ChannelInput{Name: "ops", Type: "webhook",
			Settings: notify.Settings{URL: "http://127.0.0.1:9/hook"}, SendRecovery: true}); err != nil {
			t.Fatal(err)
		}
		in := httpMonitor("checkout-api", "checkout")
		in.FailureThreshold, in.SuccessThreshold = 2, 2
		api := mustMonitor(t, s, in)
		web := mustMonitor(t, s, httpMonitor("checkout-web", "checkout"))
		r := newTestRecorder(t, s)
		t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		at := func(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

		feed(t, r, result(api, at(0), true, 20*time.Millisecond), result(web, at(1), true, 30*time.Millisecond))
		feed(t, r, result(api, at(30), false, 0))
		if st := r.states[api.ID].state; st != StateUp {
			t.Fatalf("got %s after one failure with threshold 2, want up", st)
		}
		feed(t, r, result(api, at(60), false, 0), result(web, at(61), false, 0))
		feed(t, r, result(api, at(90), false, 0), result(web, at(91), false, 0))
		if r.states[api.ID].state != StateDown || r.states[web.ID].state != StateDown {
			t.Fatalf("got %s and %s, want both down", r.states[api.ID].state, r.states[web.ID].state)
		}
		incs, err := s.Incidents(testCtx, IncidentFilter{Open: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(incs) != 1 || incs[0].Entity != "component:default/checkout" || !incs[0].Auto || incs[0].Status != "investigating" {
			t.Fatalf("got %+v, want one automatic incident for checkout", incs)
		}
		if !incs[0].OpenedAt.Equal(at(60)) {
			t.Fatalf("got opened at %s, want %s (the second failure)", incs[0].OpenedAt, at(60))
		}
		// The web monitor recovers (threshold 1); the API monitor still fails.
		feed(t, r, result(web, at(121), true, 30*time.Millisecond), result(api, at(120), false, 0))
		if inc, _ := s.Incident(testCtx, incs[0].ID); inc.ResolvedAt != nil {
			t.Fatal("got the incident resolved while a monitor of the entity is still down")
		}
		feed(t, r, result(api, at(150), true, 20*time.Millisecond))
		feed(t, r, result(api, at(180), true, 20*time.Millisecond))
		inc, err := s.Incident(testCtx, incs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(at(180)) || inc.Status != "resolved" {
			t.Fatalf("got resolved_at %v status %s, want resolved at %s", inc.ResolvedAt, inc.Status, at(180))
		}
		public := 0
		for _, u := range inc.Updates {
			if u.Public {
				public++
			}
		}
		if public != 2 {
			t.Fatalf("got %d public updates, want 2 (investigating, resolved): %+v", public, inc.Updates)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM monitor_events`); n != 6 {
			t.Fatalf("got %d state changes, want 6 (2 first-ups, 2 downs, 2 ups)", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM check_results`); n != 11 {
			t.Fatalf("got %d results, want 11", n)
		}
		// Two down and two up alerts went to the outbox, once each.
		if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE kind = 'down'`); n != 2 {
			t.Fatalf("got %d down messages, want 2", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE kind = 'up'`); n != 2 {
			t.Fatalf("got %d up messages, want 2", n)
		}
		// A second outage is a new incident.
		feed(t, r, result(web, at(300), false, 0))
		if n := count(t, d, `SELECT COUNT(*) FROM incidents`); n != 2 {
			t.Fatalf("got %d incidents after a second outage, want 2", n)
		}
	})
}

func TestTakenOverIncidentStaysOpen(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout")
		m := mustMonitor(t, s, httpMonitor("checkout-api", "checkout"))
		r := newTestRecorder(t, s)
		t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		feed(t, r, result(m, t0, false, 0))
		incs, _ := s.Incidents(testCtx, IncidentFilter{Open: true})
		if len(incs) != 1 {
			t.Fatalf("got %d open incidents, want 1", len(incs))
		}
		if _, err := s.UpdateIncident(testCtx, incs[0].ID, UpdateInput{Status: "identified", Body: "Bad deploy; rolling back.", Public: true}); err != nil {
			t.Fatal(err)
		}
		feed(t, r, result(m, t0.Add(30*time.Second), true, time.Millisecond))
		inc, _ := s.Incident(testCtx, incs[0].ID)
		if inc.ResolvedAt != nil || !inc.Managed || inc.AcknowledgedAt == nil {
			t.Fatalf("got resolved=%v managed=%v acked=%v, want open, managed, acknowledged", inc.ResolvedAt, inc.Managed, inc.AcknowledgedAt)
		}
		if _, err := s.UpdateIncident(testCtx, inc.ID, UpdateInput{Status: "resolved", Body: "Rolled back."}); err != nil {
			t.Fatal(err)
		}
		inc, _ = s.Incident(testCtx, inc.ID)
		if inc.ResolvedAt == nil || inc.TimeToResolve() == nil {
			t.Fatal("got no resolution after a person resolved it")
		}
	})
}

func TestMaintenanceResultsChangeNoState(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout")
		m := mustMonitor(t, s, httpMonitor("checkout-api", "checkout"))
		r := newTestRecorder(t, s)
		t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		feed(t, r, result(m, t0, true, time.Millisecond))
		bad := result(m, t0.Add(30*time.Second), false, 0)
		bad.Maint = true
		feed(t, r, bad)
		if r.states[m.ID].state != StateUp {
			t.Fatalf("got %s after a failure during maintenance, want up", r.states[m.ID].state)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM incidents`); n != 0 {
			t.Fatalf("got %d incidents from maintenance, want 0", n)
		}
		s.now = func() time.Time { return t0.Add(time.Minute) }
		c, err := s.Counts(testCtx, []int64{m.ID}, t0, t0.Add(time.Minute), false)
		if err != nil {
			t.Fatal(err)
		}
		if got := *c[m.ID]; got.Good != 1 || got.Bad != 0 || got.Maint != 1 {
			t.Fatalf("got %+v, want 1 good, 0 bad, 1 maintenance", got)
		}
	})
}

func TestIncidentsPeopleChangeAreTold(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout")
		if _, err := notify.NewStore(d).Create(testCtx, notify.ChannelInput{Name: "payments", Type: "webhook",
			Settings: notify.Settings{URL: "http://127.0.0.1:9/hook"}, Teams: []string{"group:default/payments"}}); err != nil {
			t.Fatal(err)
		}
		inc, err := s.OpenIncident(testCtx, IncidentInput{Title: "Refunds stuck", Severity: "minor", Entity: "checkout", Message: "Looking."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateIncident(testCtx, inc.ID, UpdateInput{Status: "resolved", Body: "Queue drained."}); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{"incident_opened", "incident_resolved"} {
			if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE kind = $1`, kind); n != 1 {
				t.Fatalf("got %d %s messages for the owning team's channel, want 1", n, kind)
			}
		}
	})
}

func TestUptimeIsCutNotRounded(t *testing.T) {
	w := windowOf(&Counts{Good: 86400, Bad: 1})
	if w.Uptime == nil || *w.Uptime != 0.9999 {
		t.Fatalf("got %v for one failure in 86,401 checks, want 0.9999 (never 1)", w.Uptime)
	}
}

func TestAutomaticIncidentsUseTheStatusPageName(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "payment-gateway")
		if err := s.SetStatusPage(testCtx, []StatusEntry{{Entity: "payment-gateway", DisplayName: "Payments"}}); err != nil {
			t.Fatal(err)
		}
		m := mustMonitor(t, s, httpMonitor("payments-api", "payment-gateway"))
		r := newTestRecorder(t, s)
		feed(t, r, result(m, time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), false, 0))
		incs, _ := s.Incidents(testCtx, IncidentFilter{Open: true})
		if len(incs) != 1 || incs[0].Title != "Payments is down" {
			t.Fatalf("got %+v, want one incident titled with the status page's name", incs)
		}
	})
}
