package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/radar"
)

func TestDemoRadar(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: "demo"})
		if _, err := Load(ctx, d); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		start := time.Now()
		if err := LoadRadar(ctx, d, now); err != nil {
			t.Fatal(err)
		}
		t.Logf("loaded the demo radar in %v", time.Since(start))
		s := radar.NewStore(d, catalog.NewStore(d))

		techs, err := s.Technologies(ctx, radar.TechnologyQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(techs) < 55 || len(techs) > 70 {
			t.Errorf("got %d technologies, want about 60", len(techs))
		}
		perQuadrant := map[string]int{}
		for _, tech := range techs {
			perQuadrant[tech.QuadrantName]++
		}
		for _, q := range radar.DefaultRadar().Quadrants {
			if perQuadrant[q.Name] < 10 {
				t.Errorf("quadrant %s: got %d technologies, want at least 10", q.Name, perQuadrant[q.Name])
			}
		}

		// A year of history: the radar of seven months ago differs.
		snap, err := s.RadarAsOf(ctx, now, now.AddDate(0, 0, -90))
		if err != nil {
			t.Fatal(err)
		}
		markers := map[radar.Marker]int{}
		for _, b := range snap.Blips {
			markers[b.Marker]++
		}
		if markers[radar.MarkerNew] < 3 || markers[radar.MarkerIn] < 3 || markers[radar.MarkerOut] < 2 {
			t.Errorf("got markers %v over the last 90 days, want new, moved in and moved out ones", markers)
		}
		old, err := s.RadarAsOf(ctx, now.AddDate(0, 0, -200), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(old.Blips) >= len(snap.Blips) {
			t.Errorf("got %d blips 200 days ago and %d now, want fewer then", len(old.Blips), len(snap.Blips))
		}
		for _, b := range old.Blips {
			if b.Name == "Kafka" && b.RingName != "Trial" {
				t.Errorf("Kafka 200 days ago: got %s, want Trial", b.RingName)
			}
		}
		kafka, err := s.RingChanges(ctx, "Kafka")
		if err != nil {
			t.Fatal(err)
		}
		if n := len(kafka); n != 2 || kafka[1].Decision != 8 || kafka[1].ToName != "Adopt" || kafka[0].DecidedBy != board {
			t.Errorf("got Kafka's history %+v, want Trial by the board then Adopt citing ADR 8", kafka)
		}

		decisions, err := s.Decisions(ctx, radar.DecisionQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var superseded []int
		for _, dd := range decisions {
			if dd.Status == radar.StatusSuperseded {
				superseded = append(superseded, dd.Number)
			}
		}
		if len(decisions) != 15 || !slices.Equal(superseded, []int{3, 5, 6}) {
			t.Errorf("got %d decisions, superseded %v; want 15 with 3, 5 and 6 superseded", len(decisions), superseded)
		}
		if dd, _ := s.Decision(ctx, 10); !slices.Contains(dd.Entities, "component:default/legacy-storefront") {
			t.Errorf("ADR 10 links %v, want the legacy storefront", dd.Entities)
		}

		// The legacy storefront is on the hold report with what it still
		// runs; its owner is the group the catalog lacks.
		hold, err := s.HoldReport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var legacy []string
		for _, e := range hold {
			if e.Entity == "component:default/legacy-storefront" {
				legacy = append(legacy, e.Technology)
				if e.Owner != "group:default/team-legacy" || e.Lifecycle != "deprecated" {
					t.Errorf("legacy storefront on the hold report: got owner %q, lifecycle %q", e.Owner, e.Lifecycle)
				}
			}
		}
		for _, want := range []string{"PHP", "jQuery", "MySQL", "Jenkins"} {
			if !slices.Contains(legacy, want) {
				t.Errorf("legacy storefront holds %v, want %s among them", legacy, want)
			}
		}
		if len(hold) < 15 {
			t.Errorf("got %d hold report entries, want a backlog of at least 15", len(hold))
		}

		overview, err := s.ExperimentOverview(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		running, overdue := 0, 0
		for _, team := range overview {
			running += len(team.Running)
			overdue += len(team.Overdue)
		}
		if running < 3 || overdue != 1 {
			t.Errorf("got %d running experiments, %d overdue; want a few running, one overdue", running, overdue)
		}

		reviews, err := s.ReviewsDue(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(reviews) == 0 {
			t.Error("got no decisions due for review, want some")
		}

		// Loading again changes nothing.
		if err := LoadRadar(ctx, d, now); err != nil {
			t.Fatal(err)
		}
		again, _ := s.Technologies(ctx, radar.TechnologyQuery{})
		more, _ := s.Decisions(ctx, radar.DecisionQuery{})
		if len(again) != len(techs) || len(more) != len(decisions) {
			t.Errorf("second load: got %d technologies and %d decisions, want %d and %d", len(again), len(more), len(techs), len(decisions))
		}
	})
}
