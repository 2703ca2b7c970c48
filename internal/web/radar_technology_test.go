package web

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/radar"
)

// A technology moved to another quadrant keeps the review its last ring
// decision asked for, on its page and in the list.
func TestTechnologyReviewAfterQuadrantMove(t *testing.T) {
	f := newRadarFixture(t)
	f.tech(t, "Kafka", "Platforms", "Trial", 300)
	review := time.Now().AddDate(0, 0, -5)
	if _, err := f.s.radar.ChangeRing(f.ctx, "Kafka", radar.RingChangeInput{Ring: "Adopt", DecidedBy: "board", Reason: "Proven",
		DecidedAt: time.Now().AddDate(0, 0, -100), ReviewAt: &review}); err != nil {
		t.Fatal(err)
	}
	f.post(t, "/radar/technologies/kafka/edit", url.Values{"name": {"Kafka"}, "quadrant": {"Tools"}}, http.StatusSeeOther)

	page := f.get(t, auth.Viewer, "/radar/technologies/kafka", http.StatusOK)
	relWantIn(t, "technology page", page, "The last decision was due for review on "+review.UTC().Format("2006-01-02"))
	list := f.get(t, auth.Viewer, "/radar/technologies?review=due", http.StatusOK)
	relWantIn(t, "technologies due for review", list, `href="/radar/technologies/kafka">Kafka</a> <span class="badge badge-warn">▲ review due</span>`)
}

var technologyRowRe = regexp.MustCompile(`<a href="/radar/technologies/(\w+)">\w+</a>[\s\S]*?<td class="num">(\d+)</td>[\s\S]*?<td class="nowrap">([\d-]*)</td>`)

// The list shows each technology's users and the date of its last ring
// decision, which a quadrant move does not change.
func TestTechnologyListColumns(t *testing.T) {
	f := newRadarFixture(t)
	f.tech(t, "Kafka", "Platforms", "Trial", 300)
	f.move(t, "Kafka", "Adopt", 30)
	f.tech(t, "Go", "Languages & Frameworks", "Adopt", 200)
	f.uses(t, "checkout", "Kafka", "Go")
	f.uses(t, "ledger", "Kafka")
	f.post(t, "/radar/technologies/kafka/edit", url.Values{"name": {"Kafka"}, "quadrant": {"Tools"}}, http.StatusSeeOther)

	list := f.get(t, auth.Viewer, "/radar/technologies", http.StatusOK)
	got := map[string]string{}
	for _, m := range technologyRowRe.FindAllStringSubmatch(list, -1) {
		got[m[1]] = m[2] + " " + m[3]
	}
	day := func(daysAgo int) string { return time.Now().UTC().AddDate(0, 0, -daysAgo).Format("2006-01-02") }
	want := map[string]string{"kafka": "2 " + day(30), "go": "1 " + day(200)}
	for slug, w := range want {
		if got[slug] != w {
			t.Errorf("%s: got users and last decision %q, want %q", slug, got[slug], w)
		}
	}
}
