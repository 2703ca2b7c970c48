package web

import (
	"html"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/radar"
)

// radarFixture is the reliability fixture (teams payments and search;
// components checkout, ledger and search-api) with a user, ana, for
// experiments.
func newRadarFixture(t *testing.T) *relFixture {
	t.Helper()
	f := newRelFixture(t)
	f.entity(t, catalog.Entity{Kind: "User", Metadata: catalog.Metadata{Name: "ana"}, Spec: map[string]any{"memberOf": []any{"payments"}}})
	return f
}

// tech adds a technology that entered the radar daysAgo days ago.
func (f *relFixture) tech(t *testing.T, name, quadrant, ring string, daysAgo int) radar.Technology {
	t.Helper()
	tech, err := f.s.radar.CreateTechnology(f.ctx, radar.TechnologyInput{Name: name, Quadrant: quadrant, Ring: ring,
		DecidedAt: time.Now().AddDate(0, 0, -daysAgo)})
	if err != nil {
		t.Fatalf("create technology %s: %v", name, err)
	}
	return tech
}

func (f *relFixture) move(t *testing.T, name, ring string, daysAgo int) {
	t.Helper()
	_, err := f.s.radar.ChangeRing(f.ctx, name, radar.RingChangeInput{Ring: ring, DecidedBy: "board", Reason: "because",
		DecidedAt: time.Now().AddDate(0, 0, -daysAgo)})
	if err != nil {
		t.Fatalf("move %s to %s: %v", name, ring, err)
	}
}

func (f *relFixture) uses(t *testing.T, component string, techs ...string) {
	t.Helper()
	if _, err := f.s.radar.SetComponentTechnologies(f.ctx, radar.ComponentTechnologiesInput{Component: component, Technologies: techs}); err != nil {
		t.Fatalf("set technologies of %s: %v", component, err)
	}
}

var (
	radarBlipRe   = regexp.MustCompile(`<a href="(/radar/technologies/[^"]+)" class="radar-blip" id="blip-(\d+)" data-slug="([^"]+)" aria-label="([^"]*)"`)
	radarLegendRe = regexp.MustCompile(`<li><a href="/radar/technologies/[^"]+" id="legend-(\d+)"`)
)

type pageBlip struct{ href, n, slug, label string }

func radarBlipsOf(body string) []pageBlip {
	var out []pageBlip
	for _, m := range radarBlipRe.FindAllStringSubmatch(body, -1) {
		out = append(out, pageBlip{m[1], m[2], m[3], html.UnescapeString(m[4])})
	}
	return out
}

func TestRadarViewsParse(t *testing.T) {
	v, err := parseViews()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"radar", "radar_hold", "radar_technologies", "radar_technology", "radar_technology_form",
		"radar_usage", "decisions", "decision", "decision_form", "experiments", "experiment", "experiment_form"} {
		if v.pages[name] == nil {
			t.Errorf("view %s: got none, want it parsed", name)
		}
	}
}

func TestRadarEmptyPages(t *testing.T) {
	f := newRadarFixture(t)
	for _, tc := range []struct {
		path  string
		wants []string
	}{
		{"/radar", []string{"The radar is empty", `href="/radar/technologies/new"`, "chief import radar", "/api/v1/radar/import"}},
		{"/radar/technologies", []string{"No technologies yet", "chief import radar"}},
		{"/radar/hold", []string{"No technology is on hold", "chief.dev/technologies"}},
		{"/decisions", []string{"No decision records yet", "chief import adr", `href="/decisions/new"`}},
		{"/experiments", []string{"No experiments yet", `href="/experiments/new"`}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			relWantIn(t, tc.path, f.get(t, auth.Editor, tc.path, http.StatusOK), tc.wants...)
		})
	}
}

func TestRadarPage(t *testing.T) {
	f := newRadarFixture(t)
	f.tech(t, "Go", "Languages & Frameworks", "Adopt", 300)
	f.tech(t, "Kafka", "Platforms", "Trial", 300)
	f.move(t, "Kafka", "Adopt", 30)
	f.tech(t, "Jenkins", "Tools", "Adopt", 300)
	f.move(t, "Jenkins", "Hold", 200)
	f.tech(t, "htmx", "Languages & Frameworks", "Assess", 10)
	f.uses(t, "checkout", "Kafka", "Jenkins")
	f.uses(t, "ledger", "Kafka")

	body := f.get(t, auth.Viewer, "/radar", http.StatusOK)
	blips := radarBlipsOf(body)
	if len(blips) != 4 {
		t.Fatalf("radar: got %d blips, want 4", len(blips))
	}
	if n := len(radarLegendRe.FindAllString(body, -1)); n != 4 {
		t.Errorf("legend: got %d entries, want one per blip, 4", n)
	}
	labels := map[string]string{}
	for _, b := range blips {
		if b.href != "/radar/technologies/"+b.slug {
			t.Errorf("blip %s: got link %s, want its technology page", b.slug, b.href)
		}
		labels[b.slug] = b.label
	}
	for slug, want := range map[string]string{
		"kafka":   "Kafka — Adopt · Platforms — moved in since",
		"htmx":    "htmx — Assess · Languages & Frameworks — new since",
		"jenkins": "Jenkins — Hold · Tools — 1 user",
		"go":      "Go — Adopt · Languages & Frameworks — 0 users",
	} {
		if !strings.Contains(labels[slug], want) {
			t.Errorf("blip %s: got %q, want it to contain %q", slug, labels[slug], want)
		}
	}
	if !strings.Contains(labels["kafka"], "2 users") {
		t.Errorf("Kafka's blip: got %q, want its 2 users", labels["kafka"])
	}
	relWantIn(t, "radar", body, "moved in: arc towards the centre", "new: not on the radar then", "moved out: arc away from the centre",
		`href="/radar/hold"`, `<path class="radar-mark"`, `<circle class="radar-mark"`)

	// Two hundred and fifty days ago: no htmx yet, Kafka in Trial.
	at := time.Now().AddDate(0, 0, -250).Format("2006-01-02")
	old := f.get(t, auth.Viewer, "/radar?at="+at, http.StatusOK)
	oldBlips := radarBlipsOf(old)
	if len(oldBlips) != 3 {
		t.Errorf("radar as of %s: got %d blips, want 3", at, len(oldBlips))
	}
	for _, b := range oldBlips {
		if b.slug == "kafka" && !strings.Contains(b.label, "Trial") {
			t.Errorf("Kafka as of %s: got %q, want Trial", at, b.label)
		}
	}
	relWantIn(t, "old radar", old, "As of <strong>"+at+"</strong>", `value="`+at+`"`)

	// Dates that cannot be used are said next to their inputs.
	for _, tc := range []struct{ query, input, want string }{
		{"at=yesterday", "at", `"yesterday" is not a date`},
		{"at=" + time.Now().AddDate(0, 0, 3).Format("2006-01-02"), "at", "is after today"},
		{"at=" + at + "&since=" + time.Now().Format("2006-01-02"), "since", "is after the date the radar shows"},
	} {
		r := f.do(t, auth.Viewer, http.MethodGet, "/radar?"+tc.query, nil)
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: got status %d, want 422", tc.query, r.status)
		}
		if got := relFieldError(r.body, tc.input); !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q next to %s, want %q", tc.query, got, tc.input, tc.want)
		}
		if len(radarBlipsOf(r.body)) == 0 {
			t.Errorf("%s: got no radar, want today's radar under the error", tc.query)
		}
	}
}

func TestRadarNotFound(t *testing.T) {
	f := newRadarFixture(t)
	f.tech(t, "Go", "Languages & Frameworks", "Adopt", 10)
	for _, path := range []string{"/radar/technologies/cobol", "/radar/technologies/cobol/edit", "/decisions/7", "/decisions/seven",
		"/decisions/7/edit", "/experiments/3", "/experiments/x"} {
		role := auth.Viewer
		if strings.HasSuffix(path, "/edit") {
			role = auth.Editor
		}
		body := f.get(t, role, path, http.StatusNotFound)
		relWantIn(t, path, body, "Not Found")
	}
	// The technology page answers to any spelling of the name.
	relWantIn(t, "/radar/technologies/GO", f.get(t, auth.Viewer, "/radar/technologies/GO", http.StatusOK), "<h1>Go</h1>")
}

func TestHoldReport(t *testing.T) {
	f := newRadarFixture(t)
	f.tech(t, "Jenkins", "Tools", "Adopt", 300)
	f.move(t, "Jenkins", "Hold", 100)
	f.tech(t, "Vagrant", "Tools", "Hold", 300)
	f.tech(t, "Go", "Languages & Frameworks", "Adopt", 300)
	f.uses(t, "checkout", "Jenkins", "Go")
	f.uses(t, "ledger", "Jenkins")
	f.uses(t, "search-api", "Go")

	body := f.get(t, auth.Viewer, "/radar/hold", http.StatusOK)
	group := textBetween(body, `id="hold-jenkins"`, "</section>")
	rows := regexp.MustCompile(`<tr>\s*<td><a href="/catalog/component/default/([^"]+)"`).FindAllStringSubmatch(group, -1)
	if len(rows) != 2 || rows[0][1] != "checkout" || rows[1][1] != "ledger" {
		t.Errorf("Jenkins on the hold report: got rows %v, want checkout and ledger", rows)
	}
	relWantIn(t, "hold report", group, `href="/catalog/group/default/payments"`, "production", "on hold since "+time.Now().AddDate(0, 0, -100).Format("2006-01-02"))
	relWantIn(t, "hold report", body, `<span class="card-number" id="hold-entries">2</span>`, "On hold and no longer used", `href="/radar/technologies/vagrant"`)
	relWantNotIn(t, "hold report", body, `id="hold-go"`)

	filtered := f.get(t, auth.Viewer, "/radar/hold?owner=search", http.StatusOK)
	relWantIn(t, "hold report for search", filtered, "Nothing to migrate for these filters")

	// The entity page flags what is on hold.
	entity := f.get(t, auth.Viewer, "/catalog/component/default/checkout", http.StatusOK)
	section := textBetween(entity, `id="tech-h"`, "</section>")
	relWantIn(t, "checkout's technologies", section, `href="/radar/technologies/jenkins"`, "▲ on hold", `href="/radar/technologies/go"`, "Uses a technology on hold")
}

func TestTechnologyForms(t *testing.T) {
	f := newRadarFixture(t)
	for _, tc := range []struct {
		name        string
		form        url.Values
		field, want string
	}{
		{"no name", url.Values{"quadrant": {"Tools"}, "ring": {"Adopt"}}, "name", "is required"},
		{"unknown quadrant", url.Values{"name": {"Kafka"}, "quadrant": {"Databases"}, "ring": {"Adopt"}}, "quadrant", `"Databases" is not a quadrant`},
		{"unknown owner", url.Values{"name": {"Kafka"}, "quadrant": {"Platforms"}, "ring": {"Adopt"}, "owner": {"team-x"}}, "owner", "not in the catalog"},
		{"bad link", url.Values{"name": {"Kafka"}, "quadrant": {"Platforms"}, "ring": {"Adopt"}, "links": {"https://kafka.apache.org\njavascript:alert(1) x"}}, "links", "Line 2:"},
		{"bad date", url.Values{"name": {"Kafka"}, "quadrant": {"Platforms"}, "ring": {"Adopt"}, "decided_at": {"31/12/2024"}}, "decided_at", "is not a date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.post(t, "/radar/technologies/new", tc.form, http.StatusUnprocessableEntity)
			if got := relFieldError(r.body, tc.field); !strings.Contains(got, tc.want) {
				t.Errorf("got %q next to %s, want %q", got, tc.field, tc.want)
			}
			if name := tc.form.Get("name"); name != "" {
				relWantIn(t, "refused form", r.body, `value="`+name+`"`)
			}
		})
	}
	r := f.post(t, "/radar/technologies/new", url.Values{"name": {"Kafka"}, "quadrant": {"Platforms"}, "ring": {"Trial"}, "owner": {"payments"},
		"tags": {"messaging, streaming"}, "description": {"The **event bus**. <script>alert(1)</script>"}}, http.StatusSeeOther)
	if !strings.HasPrefix(r.location, "/radar/technologies/kafka?") {
		t.Fatalf("create: got Location %s, want the technology page", r.location)
	}
	page := f.get(t, auth.Viewer, "/radar/technologies/kafka", http.StatusOK)
	relWantIn(t, "technology page", page, "<strong>event bus</strong>", `href="/radar/technologies?tag=streaming"`, `href="/catalog/group/default/payments"`)
	relWantNotIn(t, "technology page", page, "<script>alert(1)</script>")
	relWantNotIn(t, "technology page as viewer", page, `id="ring-h"`)

	// A ring change without a reason keeps what was typed.
	r = f.post(t, "/radar/technologies/kafka/ring", url.Values{"ring": {"Adopt"}, "decided_by": {"the board"}, "review_at": {"2031-01-31"}}, http.StatusUnprocessableEntity)
	if got := relFieldError(r.body, "reason"); !strings.Contains(got, "is required") {
		t.Errorf("ring change without a reason: got %q next to reason", got)
	}
	relWantIn(t, "refused ring change", r.body, `value="the board"`, `value="2031-01-31"`, "The ring did not change")
	r = f.post(t, "/radar/technologies/kafka/ring", url.Values{"ring": {"Adopt"}, "decided_by": {"the board"}, "reason": {"Proven"}, "decision": {"4"}}, http.StatusUnprocessableEntity)
	if got := relFieldError(r.body, "decision"); !strings.Contains(got, "no decision number 4") {
		t.Errorf("ring change citing no decision: got %q next to decision", got)
	}
	f.post(t, "/radar/technologies/kafka/ring", url.Values{"ring": {"Adopt"}, "decided_by": {"the board"}, "reason": {"Proven in production"}}, http.StatusSeeOther)
	page = f.get(t, auth.Viewer, "/radar/technologies/kafka", http.StatusOK)
	relWantIn(t, "after the ring change", page, "Proven in production", "by the board")

	// Users: one that is not in the catalog is refused next to the input.
	r = f.post(t, "/radar/technologies/kafka/usage", url.Values{"component": {"nowhere"}, "action": {"add"}}, http.StatusUnprocessableEntity)
	if got := relFieldError(r.body, "component"); !strings.Contains(got, "not in the catalog") {
		t.Errorf("adding an unknown user: got %q next to component", got)
	}
	f.post(t, "/radar/technologies/kafka/usage", url.Values{"component": {"checkout"}, "action": {"add"}}, http.StatusSeeOther)
	page = f.get(t, auth.Viewer, "/radar/technologies/kafka", http.StatusOK)
	relWantIn(t, "after adding a user", textBetween(page, `id="users-h"`, "</section>"), `href="/catalog/component/default/checkout"`)
	f.post(t, "/radar/technologies/kafka/usage", url.Values{"component": {"component:default/checkout"}, "action": {"remove"}}, http.StatusSeeOther)
	page = f.get(t, auth.Viewer, "/radar/technologies/kafka", http.StatusOK)
	relWantNotIn(t, "after removing the user", textBetween(page, `id="users-h"`, "</section>"), `href="/catalog/component/default/checkout"`)

	// Viewers may not change anything.
	if r := f.do(t, auth.Viewer, http.MethodPost, "/radar/technologies/kafka/ring", url.Values{"ring": {"Hold"}}); r.status != http.StatusForbidden {
		t.Errorf("viewer changing a ring: got status %d, want 403", r.status)
	}
	// Edit keeps the ring and renames.
	f.post(t, "/radar/technologies/kafka/edit", url.Values{"name": {"Apache Kafka"}, "quadrant": {"Platforms"}}, http.StatusSeeOther)
	relWantIn(t, "renamed", f.get(t, auth.Viewer, "/radar/technologies/apachekafka", http.StatusOK), "<h1>Apache Kafka</h1>", "Adopt")
	f.post(t, "/radar/technologies/apachekafka/delete", nil, http.StatusSeeOther)
	f.get(t, auth.Viewer, "/radar/technologies/apachekafka", http.StatusNotFound)
}

func TestDecisionPages(t *testing.T) {
	f := newRadarFixture(t)
	f.tech(t, "MySQL", "Platforms", "Hold", 100)
	f.tech(t, "PostgreSQL", "Platforms", "Adopt", 100)
	f.post(t, "/decisions/new", url.Values{"title": {"Use MySQL"}, "status": {"accepted"}, "technologies": {"MySQL"}, "date": {"2024-01-10"}}, http.StatusSeeOther)
	r := f.post(t, "/decisions/new", url.Values{"title": {"Use PostgreSQL"}, "status": {"accepted"}, "technologies": {"PostgreSQL, MySQL"},
		"entities": {"checkout\nledger"}, "body": {"## Context\n\nTwo engines."}}, http.StatusSeeOther)
	if !strings.HasPrefix(r.location, "/decisions/2?") {
		t.Errorf("second decision: got Location %s, want /decisions/2", r.location)
	}
	r = f.post(t, "/decisions/1/edit", url.Values{"title": {"Use MySQL"}, "status": {"superseded"}}, http.StatusUnprocessableEntity)
	if got := relFieldError(r.body, "superseded_by"); !strings.Contains(got, "is required for a superseded decision") {
		t.Errorf("superseded without a successor: got %q next to superseded_by", got)
	}
	r = f.post(t, "/decisions/new", url.Values{"title": {"Link nothing"}, "status": {"proposed"}, "entities": {"checkout\nnowhere"}}, http.StatusUnprocessableEntity)
	if got := relFieldError(r.body, "entities"); !strings.HasPrefix(got, "Line 2:") {
		t.Errorf("unknown entity: got %q next to entities, want the line", got)
	}
	f.post(t, "/decisions/1/edit", url.Values{"title": {"Use MySQL"}, "status": {"superseded"}, "superseded_by": {"2"}}, http.StatusSeeOther)

	one := f.get(t, auth.Viewer, "/decisions/1", http.StatusOK)
	relWantIn(t, "decision 1", one, "Superseded by <a href=\"/decisions/2\">ADR 2: Use PostgreSQL</a>")
	two := f.get(t, auth.Viewer, "/decisions/2", http.StatusOK)
	relWantIn(t, "decision 2", two, "<h2>Context</h2>", `href="/decisions/1">ADR 1: Use MySQL</a>`, `href="/catalog/component/default/ledger"`,
		`href="/radar/technologies/postgresql"`)

	list := f.get(t, auth.Viewer, "/decisions?status=superseded", http.StatusOK)
	relWantIn(t, "superseded decisions", list, "1–1 of 1 decision", "Use MySQL")
	relWantNotIn(t, "superseded decisions", list, ">Use PostgreSQL<")
	byTech := f.get(t, auth.Viewer, "/decisions?technology=PostgreSQL", http.StatusOK)
	relWantIn(t, "decisions about PostgreSQL", byTech, "1–1 of 1 decision")
	desc := f.get(t, auth.Viewer, "/decisions?sort=-number", http.StatusOK)
	if strings.Index(desc, ">Use PostgreSQL<") > strings.Index(desc, ">Use MySQL<") {
		t.Error("decisions sorted by number, descending: got 1 before 2")
	}
}

func TestExperimentPages(t *testing.T) {
	f := newRadarFixture(t)
	f.tech(t, "Temporal", "Platforms", "Assess", 100)
	today := time.Now().UTC()
	r := f.post(t, "/experiments/new", url.Values{"hypothesis": {"Workflows get simpler"}, "technology": {"Temporal"}, "owner": {"ana"},
		"team": {"payments"}, "start": {today.AddDate(0, 0, -40).Format("2006-01-02")}, "end": {today.AddDate(0, 0, -5).Format("2006-01-02")}}, http.StatusSeeOther)
	page := strings.SplitN(strings.TrimPrefix(r.location, "/experiments/"), "?", 2)[0]
	r = f.post(t, "/experiments/new", url.Values{"hypothesis": {"x"}, "technology": {"Temporal"}, "owner": {"ana"}, "team": {"payments"},
		"start": {"2026-02-01"}, "end": {"2026-01-01"}}, http.StatusUnprocessableEntity)
	if got := relFieldError(r.body, "end"); got != "is before the start" {
		t.Errorf("time box ending before it starts: got %q next to end", got)
	}
	f.post(t, "/experiments/"+page+"/start", nil, http.StatusSeeOther)

	board := f.get(t, auth.Viewer, "/experiments", http.StatusOK)
	running := textBetween(board, `id="column-running"`, "</section>")
	relWantIn(t, "running column", running, "Workflows get simpler", "▲ overdue 5 days")
	overview := textBetween(board, `id="team-overview"`, "</table>")
	relWantIn(t, "team overview", overview, "payments", `<span class="text-warn">▲ 1</span>`)

	// Concluding needs an outcome; a proposal can then be applied.
	r = f.post(t, "/experiments/"+page+"/conclude", url.Values{"proposed_ring": {"Trial"}}, http.StatusUnprocessableEntity)
	if got := relFieldError(r.body, "outcome"); !strings.Contains(got, "is required") {
		t.Errorf("conclusion without an outcome: got %q next to outcome", got)
	}
	f.post(t, "/experiments/"+page+"/conclude", url.Values{"outcome": {"It worked"}, "proposed_ring": {"Trial"}}, http.StatusSeeOther)
	relWantIn(t, "concluded experiment", f.get(t, auth.Editor, "/experiments/"+page, http.StatusOK), "Apply the proposal", "Apply proposal")
	r = f.post(t, "/experiments/"+page+"/apply", url.Values{"decided_by": {"board"}}, http.StatusSeeOther)
	if !strings.HasPrefix(r.location, "/radar/technologies/temporal?") {
		t.Errorf("apply: got Location %s, want the technology page", r.location)
	}
	tech := f.get(t, auth.Viewer, "/radar/technologies/temporal", http.StatusOK)
	relWantIn(t, "after applying", tech, "Experiment "+page+" concluded: It worked", `href="/experiments/`+page+`"`)
	// Applying twice is refused on the page.
	r = f.post(t, "/experiments/"+page+"/apply", url.Values{"decided_by": {"board"}}, http.StatusConflict)
	relWantIn(t, "applying twice", r.body, "applied already")
}

func TestRadarDrawing(t *testing.T) {
	snap := radar.Snapshot{At: time.Now(), Since: time.Now().AddDate(0, 0, -90), Title: "Radar",
		Quadrants: radar.DefaultRadar().Quadrants, Rings: radar.DefaultRadar().Rings}
	markers := []radar.Marker{radar.MarkerNone, radar.MarkerNew, radar.MarkerIn, radar.MarkerOut}
	// Fifteen technologies in each quadrant's innermost ring and a few
	// further out: more than most radars hold.
	for q := 0; q < 4; q++ {
		for i := 0; i < 20; i++ {
			ring := 0
			if i >= 15 {
				ring = i - 15 + 1
				if ring > 3 {
					ring = 3
				}
			}
			name := string(rune('a'+q)) + "-tech-" + string(rune('a'+i))
			snap.Blips = append(snap.Blips, radar.Blip{ID: int64(q*100 + i), Name: name, Slug: radar.Slug(name), Quadrant: q, Ring: ring,
				Marker: markers[i%4], RingName: snap.Rings[ring].Name})
		}
	}
	d := drawRadar(snap)
	if again := drawRadar(snap); again.SVG != d.SVG {
		t.Error("drawing the same snapshot twice: got different SVG, want the same")
	}
	if len(d.Blips) != 80 || strings.Count(string(d.SVG), `class="radar-blip"`) != 80 {
		t.Fatalf("got %d blips, want 80", len(d.Blips))
	}
	crowd := []int{15, 1, 1, 3}
	radii := radarRingRadii(crowd)
	for i, a := range d.Blips {
		r := math.Hypot(a.X, a.Y)
		inner := 0.0
		if a.Ring > 0 {
			inner = radii[a.Ring-1]
		}
		if r < inner || r > radii[a.Ring] {
			t.Errorf("%s: at radius %.1f, want within its ring, %.1f to %.1f", a.Name, r, inner, radii[a.Ring])
		}
		sx, sy := radarQuadrantSigns[a.Quadrant][0], radarQuadrantSigns[a.Quadrant][1]
		if a.X*sx <= 0 || a.Y*sy <= 0 {
			t.Errorf("%s: at (%.1f, %.1f), want it in quadrant %d", a.Name, a.X, a.Y, a.Quadrant)
		}
		for _, b := range d.Blips[i+1:] {
			if dist := math.Hypot(a.X-b.X, a.Y-b.Y); dist < 2*radarBlipR {
				t.Errorf("%s and %s: %.1f apart, want at least %.0f", a.Name, b.Name, dist, 2*radarBlipR)
			}
		}
	}
	// A blip keeps its place when another technology joins another
	// ring, as long as no ring fills up by five more.
	more := snap
	more.Blips = append(append([]radar.Blip{}, snap.Blips...), radar.Blip{ID: 999, Name: "zzz", Slug: "zzz", Quadrant: 0, Ring: 3})
	d2 := drawRadar(more)
	for i := range d.Blips {
		if d.Blips[i].Ring != 0 {
			continue
		}
		if d2.Blips[i].X != d.Blips[i].X || d2.Blips[i].Y != d.Blips[i].Y {
			t.Errorf("%s: moved from (%.1f, %.1f) to (%.1f, %.1f) when a hold technology joined", d.Blips[i].Name, d.Blips[i].X, d.Blips[i].Y, d2.Blips[i].X, d2.Blips[i].Y)
			break
		}
	}
	for _, want := range []string{"Techniques <tspan", ">ADOPT<", ">HOLD<"} {
		if !strings.Contains(string(d.SVG), want) {
			t.Errorf("drawing: no %q", want)
		}
	}
}
