package demo

import (
	"context"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/delivery"
)

func TestDemoDeliveryTeamsDiffer(t *testing.T) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "demo"})
	d := dbtest.OpenSQLite(t)
	if _, err := Load(ctx, d); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	start := time.Now()
	// Two teams, to keep the test quick under the race
	// detector.
	teams := map[string]bool{"team-platform": true, "team-legacy": true}
	if err := loadDelivery(ctx, d, now, 365, teams); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded a year of delivery history in %v", time.Since(start))
	s := delivery.NewStore(d, catalog.NewStore(d))
	win, err := delivery.ParseWindow("90d", "", "", now)
	if err != nil {
		t.Fatal(err)
	}
	bench := delivery.Benchmarks[0]
	tiers := func(team string) (delivery.Keys, map[string][]string) {
		k, err := s.Measure(ctx, delivery.Scope{Team: team}, win)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, p := range bench.Place(k) {
			out[p.Measure] = p.Tiers
		}
		return k, out
	}
	elite, eliteTiers := tiers("team-platform")
	legacy, legacyTiers := tiers("team-legacy")
	t.Logf("platform: %+v %v", elite, eliteTiers)
	t.Logf("legacy: %+v %v", legacy, legacyTiers)
	if got := eliteTiers["deployment_frequency"]; len(got) != 1 || got[0] != "elite" {
		t.Errorf("platform deployment frequency tiers %v, want elite", got)
	}
	if got := eliteTiers["lead_time"]; len(got) != 1 || got[0] != "elite" {
		t.Errorf("platform lead time tiers %v, want elite", got)
	}
	if got := legacyTiers["lead_time"]; len(got) != 1 || got[0] != "low" {
		t.Errorf("legacy lead time tiers %v, want low", got)
	}
	if legacy.FailureRate == nil || elite.FailureRate == nil || *legacy.FailureRate < 3**elite.FailureRate {
		t.Errorf("failure rates: legacy %v, platform %v; want legacy far worse", legacy.FailureRate, elite.FailureRate)
	}
	// Loading again changes nothing.
	_, before, _ := s.Deployments(ctx, delivery.DeploymentQuery{Limit: 1})
	if err := loadDelivery(ctx, d, now, 365, teams); err != nil {
		t.Fatal(err)
	}
	_, after, _ := s.Deployments(ctx, delivery.DeploymentQuery{Limit: 1})
	if before == 0 || after != before {
		t.Errorf("second load: %d then %d deployments, want the same", before, after)
	}
}
