package web

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/radar"
)

// On a radar of one ring nothing is on hold: that ring is where every
// technology sits, not a ring that says to stop.
func TestOneRingRadarHoldsNothing(t *testing.T) {
	f := newRadarFixture(t)
	if _, err := f.s.radar.ConfigureRadar(f.ctx, radar.RadarInput{Title: "Radar", Quadrants: radar.DefaultRadar().Quadrants,
		Rings: []radar.Ring{{Name: "Use"}}}); err != nil {
		t.Fatal(err)
	}
	f.tech(t, "Go", "Tools", "Use", 10)
	f.uses(t, "checkout", "Go")

	page := f.get(t, auth.Viewer, "/radar", http.StatusOK)
	if got := radarHoldCard(t, page); got != "0 of 0" {
		t.Errorf("radar page: got %s entities using technologies on hold, want 0 of 0", got)
	}
	hold := f.get(t, auth.Viewer, "/radar/hold", http.StatusOK)
	relWantIn(t, "hold report", hold, "No technology is on hold", "one ring")
	relWantNotIn(t, "hold report", hold, `id="hold-go"`)
	entity := f.get(t, auth.Viewer, "/catalog/component/default/checkout", http.StatusOK)
	relWantNotIn(t, "checkout's technologies", entity, "on hold")
}

// The radar page counts the entities that use a technology on hold once
// each.
func TestRadarPageHoldCount(t *testing.T) {
	f := newRadarFixture(t)
	f.tech(t, "Jenkins", "Tools", "Hold", 300)
	f.tech(t, "Perl", "Languages & Frameworks", "Hold", 300)
	f.tech(t, "Go", "Languages & Frameworks", "Adopt", 300)
	f.uses(t, "checkout", "Jenkins", "Perl")
	f.uses(t, "ledger", "Perl")
	f.uses(t, "search-api", "Go")
	page := f.get(t, auth.Viewer, "/radar", http.StatusOK)
	if got := radarHoldCard(t, page); got != "2 of 2" {
		t.Errorf("radar page: got %s entities using technologies on hold, want 2 of 2", got)
	}
}

var radarHoldCardRe = regexp.MustCompile(`<span class="card-number">(\d+)</span>\s*<span class="card-label">entities still use one of the (\d+) technologies on hold`)

// radarHoldCard reads the radar page's hold card: "entities of technologies".
func radarHoldCard(t *testing.T, page string) string {
	t.Helper()
	m := radarHoldCardRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("radar page: no hold card")
	}
	return m[1] + " of " + m[2]
}
