package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/radar"
)

// A decision's page lists the ring changes that cite it, also those of
// technologies the decision does not link.
func TestDecisionPageRingChanges(t *testing.T) {
	f := newRadarFixture(t)
	f.tech(t, "MySQL", "Platforms", "Adopt", 100)
	f.tech(t, "Redis", "Platforms", "Trial", 100)
	f.post(t, "/decisions/new", url.Values{"title": {"Retire MySQL"}, "status": {"accepted"}, "technologies": {"Redis"}}, http.StatusSeeOther)
	if _, err := f.s.radar.ChangeRing(f.ctx, "MySQL", radar.RingChangeInput{Ring: "Hold", DecidedBy: "board", Reason: "Retired", Decision: 1}); err != nil {
		t.Fatal(err)
	}
	page := f.get(t, auth.Viewer, "/decisions/1", http.StatusOK)
	changes := textBetween(page, "Ring changes citing it", "</ul>")
	relWantIn(t, "ring changes citing decision 1", changes, `href="/radar/technologies/mysql">MySQL</a>`, "Hold")
	relWantNotIn(t, "ring changes citing decision 1", changes, "Redis")
}
