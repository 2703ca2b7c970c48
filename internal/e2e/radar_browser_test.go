package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The radar pages driven through headless Chromium against "chief serve
// --demo", whose radar has about sixty technologies and a year of history.
// With RADAR_SHOTS set to a folder, every radar page is also kept there
// as a screenshot in the light and the dark theme.

// radarBlip is a blip of the drawn radar as the browser has it.
type radarBlip struct {
	N     string `json:"n"`
	Slug  string `json:"slug"`
	Href  string `json:"href"`
	Label string `json:"label"`
}

const radarBlipsJS = `Array.from(document.querySelectorAll('svg.radar-svg a.radar-blip')).map(a => ({
	n: a.querySelector('text').textContent, slug: a.dataset.slug, href: a.getAttribute('href'), label: a.getAttribute('aria-label')}))`

func (b *rbTab) radarBlips() []radarBlip {
	b.t.Helper()
	return evalJS[[]radarBlip](b.t, b.ctx, radarBlipsJS)
}

func TestBrowserRadar(t *testing.T) {
	b := rbStart(t)
	b.open("/radar")
	blips := b.radarBlips()
	legend := b.texts(".radar-legend .radar-list li a")
	if len(blips) < 50 {
		t.Fatalf("radar: got %d blips, want the demo's sixty or so", len(blips))
	}
	if len(legend) != len(blips) {
		t.Errorf("radar: got %d legend entries for %d blips, want one each", len(legend), len(blips))
	}
	seen := map[string]bool{}
	for i, bl := range blips {
		if bl.N != fmt.Sprint(i+1) {
			t.Errorf("blip %d: got number %q, want %d", i, bl.N, i+1)
		}
		if bl.Href != "/radar/technologies/"+bl.Slug {
			t.Errorf("blip %s: got link %q, want the technology page", bl.Slug, bl.Href)
		}
		seen[bl.Slug] = true
	}
	if !seen["kafka"] || !seen["php"] {
		t.Errorf("radar: got blips %v, want Kafka and PHP among them", seen)
	}
	markers := b.text("figcaption .radar-markers")
	for _, want := range []string{"new", "moved in", "moved out"} {
		if !strings.Contains(markers, want) {
			t.Errorf("marker legend: got %q, want it to explain %q", markers, want)
		}
	}
	// Blips do not sit on one another.
	overlaps := evalJS[int](t, b.ctx, `(() => {
		const c = Array.from(document.querySelectorAll('svg.radar-svg a.radar-blip circle.radar-dot')).map(e => [+e.getAttribute('cx'), +e.getAttribute('cy')]);
		let n = 0;
		for (let i = 0; i < c.length; i++) for (let j = i + 1; j < c.length; j++) if (Math.hypot(c[i][0]-c[j][0], c[i][1]-c[j][1]) < 22) n++;
		return n;
	})()`)
	if overlaps > 0 {
		t.Errorf("radar: got %d pairs of overlapping blips, want none", overlaps)
	}
	b.rdShoot("radar")
	b.rdPrint("/radar")

	// Today Kafka is adopted; clicking its blip opens its page.
	var kafka radarBlip
	for _, bl := range blips {
		if bl.Slug == "kafka" {
			kafka = bl
		}
	}
	if !strings.Contains(kafka.Label, "Adopt") {
		t.Errorf("Kafka's blip: got %q, want it in Adopt", kafka.Label)
	}
	b.submit(`svg.radar-svg a.radar-blip[data-slug="kafka"]`, http.StatusOK)
	if got := b.location().Path; got != "/radar/technologies/kafka" {
		t.Fatalf("after clicking Kafka's blip: got %s, want /radar/technologies/kafka", got)
	}
	if got := b.text("main h1"); got != "Kafka" {
		t.Errorf("technology page: got heading %q, want Kafka", got)
	}
	var history []string
	for _, h := range b.texts(".ring-history .timeline-meta") {
		history = append(history, strings.Join(strings.Fields(h), " "))
	}
	if len(history) != 2 || !strings.Contains(history[0], "Trial → Adopt") || !strings.Contains(history[1], "entered in Trial") {
		t.Errorf("Kafka's ring history: got %q, want Trial → Adopt, newest first, after entering in Trial", history)
	}
	if n := b.count("#users-table tbody tr"); n < 5 {
		t.Errorf("Kafka's users: got %d rows, want the demo's order services among them", n)
	}
	b.rdShoot("technology")

	// Seven months ago the radar was smaller and Kafka still in Trial.
	then := time.Now().AddDate(0, 0, -210).Format("2006-01-02")
	b.open("/radar?at=" + then)
	if got := b.text("main h1"); got != "Technology Radar" {
		t.Errorf("old radar: got heading %q", got)
	}
	if got := b.text(".page-head p.muted"); !strings.Contains(got, "As of "+then) {
		t.Errorf("old radar: got %q, want it to say it is as of %s", got, then)
	}
	old := b.radarBlips()
	if len(old) >= len(blips) {
		t.Errorf("radar as of %s: got %d blips, want fewer than today's %d", then, len(old), len(blips))
	}
	for _, bl := range old {
		if bl.Slug == "kafka" && !strings.Contains(bl.Label, "Trial") {
			t.Errorf("Kafka as of %s: got %q, want Trial", then, bl.Label)
		}
		if bl.Slug == "htmx" || bl.Slug == "datamesh" {
			t.Errorf("radar as of %s: got %s, which entered later", then, bl.Slug)
		}
	}
	if v := b.value("#f-at"); v != then {
		t.Errorf("date input: got %q, want the date shown, %s", v, then)
	}

	// A date that is no date is said next to its input.
	b.load("open a radar with a bad date", http.StatusUnprocessableEntity, chromedp.Navigate(b.srv.URL+"/radar?at=last-week"))
	if got := b.text("#at-error"); !strings.Contains(got, "not a date") {
		t.Errorf("bad date: got %q next to the input, want it to say it is not a date", got)
	}

	b.rdShootPages(t)
}

// rdShootPages keeps every radar page, when RADAR_SHOTS is set.
func (b *rbTab) rdShootPages(t *testing.T) {
	if os.Getenv("RADAR_SHOTS") == "" {
		return
	}
	for _, p := range []struct{ name, path string }{
		{"technologies", "/radar/technologies"},
		{"technology-hold", "/radar/technologies/php"},
		{"technology-new", "/radar/technologies/new"},
		{"technology-edit", "/radar/technologies/opensearch/edit"},
		{"hold", "/radar/hold"},
		{"decisions", "/decisions"},
		{"decision", "/decisions/12"},
		{"decision-superseded", "/decisions/5"},
		{"decision-new", "/decisions/new"},
		{"experiments", "/experiments"},
		{"entity-legacy", "/catalog/component/default/legacy-storefront"},
		{"usage", "/radar/usage?component=legacy-storefront"},
		{"experiment-new", "/experiments/new"},
	} {
		b.open(p.path)
		b.rdShoot(p.name)
	}
	for _, name := range []string{"overdue", "apply"} {
		b.open("/experiments")
		sel := `#column-running .exp-overdue h3 a`
		if name == "apply" {
			sel = `#column-concluded .exp-card h3 a`
		}
		b.submit(sel, http.StatusOK)
		b.rdShoot("experiment-" + name)
	}
	// A form refused, with the error next to the field.
	for _, theme := range []string{"light", "dark"} {
		b.open("/radar/technologies/kafka")
		b.rdTheme(theme)
		b.step("choose a ring and leave the reason empty", chromedp.SetValue(chromedp.CSS("#ring"), "Hold"))
		b.load("change the ring without a reason", http.StatusUnprocessableEntity,
			chromedp.Click(chromedp.CSS(`form[action*="/ring#"] button[type=submit]`), chromedp.NodeVisible))
		b.rdKeep("technology-ring-error-" + theme)
	}
	b.open("/radar")
	b.rdTheme("light")
}

var pdfPageRe = regexp.MustCompile(`/Type\s*/Page[^s]`)

// rdPrint prints a page as the browser's print dialog would, on A4 in
// landscape as the print stylesheet asks, and wants one sheet.
func (b *rbTab) rdPrint(path string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, rbLoadTimeout)
	defer cancel()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		b.t.Fatalf("print %s: %v", path, err)
	}
	if n := len(pdfPageRe.FindAll(pdf, -1)); n != 1 {
		b.t.Errorf("print %s: got %d pages, want 1", path, n)
	}
	dir := os.Getenv("RADAR_SHOTS")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, "radar-print.pdf"), pdf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	// And as a picture of the printed page, to look at.
	b.step("emulate print", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}), chromedp.EmulateViewport(1062, 733)) // A4 landscape inside the margins, at 96 dpi
	b.rdKeep("radar-print")
	b.step("stop emulating print", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}), chromedp.EmulateViewport(1280, 900))
}

// rdTheme switches the theme through the sidebar's form, as a person does.
func (b *rbTab) rdTheme(name string) {
	b.t.Helper()
	b.load("set the "+name+" theme", http.StatusOK, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(s => { s.value = %q; s.form.submit(); return true })(document.getElementById('theme'))`, name))(ctx, tg)
		return err
	}))
}

// rdShoot keeps the page in the light and the dark theme when RADAR_SHOTS
// names a folder.
func (b *rbTab) rdShoot(name string) {
	b.t.Helper()
	if os.Getenv("RADAR_SHOTS") == "" {
		return
	}
	for _, theme := range []string{"light", "dark"} {
		b.rdTheme(theme)
		b.rdKeep(name + "-" + theme)
	}
	b.rdTheme("light")
}

func (b *rbTab) rdKeep(name string) {
	b.t.Helper()
	dir := os.Getenv("RADAR_SHOTS")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
