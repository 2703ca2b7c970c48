package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The reliability pages driven through a real headless Chromium against
// "chief serve --demo": the demo's monitors with 90 days of history, its
// past incidents, SLOs and public status page, as the demo admin sees them
// and as the public does.

// rbTab is a browser tab on a demo server with the steps these tests take.
// Every step fails the test that owns the tab.
type rbTab struct {
	t    *testing.T
	srv  *server
	ctx  context.Context
	name string
	// guard records requests to anything but loopback.
	guard *loopbackGuard
}

// rbLoadTimeout bounds one page load, form submission included.
const rbLoadTimeout = 15 * time.Second

// rbStart starts a demo server and a headless browser, signs in as the demo
// admin and waits until the demo's monitors and their history are in.
func rbStart(t *testing.T) *rbTab {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	browser := findBrowser()
	if browser == "" {
		t.Skipf("browser test skipped: no browser found on PATH (looked for %s)", strings.Join(browserNames, ", "))
	}
	srv := startServer(t, nil, "--demo")
	if srv.DemoEmail == "" || srv.DemoPassword == "" {
		t.Fatalf("--demo printed no sign-in credentials; stdout: %s", srv.stdout)
	}
	if !isLoopbackURL(srv.URL) {
		t.Fatalf("server URL %s: got a non-loopback address, want 127.0.0.1", srv.URL)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	// chromedp may log from its goroutines; stop forwarding to t once the
	// browser is gone.
	var logMu sync.Mutex
	logDone := false
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		if !logDone {
			t.Logf("chromedp: "+format, args...)
		}
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, browserOptions(t, browser)...)
	guard := &loopbackGuard{}
	tabCtx, cancelTab := chromedp.NewContext(allocCtx,
		chromedp.WithListener(guard.listen),
		chromedp.WithErrorf(logf),
		chromedp.WithLogf(logf),
	)
	b := &rbTab{t: t, srv: srv, ctx: tabCtx, name: "signed-in", guard: guard}
	// Cleanups run last first: report, close the tab, wait for the browser
	// to exit, then stop logging; the server stops after all of them.
	t.Cleanup(func() {
		logMu.Lock()
		logDone = true
		logMu.Unlock()
		cancel()
	})
	t.Cleanup(cancelAlloc)
	t.Cleanup(cancelTab)
	t.Cleanup(b.report)
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start %s: %v", browser, err)
	}

	b.open("/login?next=/reliability")
	b.step("fill the sign-in form",
		chromedp.SendKeys(chromedp.ID("email"), srv.DemoEmail),
		chromedp.SendKeys(chromedp.ID("password"), srv.DemoPassword),
	)
	b.submit(`form[action="/login"] button[type=submit]`, http.StatusOK)
	if got := b.location().Path; got != "/reliability" {
		t.Fatalf("location after sign-in: got %s, want /reliability", got)
	}
	rbWaitForDemo(t, srv)
	return b
}

// rbWaitForDemo waits until the demo's status page lists its five systems,
// the last of the demo's monitors, history, incidents and SLOs to load.
func rbWaitForDemo(t *testing.T, srv *server) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last string
	for {
		var st struct {
			Systems []struct {
				Days []json.RawMessage `json:"days"`
			} `json:"systems"`
		}
		resp, err := http.Get(srv.URL + "/status.json")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
		}
		if err == nil && len(st.Systems) == 5 && len(st.Systems[4].Days) == 90 {
			return
		}
		last = fmt.Sprintf("%d systems, error %v", len(st.Systems), err)
		if time.Now().After(deadline) {
			t.Fatalf("demo reliability data not loaded within 30 s: got %s\nstderr: %s", last, srv.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// anonymous opens a tab in a browser context of its own: no cookies, no
// cache, as a customer reading the status page.
func (b *rbTab) anonymous() *rbTab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(b.guard.listen))
	a := &rbTab{t: b.t, srv: b.srv, ctx: ctx, name: "anonymous", guard: b.guard}
	b.t.Cleanup(cancel)
	b.t.Cleanup(a.screenshotOnFailure)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open a tab in a new browser context: %v", err)
	}
	return a
}

// report fails the test on requests that left loopback, and keeps a
// screenshot of a failed test's last page.
func (b *rbTab) report() {
	if v := b.guard.violations(); len(v) > 0 {
		b.t.Errorf("browser requested non-loopback URLs: got %q, want none", v)
	}
	b.screenshotOnFailure()
}

// screenshotOnFailure writes the page to the test's artifact directory,
// which is a temporary one unless go test runs with -artifacts.
func (b *rbTab) screenshotOnFailure() {
	if !b.t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		b.t.Logf("screenshot of the %s tab at %s: %v", b.name, loc, err)
		return
	}
	path := filepath.Join(b.t.ArtifactDir(), b.name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.t.Logf("screenshot: %v", err)
		return
	}
	b.t.Logf("screenshot of the %s tab at %s written to %s", b.name, loc, path)
}

// step runs steps that stay on the page.
func (b *rbTab) step(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, queryTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// load runs steps that lead to a new page, waits for it and checks that it
// came with the status wanted.
func (b *rbTab) load(what string, want int, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, rbLoadTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		b.t.Fatalf("%s: got no response, want HTTP %d", what, want)
	}
	if int(resp.Status) != want {
		b.t.Fatalf("%s: got HTTP %d %s for %s (page %q), want %d", what, resp.Status, resp.StatusText, resp.URL, b.js(`document.title`), want)
	}
}

// open navigates to a path of the server and wants 200 OK.
func (b *rbTab) open(path string) {
	b.t.Helper()
	b.load("open "+path, http.StatusOK, chromedp.Navigate(b.srv.URL+path))
}

// submit clicks a button or link and waits for the page it leads to.
func (b *rbTab) submit(sel string, want int) {
	b.t.Helper()
	b.load("click "+sel, want, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

func (b *rbTab) location() *url.URL {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("read location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatalf("parse location %q: %v", loc, err)
	}
	return u
}

// text is the visible text of the first element sel matches.
func (b *rbTab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, queryTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("read text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// texts is the text of every element sel matches, empty when none does.
func (b *rbTab) texts(sel string) []string {
	b.t.Helper()
	return evalJS[[]string](b.t, b.ctx, fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).map(e => e.innerText.trim())`, strconv.Quote(sel)))
}

// count is how many elements sel matches.
func (b *rbTab) count(sel string) int {
	b.t.Helper()
	return evalJS[int](b.t, b.ctx, fmt.Sprintf(`document.querySelectorAll(%s).length`, strconv.Quote(sel)))
}

// js evaluates an expression whose value is a string.
func (b *rbTab) js(expr string) string {
	b.t.Helper()
	return evalJS[string](b.t, b.ctx, expr)
}

// value is the current value of a form control.
func (b *rbTab) value(sel string) string {
	b.t.Helper()
	return b.js(fmt.Sprintf(`(e => e ? e.value : '<missing>')(document.querySelector(%s))`, strconv.Quote(sel)))
}

// facts maps each term of the page's definition lists (dl.facts) to its
// description's text.
func (b *rbTab) facts() map[string]string {
	b.t.Helper()
	return evalJS[map[string]string](b.t, b.ctx, `(() => {
		const o = {};
		document.querySelectorAll('dl.facts > dt').forEach(dt => {
			const dd = dt.nextElementSibling;
			o[dt.innerText.trim()] = dd ? dd.innerText.trim() : '';
		});
		return o;
	})()`)
}

// notice is the flash message shown after an action.
func (b *rbTab) notice() string {
	b.t.Helper()
	return b.js(`(e => e ? e.innerText.trim() : '')(document.querySelector('main p.notice[role=status]'))`)
}

// until reloads the page every half second until cond holds or limit
// passes, and reports whether it held.
func (b *rbTab) until(path string, limit time.Duration, cond func() bool) bool {
	b.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		b.open(path)
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// rbTarget is an HTTP service on 127.0.0.1 for monitors to check; it
// answers every request with status and body and counts the requests.
func rbTarget(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(ts.Close)
	return ts, &hits
}

var (
	// rbPercentRe reads an uptime such as "100%" or "99.90%".
	rbPercentRe = regexp.MustCompile(`^(\d{1,3}(?:\.\d+)?)%$`)
	// rbStateRe reads a state badge: a shape, then the word.
	rbStateRe = regexp.MustCompile(`^\S+\s+(Up|Down|Degraded|Unknown|Maintenance|Paused)$`)
	// rbMSRe reads a latency such as "61 ms".
	rbMSRe = regexp.MustCompile(`^(\d+(?:\.\d+)?) ms$`)
	// rbDateTimeRe is how pages write a moment: 2026-11-16 14:07 UTC.
	rbDateTimeRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$`)
	// rbAnyPercentRe finds a percentage in a longer text.
	rbAnyPercentRe = regexp.MustCompile(`(-?\d+(?:\.\d+)?)%`)
)

// rbPercent reads the first percentage in s, such as "2.8% budget left".
func rbPercent(s string) (float64, bool) {
	m := rbAnyPercentRe.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}

// rbEntityRow is one row of the reliability overview as the user sees it.
type rbEntityRow struct {
	Title  string `json:"title"`
	Href   string `json:"href"`
	State  string `json:"state"`
	Bars   int    `json:"bars"`
	Bad    int    `json:"bad"`
	Chart  string `json:"chart"` // the number beside the bars
	Label  string `json:"label"` // the chart's own label
	Up24h  string `json:"up24h"`
	Up7d   string `json:"up7d"`
	Up30d  string `json:"up30d"`
	SLO    string `json:"slo"`
	ChartW int    `json:"chartW"`
}

const rbEntityRowsJS = `Array.from(document.querySelectorAll('#reliability-table tbody tr')).map(tr => {
	const td = tr.querySelectorAll(':scope > td');
	const a = td[0].querySelector('a');
	const svg = td[3].querySelector('svg');
	return {
		title: a ? a.innerText.trim() : '', href: a ? a.getAttribute('href') : '',
		state: td[2].innerText.trim(),
		bars: svg ? svg.querySelectorAll('rect.ub').length : 0,
		bad: svg ? svg.querySelectorAll('rect.ub-bad').length : 0,
		chart: td[3].innerText.trim(),
		label: svg ? svg.getAttribute('aria-label') : '',
		up24h: td[4].innerText.trim(), up7d: td[5].innerText.trim(), up30d: td[6].innerText.trim(),
		slo: td[7].innerText.trim(),
		chartW: svg ? Math.round(svg.getBoundingClientRect().width) : 0,
	};
})`

// rbBarTitles are the hover titles of the bars of the first uptime chart
// inside sel, and of its bad days.
type rbBarTitles struct {
	All []string `json:"all"`
	Bad []string `json:"bad"`
	W   int      `json:"w"`
}

func (b *rbTab) bars(sel string) rbBarTitles {
	b.t.Helper()
	return evalJS[rbBarTitles](b.t, b.ctx, fmt.Sprintf(`(svg => svg ? {
		all: Array.from(svg.querySelectorAll('rect.ub')).map(r => r.querySelector('title').textContent),
		bad: Array.from(svg.querySelectorAll('rect.ub-bad')).map(r => r.querySelector('title').textContent),
		w: Math.round(svg.getBoundingClientRect().width),
	} : {all: [], bad: [], w: 0})(document.querySelector(%s))`, strconv.Quote(sel+" svg.uptime-bars")))
}

// fillMonitorForm fills the new-monitor form as a user types it.
func (b *rbTab) fillMonitorForm(name, entity, target, interval, conditions string) {
	b.t.Helper()
	b.step("fill the monitor form",
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("entity"), entity),
		chromedp.SetValue(chromedp.ID("type"), "http"),
		chromedp.Clear(chromedp.ID("interval")),
		chromedp.SendKeys(chromedp.ID("interval"), interval),
		chromedp.SendKeys(chromedp.ID("target"), target),
	)
	if conditions != "" {
		b.step("type the conditions", chromedp.SendKeys(chromedp.ID("conditions"), conditions))
	}
}

// TestBrowserReliabilityOverviewAndMonitor walks from the reliability
// overview to a demo monitor's page, then creates a monitor through the
// form, tripping over a condition that does not parse on the way.
func TestBrowserReliabilityOverviewAndMonitor(t *testing.T) {
	b := rbStart(t)

	// The overview: every demo component with its state, uptime and chart.
	b.open("/reliability")
	if got := b.text("main h1"); got != "Reliability" {
		t.Errorf("heading: got %q, want %q", got, "Reliability")
	}
	rows := evalJS[[]rbEntityRow](t, b.ctx, rbEntityRowsJS)
	if len(rows) != 10 {
		t.Fatalf("overview rows: got %d (%v), want the demo's 10 monitored components", len(rows), rows)
	}
	if got := b.text("p.result-count"); got != "1–10 of 10 entities" {
		t.Errorf("result count: got %q, want %q", got, "1–10 of 10 entities")
	}
	byTitle := map[string]rbEntityRow{}
	for _, r := range rows {
		byTitle[r.Title] = r
		if !rbStateRe.MatchString(r.State) {
			t.Errorf("%s state: got %q, want a shape and Up, Down, Unknown…", r.Title, r.State)
		}
		// 30 bars, one per day, with the 30-day uptime beside them.
		if r.Bars != 30 || r.ChartW < 100 {
			t.Errorf("%s chart: got %d bars %d px wide, want 30 bars at least 100 px wide", r.Title, r.Bars, r.ChartW)
		}
		for what, v := range map[string]string{"chart figure": r.Chart, "up 24 h": r.Up24h, "up 7 d": r.Up7d, "up 30 d": r.Up30d} {
			if !rbPercentRe.MatchString(v) {
				t.Errorf("%s %s: got %q, want a percentage", r.Title, what, v)
			}
		}
		// The figure beside the bars sums up the same bars.
		if want := "Uptime per day over 30 days: " + r.Chart; r.Label != want {
			t.Errorf("%s: the figure beside the 30-day bars is %q, the bars' own label %q; want the same uptime", r.Title, r.Chart, r.Label)
		}
	}
	// The demo's outages: checkout down 42 minutes 12 days ago, payments
	// 18 minutes 3 days ago; each is one bar under 99%.
	for _, want := range []struct {
		title, up30d string
		bad          int
	}{
		{"Checkout Service", "99.90%", 1},
		{"Payment Gateway", "99.95%", 1},
	} {
		r, ok := byTitle[want.title]
		if !ok {
			t.Errorf("overview: no row %q among %v", want.title, rows)
			continue
		}
		if r.Up30d != want.up30d || r.Bad != want.bad {
			t.Errorf("%s: got up 30 d %q with %d bad days, want %q with %d", want.title, r.Up30d, r.Bad, want.up30d, want.bad)
		}
	}
	checkout := byTitle["Checkout Service"]
	_, budget, _ := strings.Cut(checkout.SLO, "\n") // under the attainment
	if left, ok := rbPercent(budget); !ok || !strings.HasSuffix(budget, "budget left") || left >= 20 {
		t.Errorf("Checkout Service worst SLO: got %q, want under 20%% budget left", checkout.SLO)
	}
	if checkout.Href != "/catalog/component/default/checkout-service" {
		t.Fatalf("Checkout Service link: got %q, want its catalog page", checkout.Href)
	}
	cards := b.texts(".cards .card")
	if len(cards) != 4 || !regexp.MustCompile(`^\d+ of 10\n`).MatchString(cards[0]) {
		t.Errorf("summary cards: got %q, want \"N of 10 monitors up\" first", cards)
	}

	// The row leads to the entity, whose panel lists its monitor.
	b.submit(`#reliability-table a[href="`+checkout.Href+`"]`, http.StatusOK)
	if got := b.location().Path; got != checkout.Href {
		t.Fatalf("location after clicking Checkout Service: got %s, want %s", got, checkout.Href)
	}
	if got := b.text("main h1"); got != "Checkout Service" {
		t.Errorf("entity heading: got %q, want %q", got, "Checkout Service")
	}
	if got := len(b.bars("section.rel-entity").All); got != 90 {
		t.Errorf("entity panel uptime bars: got %d, want 90", got)
	}
	b.submit(`#entity-monitors a[href="/monitors/checkout-service-health"]`, http.StatusOK)

	// The monitor: 90 days of bars with the outage day, and response times.
	if got := b.location().Path; got != "/monitors/checkout-service-health" {
		t.Fatalf("location after clicking the monitor: got %s, want /monitors/checkout-service-health", got)
	}
	if got := b.text("main h1"); got != "checkout-service-health" {
		t.Errorf("monitor heading: got %q, want %q", got, "checkout-service-health")
	}
	days := b.bars(`section[aria-labelledby="days-h"]`)
	if len(days.All) != 90 || days.W < 300 {
		t.Fatalf("monitor uptime bars: got %d bars %d px wide, want 90 at least 300 px wide", len(days.All), days.W)
	}
	if len(days.Bad) != 1 || !strings.Contains(days.Bad[0], "84 of 2,880 checks failed") {
		t.Errorf("bad days: got %q, want one with 84 of 2,880 checks failed (42 minutes)", days.Bad)
	} else {
		today, err1 := time.Parse(time.DateOnly, days.All[89][:10])
		bad, err2 := time.Parse(time.DateOnly, days.Bad[0][:10])
		if err1 != nil || err2 != nil || today.Sub(bad) != 12*24*time.Hour {
			t.Errorf("bad day: got %q with the last bar %q, want 12 days before it", days.Bad[0], days.All[89])
		}
	}
	if got := b.text("#days-h .count"); !rbPercentRe.MatchString(got) || got == "100%" {
		t.Errorf("90-day uptime beside the bars: got %q, want a percentage under 100%%", got)
	}
	if got := b.js(`document.querySelector('#response svg.line-chart').getAttribute('aria-label')`); got != "Response time per hour, last 24 hours" {
		t.Errorf("response chart label: got %q, want %q", got, "Response time per hour, last 24 hours")
	}
	points := evalJS[[]int](t, b.ctx, `['line-p50', 'line-p95'].map(c =>
		Array.from(document.querySelectorAll('#response g.series.' + c + ' polyline')).reduce((n, p) => n + p.points.numberOfItems, 0))`)
	if len(points) != 2 || points[0] < 12 || points[1] < 12 {
		t.Errorf("response chart points (p50, p95): got %v, want at least 12 hourly points each", points)
	}
	figs := b.texts("#response dl.figures dd")
	if len(figs) != 3 {
		t.Fatalf("response figures: got %q, want p50, p95 and checks timed", figs)
	}
	p50, p95 := rbMSRe.FindStringSubmatch(figs[0]), rbMSRe.FindStringSubmatch(figs[1])
	if p50 == nil || p95 == nil {
		t.Errorf("p50, p95: got %q, %q, want milliseconds", figs[0], figs[1])
	} else if a, _ := strconv.ParseFloat(p50[1], 64); a <= 0 || a >= 1000 {
		t.Errorf("p50: got %q, want between 0 and 1000 ms", figs[0])
	} else if c, _ := strconv.ParseFloat(p95[1], 64); c < a {
		t.Errorf("p95 %q is below p50 %q", figs[1], figs[0])
	}
	if n, err := atoiCommas(figs[2]); err != nil || n < 1000 {
		t.Errorf("good checks timed: got %q, want the day's checks (over 1,000)", figs[2])
	}
	var up30 string
	for _, c := range b.texts(".monitor-cards .card") {
		if strings.Contains(c, "uptime 30d") {
			up30 = c
		}
	}
	if !strings.HasPrefix(up30, "99.90%\n") || !strings.Contains(up30, "84 failed of") {
		t.Errorf("30-day uptime card: got %q, want 99.90%% with 84 failed checks", up30)
	}

	// A new monitor, first with a condition that does not parse.
	target, hits := rbTarget(t, http.StatusOK, `{"status":"UP"}`)
	const (
		name   = "inventory-health"
		entity = "inventory-service"
		bad    = "[STATUS] == 200\n[BODY].status === UP"
		good   = "[STATUS] == 200\n[BODY].status == UP"
	)
	b.open("/monitors/new")
	b.fillMonitorForm(name, entity, target.URL, "10s", bad)
	b.submit(`form.monitor-form button[type=submit]`, http.StatusUnprocessableEntity)
	if got := b.location().Path; got != "/monitors/new" {
		t.Errorf("location after a refused form: got %s, want /monitors/new", got)
	}
	if got := b.texts(".form-error"); len(got) != 1 || !strings.Contains(got[0], "nothing was saved") {
		t.Errorf("form message: got %q, want one saying nothing was saved", got)
	}
	errs := evalJS[[]string](t, b.ctx, `Array.from(document.querySelectorAll('.field-error')).map(e => e.id)`)
	if !slices.Equal(errs, []string{"conditions-error"}) {
		t.Errorf("field errors: got %q, want only conditions-error", errs)
	}
	msg := b.text("#conditions-error")
	for _, want := range []string{"Line 2", `"===`, "=="} {
		if !strings.Contains(msg, want) {
			t.Errorf("conditions error: got %q, want it to contain %q (the line, the bad operator, the operators to use)", msg, want)
		}
	}
	// Next to the field: in its box, right under the text area, and named
	// by it for screen readers.
	near := evalJS[map[string]any](t, b.ctx, `(() => {
		const ta = document.querySelector('#conditions'), e = document.querySelector('#conditions-error');
		const a = ta.getBoundingClientRect(), r = e.getBoundingClientRect();
		return {same: ta.closest('.field') === e.closest('.field'), gap: Math.round(r.top - a.bottom),
			invalid: ta.getAttribute('aria-invalid'), describedby: ta.getAttribute('aria-describedby')};
	})()`)
	if near["same"] != true || near["invalid"] != "true" || near["describedby"] != "conditions-error" {
		t.Errorf("conditions error placement: got %v, want it in the field's box, the text area invalid and described by it", near)
	}
	if gap, _ := near["gap"].(float64); gap < 0 || gap > 40 {
		t.Errorf("conditions error: got %v px below the text area, want right under it (0–40 px)", near["gap"])
	}
	kept := map[string]string{"#name": name, "#entity": entity, "#interval": "10s", "#target": target.URL, "#conditions": bad}
	for sel, want := range kept {
		if got := b.value(sel); got != want {
			t.Errorf("%s after the refused form: got %q, want what was typed, %q", sel, got, want)
		}
	}

	b.step("fix the conditions", chromedp.Clear(chromedp.ID("conditions")), chromedp.SendKeys(chromedp.ID("conditions"), good))
	b.submit(`form.monitor-form button[type=submit]`, http.StatusOK)
	if got := b.location().Path; got != "/monitors/"+name {
		t.Fatalf("location after saving: got %s, want /monitors/%s", got, name)
	}
	if got := b.notice(); got != "Created monitor "+name+"." {
		t.Errorf("notice: got %q, want %q", got, "Created monitor "+name+".")
	}
	if got := b.text("main h1"); got != name {
		t.Errorf("heading: got %q, want %q", got, name)
	}
	if got, want := b.text("main .page-head p.muted"), "Watches "+entity+" · "+target.URL; got != want {
		t.Errorf("what it watches: got %q, want %q", got, want)
	}
	facts := b.facts()
	if facts["Target"] != target.URL || facts["Interval"] != "10s" || facts["Type"] != "http" {
		t.Errorf("settings: got %v, want type http, target %s, interval 10s", facts, target.URL)
	}
	if got := b.texts("ol.conditions li"); !slices.Equal(got, strings.Split(good, "\n")) {
		t.Errorf("conditions: got %q, want %q", got, strings.Split(good, "\n"))
	}
	// The first check runs within one interval (10 s); the page shows it
	// and the monitor up. (A page drawn while the check is being recorded
	// may show one without the other, so wait for both.)
	var outcome, state, last string
	if !b.until("/monitors/"+name, 15*time.Second, func() bool {
		if got := b.texts("#results-table tbody tr td:nth-child(2)"); len(got) > 0 {
			outcome = got[0]
		}
		cards := b.texts(".monitor-cards .card .card-number")
		if len(cards) > 1 {
			state, last = cards[0], cards[1]
		}
		return outcome != "" && !strings.HasSuffix(state, "Unknown")
	}) {
		t.Fatalf("monitor page 15 s after saving: got state %q, last check %q, latest outcome %q (target hit %d times); want a check shown",
			state, last, outcome, hits.Load())
	}
	if !strings.HasSuffix(outcome, "Good") || !strings.HasSuffix(state, "Up") || last == "never" {
		t.Errorf("after the first check: got outcome %q, state %q, last check %q; want Good, Up and a time", outcome, state, last)
	}
}

// rbTimelineEntry is one entry of an incident's timeline as shown.
type rbTimelineEntry struct {
	Status string `json:"status"`
	Public bool   `json:"public"`
	Who    string `json:"who"`
	Body   string `json:"body"`
}

const rbTimelineJS = `Array.from(document.querySelectorAll('#timeline li.timeline-entry')).map(li => ({
	status: (b => b ? b.innerText.trim().split(/\s+/).pop() : '')(li.querySelector('.timeline-meta .badge[class*="inc-st-"]')),
	public: li.classList.contains('is-public') && !!li.querySelector('.public-mark'),
	who: (m => m ? m.innerText.replace(/^·\s*/, '').trim() : '')(li.querySelector('.timeline-meta > span.muted:last-child')),
	body: li.querySelector('.timeline-body').innerText.trim(),
}))`

// rbIncidentRow is one row of the incidents list.
type rbIncidentRow struct {
	Title    string `json:"title"`
	Href     string `json:"href"`
	Status   string `json:"status"`
	Lasted   string `json:"lasted"`
	Entity   string `json:"entity"`
	NotAcked bool   `json:"notAcked"`
}

const rbIncidentRowsJS = `Array.from(document.querySelectorAll('#incidents-table tbody tr')).map(tr => {
	const td = tr.querySelectorAll(':scope > td');
	const a = td[1].querySelector('a');
	return {title: a.innerText.trim(), href: a.getAttribute('href'),
		status: td[3].innerText.trim().split(/\s+/).pop(), lasted: td[5].innerText.trim(), entity: td[6].innerText.trim(),
		notAcked: !!td[1].querySelector('.badge-warn')};
})`

// rbActionItem is one row of a postmortem's action items, as the editor's
// form shows it.
type rbActionItem struct {
	Title string `json:"title"`
	Owner string `json:"owner"`
	Due   string `json:"due"`
	Done  bool   `json:"done"`
}

const rbActionItemsJS = `Array.from(document.querySelectorAll('table.action-items tbody tr')).map(tr => ({
	title: tr.querySelector('input[name$="-title"]').value,
	owner: tr.querySelector('input[name$="-owner"]').value,
	due: tr.querySelector('input[name$="-due"]').value,
	done: tr.querySelector('input[name$="-done"]').checked,
})).filter(a => a.title !== '')`

// rbStatusSystem is one system of the public status page.
type rbStatusSystem struct {
	Name   string `json:"name"`
	State  string `json:"state"`
	Bars   int    `json:"bars"`
	Uptime string `json:"uptime"`
	W      int    `json:"w"`
}

const rbStatusSystemsJS = `Array.from(document.querySelectorAll('li.status-system')).map(li => {
	const svg = li.querySelector('svg.uptime-bars');
	return {name: li.querySelector('h3').innerText.trim(),
		state: li.querySelector('.status-system-head .badge').innerText.trim().split(/\s+/).slice(1).join(' '),
		bars: svg ? svg.querySelectorAll('rect.ub').length : 0,
		uptime: li.querySelector('.status-uptime').innerText.trim(),
		w: svg ? Math.round(svg.getBoundingClientRect().width) : 0};
})`

// rbStatusIncident is an incident on the public status page with its
// updates, newest first.
type rbStatusIncident struct {
	Title   string   `json:"title"`
	Meta    string   `json:"meta"`
	Heads   []string `json:"heads"`
	Updates []string `json:"updates"`
}

const rbStatusOpenJS = `Array.from(document.querySelectorAll('article.status-incident-open')).map(a => ({
	title: a.querySelector('h3').innerText.trim(),
	meta: a.querySelector('.status-incident-meta').innerText.trim(),
	heads: Array.from(a.querySelectorAll('.status-update-head strong')).map(e => e.innerText.trim()),
	updates: Array.from(a.querySelectorAll('.status-update-body')).map(e => e.innerText.trim()),
}))`

// TestBrowserIncidentsAndStatusPage reads the demo's past incidents and a
// postmortem, opens an incident and posts a public update, acknowledges
// an incident a failing monitor opened, and reads the public status page
// without signing in.
func TestBrowserIncidentsAndStatusPage(t *testing.T) {
	b := rbStart(t)

	// A monitor that fails from its first check: its incident opens while
	// the rest of the flow runs.
	down, downHits := rbTarget(t, http.StatusServiceUnavailable, `{"status":"DOWN"}`)
	b.open("/monitors/new")
	b.fillMonitorForm("fraud-scoring-health", "fraud-scoring", down.URL, "10s", "")
	b.submit(`form.monitor-form button[type=submit]`, http.StatusOK)
	if got := b.location().Path; got != "/monitors/fraud-scoring-health" {
		t.Fatalf("location after creating the failing monitor: got %s, want /monitors/fraud-scoring-health", got)
	}

	// The demo's past incidents, under Resolved.
	b.open("/incidents")
	tabs := b.texts("nav.incident-tabs a")
	if len(tabs) != 3 || tabs[1] != "Resolved 3" {
		t.Errorf("state tabs: got %q, want Open, Resolved 3, All", tabs)
	}
	if got := b.text(`nav.incident-tabs a[aria-current="page"]`); !strings.HasPrefix(got, "Open") {
		t.Errorf("current tab: got %q, want Open", got)
	}
	b.submit(`nav.incident-tabs a[href$="state=resolved"]`, http.StatusOK)
	if got := b.location().Query().Get("state"); got != "resolved" {
		t.Errorf("URL after choosing Resolved: got state=%q, want resolved", got)
	}
	past := evalJS[[]rbIncidentRow](t, b.ctx, rbIncidentRowsJS)
	wantPast := map[string]struct{ lasted, entity string }{
		"Card payments timing out":           {"18 min", "payment-gateway"},
		"Checkout failing for all customers": {"42 min", "checkout-service"},
		"Search returning errors":            {"25 min", "search-service"},
	}
	if len(past) != len(wantPast) {
		t.Errorf("resolved incidents: got %d (%v), want the demo's %d", len(past), past, len(wantPast))
	}
	var checkoutHref string
	for _, r := range past {
		w, ok := wantPast[r.Title]
		if !ok || r.Status != "resolved" || r.Lasted != w.lasted || r.Entity != w.entity {
			t.Errorf("resolved incident: got %+v, want one of the demo's, resolved, with how long it lasted and its entity", r)
		}
		if r.Title == "Checkout failing for all customers" {
			checkoutHref = r.Href
		}
	}
	if checkoutHref == "" {
		t.Fatalf("resolved incidents: got %v, want %q", past, "Checkout failing for all customers")
	}

	// The one with a postmortem.
	b.submit(`#incidents-table a[href="`+checkoutHref+`"]`, http.StatusOK)
	if got := b.text("main h1"); got != "Checkout failing for all customers" {
		t.Errorf("incident heading: got %q, want %q", got, "Checkout failing for all customers")
	}
	facts := b.facts()
	for term, want := range map[string]string{"Time to acknowledge": "4 min", "Time to resolve": "42 min", "Deployment": "checkout-service 2026.11.3"} {
		if facts[term] != want {
			t.Errorf("fact %q: got %q, want %q", term, facts[term], want)
		}
	}
	if got := b.count("details#details[open]"); got != 1 {
		t.Errorf("details and postmortem of a resolved incident: got %d open, want it unfolded", got)
	}
	if got := b.value("#d-summary"); got != "For 42 minutes no customer could complete a purchase." {
		t.Errorf("postmortem summary: got %q", got)
	}
	items := evalJS[[]rbActionItem](t, b.ctx, rbActionItemsJS)
	wantItems := []rbActionItem{
		{Title: "Load-test connection-pool changes before release", Owner: "group:default/checkout"},
		{Title: "Alert on pool saturation, not only on errors", Owner: "user:default/ana.lopez", Done: true},
	}
	if len(items) != len(wantItems) {
		t.Errorf("action items: got %+v, want %d", items, len(wantItems))
	}
	for i := range min(len(items), len(wantItems)) {
		got, want := items[i], wantItems[i]
		if _, err := time.Parse(time.DateOnly, got.Due); err != nil || got.Title != want.Title || got.Owner != want.Owner || got.Done != want.Done {
			t.Errorf("action item %d: got %+v, want %+v with a due date", i+1, got, want)
		}
	}

	// A new incident, then a public update on it.
	title := "Checkout slow for card payments"
	const (
		firstNote = "Looking into slow checkouts reported by support."
		update    = "The card processor's latency rose; we are failing over to the second processor."
	)
	b.open("/incidents/new")
	b.step("fill the incident form",
		chromedp.SendKeys(chromedp.ID("i-title"), title),
		chromedp.SetValue(chromedp.ID("i-severity"), "critical"),
		chromedp.SendKeys(chromedp.ID("i-entity"), "checkout-service"),
		chromedp.SendKeys(chromedp.ID("i-message"), firstNote),
	)
	b.submit(`form[action="/incidents/new"] button[type=submit]`, http.StatusOK)
	incPath := b.location().Path
	if !regexp.MustCompile(`^/incidents/\d+$`).MatchString(incPath) {
		t.Fatalf("location after opening the incident: got %s, want /incidents/N", incPath)
	}
	if got, want := b.notice(), "Opened incident #"+strings.TrimPrefix(incPath, "/incidents/")+"."; got != want {
		t.Errorf("notice: got %q, want %q", got, want)
	}
	if got := b.text("main h1"); got != title {
		t.Errorf("incident heading: got %q, want %q", got, title)
	}
	if got := b.text(".incident-badges"); !strings.Contains(got, "critical") || !strings.Contains(got, "investigating") {
		t.Errorf("badges: got %q, want critical and investigating", got)
	}
	// Whoever opens an incident is its first responder: acknowledged from
	// the start, as the form says.
	if got := b.count(".incident-badges .badge-warn") + b.count(`form[action$="/acknowledge"]`); got != 0 {
		t.Errorf("new incident: got a not-acknowledged badge or an Acknowledge button, want it acknowledged by its opener")
	}
	if got := b.facts()["Acknowledged"]; !rbDateTimeRe.MatchString(got) {
		t.Errorf("fact Acknowledged: got %q, want the time it was opened", got)
	}
	if got := evalJS[[]rbTimelineEntry](t, b.ctx, rbTimelineJS); len(got) != 1 || got[0].Body != firstNote || got[0].Public {
		t.Errorf("timeline of the new incident: got %+v, want the first note, internal", got)
	}

	b.step("fill the update form",
		chromedp.SetValue(chromedp.ID("u-status"), "identified"),
		chromedp.SendKeys(chromedp.ID("u-body"), update),
		chromedp.Click(chromedp.CSS(`#update input[name=public]`), chromedp.NodeVisible),
	)
	b.submit(`#update button[type=submit]`, http.StatusOK)
	if got := b.location().Path; got != incPath {
		t.Errorf("location after posting: got %s, want %s", got, incPath)
	}
	if got := b.notice(); got != "Update posted." {
		t.Errorf("notice: got %q, want %q", got, "Update posted.")
	}
	if got := b.text(".incident-badges"); !strings.Contains(got, "identified") {
		t.Errorf("badges after the update: got %q, want identified", got)
	}
	tl := evalJS[[]rbTimelineEntry](t, b.ctx, rbTimelineJS)
	wantLast := rbTimelineEntry{Status: "identified", Public: true, Who: b.srv.DemoEmail, Body: update}
	if len(tl) != 2 || tl[1] != wantLast {
		t.Errorf("timeline after the update: got %+v, want the first note then %+v", tl, wantLast)
	}
	if got := b.text("#tl-h .count"); got != "2 entries, 1 public" {
		t.Errorf("timeline count: got %q, want %q", got, "2 entries, 1 public")
	}

	// The failing monitor's incident waits for someone to acknowledge it.
	var auto rbIncidentRow
	if !b.until("/incidents", 15*time.Second, func() bool {
		for _, r := range evalJS[[]rbIncidentRow](t, b.ctx, rbIncidentRowsJS) {
			if r.Entity == "fraud-scoring" {
				auto = r
				return true
			}
		}
		return false
	}) {
		t.Fatalf("no incident for fraud-scoring among the open ones within 15 s (its monitor checked %d times)", downHits.Load())
	}
	if auto.Title != "fraud-scoring is down" || !auto.NotAcked {
		t.Errorf("monitor's incident in the list: got %+v, want %q marked not acknowledged", auto, "fraud-scoring is down")
	}
	b.submit(`#incidents-table a[href="`+auto.Href+`"]`, http.StatusOK)
	if got := b.text("main p.warning"); !strings.Contains(got, "fraud-scoring-health") || !strings.Contains(got, "resolves on its own") {
		t.Errorf("note on a monitor's incident: got %q, want it to name the monitor and say it resolves on its own", got)
	}
	if got := b.facts()["Acknowledged"]; got != "not yet" {
		t.Errorf("fact Acknowledged before acknowledging: got %q, want %q", got, "not yet")
	}
	b.submit(`form[action$="/acknowledge"] button[type=submit]`, http.StatusOK)
	if got, want := b.notice(), "Acknowledged. The incident is yours now: it no longer resolves on its own."; got != want {
		t.Errorf("notice: got %q, want %q", got, want)
	}
	if got := b.count(".incident-badges .badge-warn") + b.count(`form[action$="/acknowledge"]`); got != 0 {
		t.Errorf("after acknowledging: still a not-acknowledged badge or an Acknowledge button")
	}
	if got := b.facts()["Acknowledged"]; !rbDateTimeRe.MatchString(got) {
		t.Errorf("fact Acknowledged: got %q, want the time", got)
	}
	if tl := evalJS[[]rbTimelineEntry](t, b.ctx, rbTimelineJS); len(tl) == 0 || tl[len(tl)-1].Who != b.srv.DemoEmail || tl[len(tl)-1].Body != "Acknowledged by "+b.srv.DemoEmail+"." {
		t.Errorf("timeline after acknowledging: got %+v, want it to end with %q by %s", tl, "Acknowledged by "+b.srv.DemoEmail+".", b.srv.DemoEmail)
	}

	// The public status page, in a browser context that never signed in.
	pub := b.anonymous()
	pub.open("/status")
	if got := pub.count(".sidebar"); got != 0 {
		t.Errorf("status page: got the signed-in navigation, want the public page")
	}
	if got := pub.text(".status-name"); got != "Northwind Outfitters" {
		t.Errorf("status page name: got %q, want %q", got, "Northwind Outfitters")
	}
	if got := pub.text("h1.status-banner"); !strings.HasSuffix(got, "Some systems are degraded") {
		t.Errorf("banner with an open incident: got %q, want %q", got, "Some systems are degraded")
	}
	systems := evalJS[[]rbStatusSystem](t, pub.ctx, rbStatusSystemsJS)
	var names []string
	for _, s := range systems {
		names = append(names, s.Name)
		if !slices.Contains([]string{"Operational", "Degraded", "Down", "Maintenance", "Unknown"}, s.State) {
			t.Errorf("system %s state: got %q, want Operational, Degraded, Down, Maintenance or Unknown", s.Name, s.State)
		}
		if s.Bars != 90 || s.W < 200 {
			t.Errorf("system %s: got %d bars %d px wide, want 90 at least 200 px wide", s.Name, s.Bars, s.W)
		}
		if u, ok := rbPercent(s.Uptime); !ok || u < 99 || !strings.Contains(s.Uptime, "uptime") {
			t.Errorf("system %s uptime: got %q, want a 90-day uptime over 99%%", s.Name, s.Uptime)
		}
	}
	if want := []string{"Online store", "Checkout", "Payments", "Search", "Sign-in"}; !slices.Equal(names, want) {
		t.Errorf("systems: got %q, want %q", names, want)
	}
	open := evalJS[[]rbStatusIncident](t, pub.ctx, rbStatusOpenJS)
	if len(open) != 1 {
		t.Fatalf("current incidents: got %+v, want only %q (fraud-scoring is not on the page)", open, title)
	}
	if open[0].Title != title || !strings.Contains(open[0].Meta, "identified") || !strings.Contains(open[0].Meta, "critical") {
		t.Errorf("current incident: got %q (%q), want %q, identified, critical", open[0].Title, open[0].Meta, title)
	}
	if !slices.Equal(open[0].Heads, []string{"Identified"}) || !slices.Equal(open[0].Updates, []string{update}) {
		t.Errorf("public updates: got %q %q, want only the public one: Identified, %q", open[0].Heads, open[0].Updates, update)
	}
	body := pub.js(`document.body.innerText`)
	for _, secret := range []string{firstNote, b.srv.DemoEmail, "fraud-scoring"} {
		if strings.Contains(body, secret) {
			t.Errorf("status page: got %q on it, want it kept internal", secret)
		}
	}
	if got := pub.texts(".status-past summary strong"); !slices.Contains(got, "Checkout failing for all customers") {
		t.Errorf("past incidents: got %q, want the demo's checkout outage among them", got)
	}
	// And the public is not signed in.
	pub.open("/incidents")
	if got := pub.location().Path; got != "/login" {
		t.Errorf("anonymous /incidents: got %s, want the sign-in page", got)
	}
}

// rbSLORow is one row of the SLO table as the user sees it.
type rbSLORow struct {
	Name       string `json:"name"`
	Entity     string `json:"entity"`
	Objective  string `json:"objective"`
	Attainment string `json:"attainment"`
	Used       string `json:"used"`
	Left       string `json:"left"`
	LeftClass  string `json:"leftClass"`
	Spark      int    `json:"spark"`
}

const rbSLORowsJS = `Array.from(document.querySelectorAll('#slos-table tbody tr')).map(tr => {
	const td = tr.querySelectorAll(':scope > td');
	const left = td[5].querySelector('span:not(.spark-cell)');
	return {name: td[0].querySelector('a').innerText.trim(), entity: td[1].innerText.trim(),
		objective: td[2].innerText.trim(), attainment: td[3].innerText.trim(), used: td[4].innerText.trim(),
		left: left ? left.innerText.trim() : '', leftClass: left ? left.className : '',
		spark: td[5].querySelectorAll('svg.sparkline polyline').length};
})`

// rbBudgetChart reads an SLO's budget chart back into numbers: the share
// of budget left at its first and last points, by the chart's own 0% and
// 100% grid lines.
type rbBudgetChart struct {
	Title string    `json:"title"`
	Rule  string    `json:"rule"`
	Left  []float64 `json:"left"`
	W     int       `json:"w"`
}

const rbBudgetChartJS = `(sel => {
	const svg = document.querySelector(sel + ' svg.line-chart');
	if (!svg) return {title: '', rule: '', left: [], w: 0};
	const y = {};
	svg.querySelectorAll('text.axis').forEach(t => { y[t.textContent] = parseFloat(t.getAttribute('y')) - 4; });
	const pts = Array.from(svg.querySelectorAll('g.series polyline')).flatMap(p => Array.from(p.points));
	return {
		title: svg.querySelector('text.chart-title').textContent,
		rule: (r => r ? r.textContent : '')(svg.querySelector('text.rule-label')),
		left: pts.map(p => (y['0%'] - p.y) / (y['0%'] - y['100%'])),
		w: Math.round(svg.getBoundingClientRect().width),
	};
})`

// TestBrowserSLOs reads the demo's SLOs: where each stands, its budget
// chart, and the checkout SLO's budget nearly spent by the 42-minute
// outage.
func TestBrowserSLOs(t *testing.T) {
	b := rbStart(t)
	b.open("/slos")
	if got := b.text("main h1"); got != "SLOs" {
		t.Errorf("heading: got %q, want %q", got, "SLOs")
	}
	if got := b.text("p.result-count"); got != "1–4 of 4 SLOs" {
		t.Errorf("result count: got %q, want %q", got, "1–4 of 4 SLOs")
	}
	rows := evalJS[[]rbSLORow](t, b.ctx, rbSLORowsJS)
	var names []string
	byName := map[string]rbSLORow{}
	for _, r := range rows {
		names = append(names, r.Name)
		byName[r.Name] = r
		if r.Spark != 1 {
			t.Errorf("%s: got %d sparkline(s) beside the budget, want 1", r.Name, r.Spark)
		}
		if _, ok := rbPercent(r.Left); !ok {
			t.Errorf("%s budget left: got %q, want a percentage", r.Name, r.Left)
		}
	}
	if want := []string{"checkout-availability", "payments-availability", "search-latency", "storefront-availability"}; !slices.Equal(names, want) {
		t.Fatalf("SLOs: got %q, want the demo's %q", names, want)
	}

	// 42 minutes down is 84 failed checks of the 86 a 99.9% month allows.
	co := byName["checkout-availability"]
	left, _ := rbPercent(co.Left)
	if co.Entity != "checkout-service" || !strings.HasPrefix(co.Objective, "99.9%") || !strings.HasPrefix(co.Used, "84 of 86") {
		t.Errorf("checkout-availability: got %+v, want checkout-service, 99.9%%, 84 of 86 bad checks used", co)
	}
	if left <= 0 || left >= 20 || !strings.Contains(co.LeftClass, "text-warn") {
		t.Errorf("checkout-availability budget left: got %q (class %q), want between 0 and 20%% and marked as a warning", co.Left, co.LeftClass)
	}
	if att, ok := rbPercent(co.Attainment); !ok || att < 99.9 || att >= 99.91 {
		t.Errorf("checkout-availability attainment: got %q, want just over the 99.9%% objective", co.Attainment)
	}
	payLeft, _ := rbPercent(byName["payments-availability"].Left)
	if payLeft <= left || payLeft >= 100 {
		t.Errorf("payments-availability budget left: got %q, want more than checkout's %q (18 minutes down, not 42) and under 100%%",
			byName["payments-availability"].Left, co.Left)
	}

	// Each SLO's budget chart, with the line the budget must stay above.
	for _, name := range names {
		c := evalJS[rbBudgetChart](t, b.ctx, rbBudgetChartJS+"("+strconv.Quote("#slo-"+name)+")")
		window := "last " + strings.TrimSpace(strings.Split(byName[name].Objective, "·")[1])
		if name == "storefront-availability" {
			window = "this month"
		}
		if c.Title != "Error budget left, "+window || c.Rule != "0%: budget spent" || len(c.Left) < 2 || c.W < 200 {
			t.Errorf("%s budget chart: got title %q, rule %q, %d points, %d px wide; want %q with the 0%% line drawn",
				name, c.Title, c.Rule, len(c.Left), c.W, "Error budget left, "+window)
		}
	}
	// The checkout chart starts full and ends where the figure says.
	c := evalJS[rbBudgetChart](t, b.ctx, rbBudgetChartJS+`("#slo-checkout-availability")`)
	if len(c.Left) >= 2 {
		first, last := c.Left[0], c.Left[len(c.Left)-1]
		if first < 0.99 || last > 0.2 || last < 0 || (last*100-left) > 1 || (left-last*100) > 1 {
			t.Errorf("checkout budget chart: got %.1f%% at the start and %.1f%% now, want 100%% then the %.1f%% the figure says", first*100, last*100, left)
		}
	}
	if got := b.text("#slo-checkout-availability dl.figures"); !strings.Contains(got, co.Left) {
		t.Errorf("checkout panel figures: got %q, want the budget left %q", got, co.Left)
	}

	// Sorting by budget left puts the most spent first, through the URL.
	b.submit(`#slos-table thead a[href*="sort=budget"]`, http.StatusOK)
	if got := b.location().Query().Get("sort"); got != "budget" {
		t.Errorf("URL after sorting: got sort=%q, want budget", got)
	}
	if got := evalJS[[]rbSLORow](t, b.ctx, rbSLORowsJS); len(got) == 0 || got[0].Name != "checkout-availability" {
		t.Errorf("first SLO by budget left: got %+v, want checkout-availability", got)
	}
}
