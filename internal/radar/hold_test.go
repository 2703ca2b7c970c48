package radar

import (
	"testing"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestIsHold(t *testing.T) {
	four := DefaultRadar()
	one := Radar{Rings: []Ring{{Name: "Use"}}}
	two := Radar{Rings: []Ring{{Name: "Use"}, {Name: "Stop"}}}
	tests := []struct {
		name string
		r    Radar
		ring int
		want bool
	}{
		{"outermost of four", four, 3, true},
		{"inner ring of four", four, 2, false},
		{"only ring", one, 0, false},
		{"outermost of two", two, 1, true},
		{"no ring", four, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.IsHold(tt.ring); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if got := one.HoldRing(); got != -1 {
		t.Errorf("HoldRing of a one-ring radar: got %d, want -1", got)
	}
}

// A radar of one ring has no ring that says to stop: nothing is on hold.
func TestHoldOnOneRingRadar(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		if _, err := s.ConfigureRadar(testCtx, RadarInput{Title: "R", Quadrants: DefaultRadar().Quadrants, Rings: []Ring{{Name: "Use"}}}); err != nil {
			t.Fatal(err)
		}
		addComponent(t, s, "shop", "web", "production")
		mustTech(t, s, "Go", "Tools", "Use")
		if _, err := s.SetComponentTechnologies(testCtx, ComponentTechnologiesInput{Component: "shop", Technologies: []string{"Go"}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.HoldReport(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("got hold report %+v, want it empty", got)
		}
		n, err := s.HoldEntityCount(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("got %d entities using a technology on hold, want 0", n)
		}
	})
}

// HoldEntityCount counts each entity once, however many technologies on
// hold it uses, and counts entities gone from the catalog too.
func TestHoldEntityCount(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		for _, c := range []string{"shop", "billing", "search"} {
			addComponent(t, s, c, "web", "production")
		}
		mustTech(t, s, "Perl", "Languages & Frameworks", "Hold")
		mustTech(t, s, "Jenkins", "Tools", "Hold")
		mustTech(t, s, "Go", "Languages & Frameworks", "Adopt")
		for comp, techs := range map[string][]string{"shop": {"Perl", "Jenkins"}, "billing": {"Perl"}, "search": {"Go"}} {
			if _, err := s.SetComponentTechnologies(testCtx, ComponentTechnologiesInput{Component: comp, Technologies: techs}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.HoldEntityCount(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		report, err := s.HoldReport(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		entities := map[string]bool{}
		for _, e := range report {
			entities[e.Entity] = true
		}
		if n != 2 || len(entities) != 2 {
			t.Errorf("got %d entities (report: %d), want 2: shop and billing", n, len(entities))
		}
	})
}
