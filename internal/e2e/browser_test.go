package e2e

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// queryTimeout bounds one wait for an element, so that a missing element
// fails its step quickly and leaves time for the report.
const queryTimeout = 10 * time.Second

// browserNames are the programs the browser test looks for on PATH.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome"}

// findBrowser returns the path of the first browser found on PATH, or "".
func findBrowser() string {
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// catalogRow is one row of #catalog-table as the user sees it.
type catalogRow struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	Href string `json:"href"`
}

// homeCard is one count card of the overview page.
type homeCard struct {
	Number string `json:"number"`
	Label  string `json:"label"`
	Href   string `json:"href"`
}

const rowsJS = `Array.from(document.querySelectorAll('#catalog-table tbody tr')).map(tr => {
	const td = tr.querySelectorAll('td');
	const a = td[0] ? td[0].querySelector('a') : null;
	return {name: a ? a.innerText.trim() : '', kind: td[1] ? td[1].innerText.trim() : '', href: a ? a.getAttribute('href') : ''};
})`

const cardsJS = `Array.from(document.querySelectorAll('.cards .card')).map(c => ({
	number: (c.querySelector('.card-number') || {innerText: ''}).innerText.trim(),
	label: (c.querySelector('.card-label') || {innerText: ''}).innerText.trim(),
	href: c.getAttribute('href') || '',
}))`

// countRe reads the result count above the catalog table, such as
// "1–50 of 119 entities" or "0 entities".
var countRe = regexp.MustCompile(`^(?:([\d,]+)–([\d,]+) of )?([\d,]+) entit(?:y|ies)\b`)

// evalJS evaluates js in the page and decodes its value into a T.
func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %.60q: %v", js, err)
	}
	return v
}

func atoiCommas(s string) (int, error) { return strconv.Atoi(strings.ReplaceAll(s, ",", "")) }

// loopbackGuard records every request a page makes to anything but a
// loopback address.
type loopbackGuard struct {
	mu      sync.Mutex
	foreign []string
}

func (g *loopbackGuard) listen(ev any) {
	// Runs in chromedp's read loop: no commands, return fast.
	e, ok := ev.(*network.EventRequestWillBeSent)
	if !ok || e.Request == nil {
		return
	}
	if !isLoopbackURL(e.Request.URL) {
		g.mu.Lock()
		g.foreign = append(g.foreign, e.Request.URL)
		g.mu.Unlock()
	}
}

func (g *loopbackGuard) violations() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.foreign...)
}

func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "about", "blob":
		return true
	case "http", "https", "ws", "wss":
		host := u.Hostname()
		if host == "localhost" {
			return true
		}
		ip := net.ParseIP(host)
		return ip != nil && ip.IsLoopback()
	}
	return false
}

// TestBrowserCatalogFlow signs in through a real headless Chromium and walks
// the catalog: filter, open an entity, then the overview.
func TestBrowserCatalogFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	browser := findBrowser()
	if browser == "" {
		t.Skipf("browser test skipped: no browser found on PATH (looked for %s)", strings.Join(browserNames, ", "))
	}
	shots := os.Getenv("CHIEF_SCREENSHOTS")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	s := startServer(t, nil, "--demo")
	if s.DemoEmail == "" || s.DemoPassword == "" {
		t.Fatalf("--demo printed no sign-in credentials; stdout: %s", s.stdout)
	}
	base, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !isLoopbackURL(s.URL) {
		t.Fatalf("server URL %s: got a non-loopback address, want 127.0.0.1", s.URL)
	}

	// chromedp may log from its goroutines; stop forwarding to t once the
	// test function returns (this defer runs after the browser is closed).
	var logMu sync.Mutex
	logDone := false
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		if !logDone {
			t.Logf("chromedp: "+format, args...)
		}
	}
	defer func() { logMu.Lock(); logDone = true; logMu.Unlock() }()

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, browserOptions(t, browser)...)
	defer cancelAlloc() // waits for the browser process to exit

	guard := &loopbackGuard{}
	bctx, cancelBrowser := chromedp.NewContext(allocCtx,
		chromedp.WithListener(guard.listen),
		chromedp.WithErrorf(logf),
		chromedp.WithLogf(logf),
	)
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", browser, err)
	}

	// Helpers; each fails the calling (sub)test.
	run := func(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		qctx, cancel := context.WithTimeout(bctx, queryTimeout)
		defer cancel()
		if err := chromedp.Do(qctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// load runs steps that navigate, waits for the new page and checks that
	// it was served with 200 OK.
	load := func(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		resp, err := chromedp.RunResponse(bctx, steps...)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if resp.Status != 200 {
			t.Fatalf("%s: got HTTP %d %s for %s, want 200", what, resp.Status, resp.StatusText, resp.URL)
		}
	}
	// clickAndLoad clicks sel and waits for the page it leads to.
	clickAndLoad := func(t *testing.T, sel string) {
		t.Helper()
		load(t, "click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	}
	location := func(t *testing.T) *url.URL {
		t.Helper()
		loc, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil {
			t.Fatalf("read location: %v", err)
		}
		u, err := url.Parse(loc)
		if err != nil {
			t.Fatalf("parse location %q: %v", loc, err)
		}
		return u
	}
	text := func(t *testing.T, sel string) string {
		t.Helper()
		qctx, cancel := context.WithTimeout(bctx, queryTimeout)
		defer cancel()
		s, err := chromedp.Run(qctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		if err != nil {
			t.Fatalf("read text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	// resultCount reads the count line: shown, first, last and total.
	resultCount := func(t *testing.T) (line string, from, to, total int) {
		t.Helper()
		line = text(t, "p.result-count")
		m := countRe.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("result count: got %q, want \"1–N of M entities\"", line)
		}
		if m[1] != "" {
			from, _ = atoiCommas(m[1])
			to, _ = atoiCommas(m[2])
		}
		total, _ = atoiCommas(m[3])
		return line, from, to, total
	}
	screenshot := func(t *testing.T, name string) {
		t.Helper()
		if shots == "" {
			return
		}
		buf, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)) // 100: PNG
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(shots, name)
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot written to %s", path)
	}

	var (
		allCount    string
		allTotal    int
		firstEntity catalogRow
	)
	const search = "storefront" // matches storefront-web, storefront-bff, legacy-storefront

	if !t.Run("anonymous catalog redirects to login", func(t *testing.T) {
		load(t, "open /catalog", chromedp.Navigate(s.URL+"/catalog"))
		u := location(t)
		if u.Host != base.Host || u.Path != "/login" {
			t.Fatalf("location after /catalog: got %s, want %s/login", u, s.URL)
		}
		if got := u.Query().Get("next"); got != "/catalog" {
			t.Errorf("login next: got %q, want %q", got, "/catalog")
		}
		if got := text(t, "main h1"); got != "Sign in" {
			t.Errorf("login heading: got %q, want %q", got, "Sign in")
		}
	}) {
		return
	}

	if !t.Run("sign in lands on catalog", func(t *testing.T) {
		run(t, "fill the login form",
			chromedp.SendKeys(chromedp.ID("email"), s.DemoEmail),
			chromedp.SendKeys(chromedp.ID("password"), s.DemoPassword),
		)
		clickAndLoad(t, `form[action="/login"] button[type=submit]`)
		u := location(t)
		if u.Path != "/catalog" {
			t.Fatalf("location after sign-in: got %s, want %s/catalog", u, s.URL)
		}
		if got := text(t, "main h1"); got != "Catalog" {
			t.Errorf("heading: got %q, want %q", got, "Catalog")
		}
		if got := text(t, ".sidebar .who"); !strings.Contains(got, s.DemoEmail) {
			t.Errorf("signed-in user in the sidebar: got %q, want it to contain %q", got, s.DemoEmail)
		}
	}) {
		return
	}

	if !t.Run("catalog table shows rows", func(t *testing.T) {
		run(t, "wait for the table", chromedp.WaitVisible(chromedp.CSS("#catalog-table tbody tr")))
		rows := evalJS[[]catalogRow](t, bctx, rowsJS)
		if len(rows) == 0 {
			t.Fatal("catalog rows: got 0, want the demo entities")
		}
		for i, r := range rows {
			if r.Name == "" || r.Kind == "" || !strings.HasPrefix(r.Href, "/catalog/") {
				t.Errorf("row %d: got name %q, kind %q, link %q; want a name, a kind and a /catalog/ link", i+1, r.Name, r.Kind, r.Href)
			}
		}
		var from, to int
		allCount, from, to, allTotal = resultCount(t)
		if from != 1 || to != len(rows) || allTotal < len(rows) {
			t.Errorf("result count: got %q, want \"1–%d of N entities\" with N ≥ %d", allCount, len(rows), len(rows))
		}
		screenshot(t, "catalog.png")
	}) {
		return
	}

	if !t.Run("filter by kind and search", func(t *testing.T) {
		run(t, "fill the filter form",
			chromedp.SetValue(chromedp.ID("f-kind"), "component"),
			chromedp.SendKeys(chromedp.ID("f-q"), search),
		)
		clickAndLoad(t, `form.filters button[type=submit]`)
		u := location(t)
		if u.Path != "/catalog" {
			t.Fatalf("location after filtering: got %s, want /catalog?…", u)
		}
		if got := u.Query().Get("kind"); got != "component" {
			t.Errorf("URL query kind: got %q (%s), want %q", got, u.RawQuery, "component")
		}
		if got := u.Query().Get("q"); got != search {
			t.Errorf("URL query q: got %q (%s), want %q", got, u.RawQuery, search)
		}
		// The form keeps what the user chose.
		kindShown := evalJS[string](t, bctx, `document.querySelector('#f-kind').selectedOptions[0].text`)
		qShown := evalJS[string](t, bctx, `document.querySelector('#f-q').value`)
		if kindShown != "Component" || qShown != search {
			t.Errorf("filter form after submit: got kind %q, search %q; want %q, %q", kindShown, qShown, "Component", search)
		}

		rows := evalJS[[]catalogRow](t, bctx, rowsJS)
		if len(rows) == 0 {
			t.Fatalf("filtered rows: got 0, want the %q components", search)
		}
		foundWeb := false
		for i, r := range rows {
			if r.Kind != "Component" {
				t.Errorf("row %d (%s) Kind: got %q, want %q", i+1, r.Name, r.Kind, "Component")
			}
			if !strings.Contains(strings.ToLower(r.Name), search) {
				t.Errorf("row %d name: got %q, want it to contain %q", i+1, r.Name, search)
			}
			foundWeb = foundWeb || r.Name == "Storefront Web"
		}
		if !foundWeb {
			t.Errorf("filtered rows: got %v, want one named %q", rows, "Storefront Web")
		}
		line, from, to, total := resultCount(t)
		if line == allCount {
			t.Errorf("result count: got %q, unchanged from before filtering", line)
		}
		want := fmt.Sprintf("1–%d of %d entit", len(rows), len(rows))
		if from != 1 || to != len(rows) || total != len(rows) || !strings.HasPrefix(line, want) {
			t.Errorf("result count: got %q, want %q…", line, want)
		}
		if total >= allTotal {
			t.Errorf("filtered total: got %d, want fewer than the unfiltered %d", total, allTotal)
		}
		firstEntity = rows[0]
	}) {
		return
	}

	// The overview does not depend on the entity page, so it runs either way.
	t.Run("entity page", func(t *testing.T) {
		link := `#catalog-table tbody tr:first-child td:first-child a`
		resp, err := chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(link), chromedp.NodeVisible))
		if err != nil {
			t.Fatalf("click %s: %v", link, err)
		}
		screenshot(t, "entity.png") // before the checks, so a broken page is on file too
		if resp.Status != 200 {
			t.Fatalf("open %q: got HTTP %d %s for %s with heading %q, want 200", firstEntity.Name, resp.Status, resp.StatusText, resp.URL, text(t, "main h1"))
		}
		u := location(t)
		if u.Path != firstEntity.Href {
			t.Fatalf("location after clicking %q: got %s, want %s", firstEntity.Name, u.Path, firstEntity.Href)
		}
		if got := text(t, "main h1"); got != firstEntity.Name {
			t.Fatalf("entity heading: got %q, want %q", got, firstEntity.Name)
		}
		// innerText follows the CSS, which shows the eyebrow in capitals.
		if got := text(t, "main .page-head .eyebrow"); !strings.HasPrefix(strings.ToLower(got), "component") {
			t.Errorf("eyebrow: got %q, want it to start with %q", got, "Component")
		}
		if got := text(t, `section[aria-labelledby="rel-h"] h2`); got != "Relations" {
			t.Errorf("relations panel heading: got %q, want %q", got, "Relations")
		}
		relations := evalJS[int](t, bctx, `document.querySelectorAll('section[aria-labelledby="rel-h"] dd li').length`)
		if relations < 1 {
			t.Errorf("relations panel entries: got %v, want at least 1 (%s is part of a system)", relations, firstEntity.Name)
		}

		run(t, "wait for the graph", chromedp.WaitVisible(chromedp.CSS("svg.graph")))
		size := evalJS[[]float64](t, bctx, `(r => [r.width, r.height])(document.querySelector('svg.graph').getBoundingClientRect())`)
		if len(size) != 2 || size[0] < 100 || size[1] < 30 {
			t.Errorf("graph size: got %v px, want at least [100 30]", size)
		}
		// The entity itself is the centre node: rect, kind text, name text.
		center := evalJS[string](t, bctx, `(n => n ? n.textContent : '')(document.querySelector('svg.graph rect.graph-center + text + text.graph-name'))`)
		if want := firstEntity.Name; len(want) <= 26 && center != want {
			t.Errorf("graph centre node: got %q, want %q", center, want)
		}
	})

	t.Run("home cards show counts", func(t *testing.T) {
		load(t, "open /", chromedp.Navigate(s.URL+"/"))
		screenshot(t, "home.png")
		if got := text(t, "main h1"); got != "Overview" {
			t.Errorf("heading: got %q, want %q", got, "Overview")
		}
		cards := evalJS[[]homeCard](t, bctx, cardsJS)
		if len(cards) == 0 {
			t.Fatal("overview cards: got none, want one per kind")
		}
		sum := 0
		for _, c := range cards {
			n, err := atoiCommas(c.Number)
			if err != nil || c.Label == "" {
				t.Errorf("card %q: got number %q, want a count and a label", c.Label, c.Number)
				continue
			}
			sum += n
			// Each card leads to the catalog filtered to its kind, which
			// must show the same count.
			load(t, "open "+c.Href, chromedp.Navigate(s.URL+c.Href))
			line, _, _, total := resultCount(t)
			if total != n {
				t.Errorf("card %q says %d; catalog at %s says %q (%d)", c.Label, n, c.Href, line, total)
			}
		}
		if sum == 0 || sum > allTotal {
			t.Errorf("sum of the cards: got %d, want between 1 and the catalog total %d", sum, allTotal)
		}
	})

	if v := guard.violations(); len(v) > 0 {
		t.Errorf("browser requested non-loopback URLs: got %q, want none", v)
	}
}

// browserOptions start Debian's chromium headless, quiet, and unable to
// resolve any name but localhost: with loopbackGuard, a test fails on any
// request that would leave the machine.
func browserOptions(t *testing.T, browser string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root in CI containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		// Host names other than localhost do not resolve, so the browser
		// cannot reach anything by name; loopbackGuard below also fails the
		// test on any page request to a non-loopback address.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	}
}
