package demo

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/reliability"
)

func TestDemoReliabilityHasHistoryAndBurningBudgets(t *testing.T) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "demo"})
	d := dbtest.OpenSQLite(t)
	if _, err := Load(ctx, d); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	srv := httptest.NewServer(Targets(now))
	defer srv.Close()
	if err := LoadReliability(ctx, d, srv.URL, now); err != nil {
		t.Fatal(err)
	}
	s := reliability.NewStore(d, catalog.NewStore(d))
	mons, err := s.Monitors(ctx)
	if err != nil || len(mons) != len(services) {
		t.Fatalf("got %d monitors (%v), want %d", len(mons), err, len(services))
	}
	sts, err := s.Statuses(ctx, mons, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range sts {
		w := st.Windows["30d"]
		if w.Uptime == nil || w.Good < 80000 {
			t.Fatalf("%s: got 30-day window %+v, want a month of history", st.Name, w)
		}
		if st.Name == "checkout-service-health" && *w.Uptime >= 0.9995 {
			t.Fatalf("checkout: got 30-day uptime %v, want the past outage to show", *w.Uptime)
		}
	}
	incs, _ := s.Incidents(ctx, reliability.IncidentFilter{Open: true, Resolved: true})
	if len(incs) != len(outages) {
		t.Fatalf("got %d incidents, want %d", len(incs), len(outages))
	}
	o, err := s.SLO(ctx, "checkout-availability")
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.SLOStatus(ctx, o, now, 30)
	if err != nil {
		t.Fatal(err)
	}
	if st.BudgetLeft > 0.2 || st.BudgetLeft < -1 {
		t.Fatalf("got checkout budget left %v, want most of it spent by the 42-minute outage", st.BudgetLeft)
	}
	// Loading again, at another address, only repoints the monitors.
	if err := LoadReliability(ctx, d, "http://127.0.0.1:1", now); err != nil {
		t.Fatal(err)
	}
	m, _ := s.Monitor(ctx, "checkout-service-health")
	if m.Target != "http://127.0.0.1:1/demo/targets/checkout-service" {
		t.Fatalf("got target %s after a reload, want the new address", m.Target)
	}
	again, _ := s.Incidents(ctx, reliability.IncidentFilter{Open: true, Resolved: true})
	if len(again) != len(outages) {
		t.Fatalf("got %d incidents after a reload, want still %d", len(again), len(outages))
	}
}

func TestTargetsFailDuringLiveTrouble(t *testing.T) {
	started := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	var pay service
	for _, s := range services {
		if s.name == "payment-gateway" {
			pay = s
		}
	}
	if _, failing := pay.behaviour(started.Add(2*time.Minute), started); failing {
		t.Fatal("got payments failing 2 minutes after start, want the first outage at 3 minutes")
	}
	if _, failing := pay.behaviour(started.Add(4*time.Minute), started); !failing {
		t.Fatal("got payments up 4 minutes after start, want it failing")
	}
	if _, failing := pay.behaviour(started.Add(2*time.Hour+4*time.Minute), started); !failing {
		t.Fatal("got payments up during the second outage, want it failing")
	}
}
