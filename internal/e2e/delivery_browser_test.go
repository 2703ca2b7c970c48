package e2e

import (
	"context"
	"crypto/sha1"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The delivery pages through a real headless Chromium: components made
// through the catalog API, three months of commits, pull requests and
// deployments sent to the delivery API, then the keys, the chart, the log
// filtered by failure and one deployment, as an admin sees them. With
// CHIEF_SCREENSHOTS set, every delivery page is kept there in the light
// and the dark theme.

// dbHistory is what the test sent, for the numbers the pages must show.
type dbHistory struct {
	deployments, failed, rework, staging int
}

func dbSHA(s string) string { return fmt.Sprintf("%x", sha1.Sum([]byte(s))) }

// dbSeed sends twelve weeks of history for three components, as CI
// would: each deployment ships one to three commits, every seventh
// production deployment fails and a fix follows it within hours.
func dbSeed(t *testing.T, api *client, now time.Time) dbHistory {
	t.Helper()
	var h dbHistory
	var changes, pulls, deploys []map[string]any
	for ci, c := range []struct {
		name  string
		every time.Duration
	}{{"checkout", 36 * time.Hour}, {"ledger", 72 * time.Hour}, {"search-api", 5 * 24 * time.Hour}} {
		at := now.Add(-84*24*time.Hour + time.Duration(ci)*time.Hour)
		parent := ""
		n := 0
		commit := func(when time.Time, title string) string {
			n++
			sha := dbSHA(fmt.Sprint(c.name, n))
			ch := map[string]any{"component": c.name, "sha": sha, "title": title, "author": []string{"ada", "grace", "linus"}[n%3],
				"authored_at": when.Format(time.RFC3339)}
			if parent != "" {
				ch["parents"] = []string{parent}
			}
			changes = append(changes, ch)
			parent = sha
			return sha
		}
		deploy := func(when time.Time, head, result, remedy string) {
			d := map[string]any{"component": c.name, "environment": "production", "sha": head, "version": fmt.Sprintf("1.%d.0", len(deploys)),
				"started_at": when.Add(-4 * time.Minute).Format(time.RFC3339), "finished_at": when.Format(time.RFC3339), "result": result}
			if remedy != "" {
				d["remedy"] = remedy
			}
			deploys = append(deploys, d)
			h.deployments++
		}
		deploy(at, commit(at.Add(-30*24*time.Hour), "Initial import"), "success", "")
		for i := 1; ; i++ {
			at = at.Add(c.every)
			if at.After(now.Add(-time.Hour)) {
				break
			}
			var head string
			for k := range 1 + i%3 {
				lead := time.Duration(2+(i*7+k*5)%40) * time.Hour
				head = commit(at.Add(-lead), fmt.Sprintf("Change %d.%d of %s", i, k, c.name))
			}
			if i%4 == 0 {
				pulls = append(pulls, map[string]any{"component": c.name, "number": i, "title": fmt.Sprintf("Change %d", i), "author": "ada",
					"first_commit_at": at.Add(-30 * time.Hour).Format(time.RFC3339), "opened_at": at.Add(-20 * time.Hour).Format(time.RFC3339),
					"first_review_at": at.Add(-14 * time.Hour).Format(time.RFC3339), "merged_at": at.Add(-3 * time.Hour).Format(time.RFC3339),
					"merge_sha": head})
			}
			if i%7 == 0 {
				deploy(at, head, "failure", "")
				h.failed++
				fixAt := at.Add(time.Duration(1+i%4) * time.Hour)
				deploy(fixAt, commit(fixAt.Add(-40*time.Minute), "Fix change "+strconv.Itoa(i)), "success", "fix")
				h.rework++
				continue
			}
			deploy(at, head, "success", "")
			if i%5 == 0 {
				deploys = append(deploys, map[string]any{"component": c.name, "environment": "staging", "sha": head,
					"finished_at": at.Add(-2 * time.Hour).Format(time.RFC3339)})
				h.staging++
			}
		}
	}
	for _, post := range []struct {
		path    string
		records []map[string]any
	}{{"/api/v1/changes", changes}, {"/api/v1/pull-requests", pulls}, {"/api/v1/deployments", deploys}} {
		mustJSON(t, api, http.MethodPost, post.path, post.records, http.StatusCreated, nil)
	}
	return h
}

// dbStart starts a server with a team catalog, signs an admin in through
// a headless browser and returns the tab and a client with a write token.
func dbStart(t *testing.T) (*rbTab, *client) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	browser := findBrowser()
	if browser == "" {
		t.Skipf("browser test skipped: no browser found on PATH (looked for %s)", strings.Join(browserNames, ", "))
	}
	srv := startServer(t, nil)
	_, api := srv.adminToken(t)
	for _, g := range []string{"payments", "search"} {
		d := descriptor("Group", g, map[string]any{"type": "team", "children": []string{}})
		metadataOf(d)["title"] = strings.ToUpper(g[:1]) + g[1:] + " team"
		mustCreate(t, api, d)
	}
	for _, c := range [][2]string{{"checkout", "payments"}, {"ledger", "payments"}, {"search-api", "search"}} {
		mustCreate(t, api, componentDesc(c[0], c[1]))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
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
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(guard.listen), chromedp.WithErrorf(logf), chromedp.WithLogf(logf))
	b := &rbTab{t: t, srv: srv, ctx: tabCtx, name: "delivery", guard: guard}
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
	b.open("/login?next=/delivery")
	b.step("fill the sign-in form",
		chromedp.SendKeys(chromedp.ID("email"), "admin@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), adminPassword),
	)
	b.submit(`form[action="/login"] button[type=submit]`, http.StatusOK)
	return b, api
}

// theme switches the theme through the sidebar's form, as a person does.
func (b *rbTab) theme(name string) {
	b.t.Helper()
	b.load("set the "+name+" theme", http.StatusOK, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(s => { s.value = %q; s.form.submit(); return true })(document.getElementById('theme'))`, name))(ctx, tg)
		return err
	}))
	if got := b.js(`document.documentElement.dataset.theme`); got != name {
		b.t.Fatalf("theme: got %q, want %q", got, name)
	}
}

// shoot keeps the page in the light and the dark theme when
// CHIEF_SCREENSHOTS names a folder.
func (b *rbTab) shoot(name string) {
	b.t.Helper()
	dir := os.Getenv("CHIEF_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	for _, theme := range []string{"light", "dark"} {
		b.theme(theme)
		b.keep(name + "-" + theme)
	}
	b.theme("light")
}

// keep writes the page as it is to CHIEF_SCREENSHOTS, when set.
func (b *rbTab) keep(name string) {
	b.t.Helper()
	dir := os.Getenv("CHIEF_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

var dbCountRe = regexp.MustCompile(`^1–(\d+) of (\d+) deployments?, failed`)

func TestBrowserDelivery(t *testing.T) {
	b, api := dbStart(t)

	// Before anything is sent: the page says how to send it.
	b.open("/delivery")
	if got := b.text("#delivery-empty h2"); got != "No deployments yet" {
		t.Errorf("empty page heading: got %q, want %q", got, "No deployments yet")
	}
	if got := b.text("#delivery-empty"); !strings.Contains(got, "chief deploy record --component NAME --env production --sha SHA") {
		t.Errorf("empty page: got %q, want the chief deploy record command", got)
	}
	b.shoot("delivery-empty")
	b.open("/catalog/component/default/checkout")
	if got := b.text("#delivery"); !strings.HasPrefix(got, "Delivery: no deployments of this component yet.") {
		t.Errorf("component without deployments: got %q, want the one-line hint", got)
	}
	b.shoot("delivery-entity-hint")

	h := dbSeed(t, api, time.Now().UTC().Truncate(time.Second))
	b.open("/delivery")
	if got := b.text("#key-frequency .dlv-sub"); !strings.Contains(got, fmt.Sprintf("%d deployments", h.deployments)) {
		t.Errorf("frequency card: got %q, want %d deployments", got, h.deployments)
	}
	wantRate := strings.TrimSuffix(strconv.FormatFloat(float64(h.failed)*100/float64(h.deployments), 'f', 1, 64), ".0") + "%"
	if got := b.text("#key-failure .card-number"); got != wantRate {
		t.Errorf("change failure rate: got %q, want %q (%d of %d)", got, wantRate, h.failed, h.deployments)
	}
	if got := b.text("#key-failure .dlv-place"); !regexp.MustCompile(`^DORA 2024: \S+ — nearest to \d+ %$`).MatchString(got) {
		t.Errorf("failure rate placement: got %q, want DORA 2024: <cluster> — nearest to <n> %%", got)
	}
	if got := b.text("#key-lead .card-number"); !regexp.MustCompile(`^\d+(\.\d)? (min|h|d)$`).MatchString(got) {
		t.Errorf("lead time: got %q, want a duration such as 14 h", got)
	}
	if got := b.text("#key-recovery .card-number"); !regexp.MustCompile(`^\d+(\.\d)? (min|h)$`).MatchString(got) {
		t.Errorf("recovery time: got %q, want hours (each fix came 1 to 4 hours after)", got)
	}

	// The bars of the chart add up to the deployments, week by week.
	bars := evalJS[[]string](t, b.ctx, `Array.from(document.querySelectorAll('#chart-deployments svg rect.dlv-bar title')).map(e => e.textContent)`)
	sum := 0
	for _, title := range bars {
		m := regexp.MustCompile(`: (\d+) deployments?$`).FindStringSubmatch(title)
		if m == nil {
			t.Fatalf("bar title %q: want \"week of ...: N deployments\"", title)
		}
		n, _ := strconv.Atoi(m[1])
		sum += n
	}
	if len(bars) < 13 || sum != h.deployments {
		t.Errorf("deployments chart: got %d bars adding up to %d, want 13 or more weeks adding up to %d", len(bars), sum, h.deployments)
	}
	if got := b.text("#chart-deployments figcaption"); got != fmt.Sprintf("%d deployments in all", h.deployments) {
		t.Errorf("number beside the chart: got %q, want %d deployments in all", got, h.deployments)
	}
	if n := b.count("#cycle-time .dlv-phase"); n != 4 {
		t.Errorf("cycle time bar: got %d phases, want 4", n)
	}
	if got := b.texts("#delivery-teams tbody tr td:first-child a:first-child"); strings.Join(got, ",") != "Payments team,Search team" {
		t.Errorf("team table: got %q, want Payments team, Search team", got)
	}
	b.shoot("delivery-overview")

	// Sorting the team table by deployments, fewest first, through its heading.
	b.submit(`#delivery-teams thead a[href*="sort=deployments"]`, http.StatusOK)
	b.submit(`#delivery-teams thead a[href*="sort=deployments"]`, http.StatusOK)
	if got := b.texts("#delivery-teams tbody tr td:first-child a:first-child"); strings.Join(got, ",") != "Search team,Payments team" {
		t.Errorf("team table by deployments ascending: got %q, want Search team, Payments team", got)
	}

	// The failure rate leads to the failed deployments, and one of them.
	b.open("/delivery")
	b.submit("#key-failure .card-number", http.StatusOK)
	if loc := b.location(); loc.Path != "/delivery/deployments" || loc.Query().Get("failed") != "1" || loc.Query().Get("environment") != "production" {
		t.Fatalf("failure rate link: got %s, want the log with failed=1 and environment=production", loc)
	}
	m := dbCountRe.FindStringSubmatch(b.text(".result-count"))
	if m == nil || m[2] != strconv.Itoa(h.failed) {
		t.Errorf("failed deployments: got %q, want %d", b.text(".result-count"), h.failed)
	}
	reasons := b.texts("#deployments-table tbody tr td:nth-child(7)")
	for _, r := range reasons {
		if r != "▼ reported failure" {
			t.Errorf("failed reason: got %q, want ▼ reported failure", r)
		}
	}
	b.shoot("delivery-log-failed")
	b.submit("#deployments-table tbody tr:first-child td:first-child a", http.StatusOK)
	if !strings.HasPrefix(b.location().Path, "/delivery/deployments/") {
		t.Fatalf("deployment link: got %s, want /delivery/deployments/{id}", b.location())
	}
	facts := b.facts()
	// A state badge's shape and word may come apart in innerText.
	if strings.Join(strings.Fields(facts["Result"]), " ") != "✕ failure" || facts["Environment"] != "production (counts in the keys)" {
		t.Errorf("deployment facts: got result %q, environment %q; want ✕ failure, production", facts["Result"], facts["Environment"])
	}
	if !regexp.MustCompile(`^\d+ h$`).MatchString(facts["Recovery time"]) {
		t.Errorf("recovery time: got %q, want whole hours", facts["Recovery time"])
	}
	b.shoot("delivery-deployment-failed")

	// A fix, with the changes it shipped.
	b.open("/delivery/deployments?rework=1&component=checkout")
	b.submit("#deployments-table tbody tr:first-child td:first-child a", http.StatusOK)
	if n := b.count("#shipped-changes tbody tr"); n < 2 {
		t.Errorf("fix deployment: got %d changes shipped, want the failed one's and the fix", n)
	}
	b.shoot("delivery-deployment-fix")

	// The rest of the pages, for the screenshots and a look at each.
	b.open("/delivery/deployments")
	if got := b.text(".result-count"); !strings.HasPrefix(got, fmt.Sprintf("1–50 of %d deployments", h.deployments+h.staging)) {
		t.Errorf("log: got %q, want 1–50 of %d deployments", got, h.deployments+h.staging)
	}
	b.shoot("delivery-log")
	b.open("/delivery?team=payments&since=30d&year=2023")
	b.shoot("delivery-team")
	b.load("open a bad window", http.StatusBadRequest, chromedp.Navigate(b.srv.URL+"/delivery?since=forever"))
	if got := b.text("#since-error"); !strings.Contains(got, `got "forever"`) {
		t.Errorf("bad window: got %q under the field, want what was typed named", got)
	}
	b.open("/catalog/component/default/checkout")
	if n := b.count("#entity-deployments tbody tr"); n != 5 {
		t.Errorf("component page: got %d deployments, want the last 5", n)
	}
	b.shoot("delivery-entity-component")
	b.open("/catalog/group/default/payments")
	b.shoot("delivery-entity-team")

	b.open("/admin/delivery-sources")
	b.shoot("delivery-sources-empty")
	// The secret shows once, on the answer to the form: one source per theme.
	for _, src := range []struct{ name, provider, theme string }{{"acme-github", "github", "light"}, {"acme-gitlab", "gitlab", "dark"}} {
		b.theme(src.theme)
		b.step("fill the source form", chromedp.SendKeys(chromedp.ID("s-name"), src.name), chromedp.SetValue(chromedp.ID("s-provider"), src.provider))
		b.load("add the source", http.StatusCreated, chromedp.Click(chromedp.CSS(`form[action="/admin/delivery-sources"] button[type=submit]`), chromedp.NodeVisible))
		if got := b.text("#new-source-url"); got != b.srv.URL+"/hooks/"+src.name {
			t.Errorf("webhook URL: got %q, want %s/hooks/%s", got, b.srv.URL, src.name)
		}
		if got := b.text("#new-source-secret"); len(got) < 16 {
			t.Errorf("secret: got %q, want it shown once", got)
		}
		b.keep("delivery-sources-created-" + src.theme)
	}
	b.theme("light")
	b.open("/admin/delivery-sources")
	if n := b.count("#sources-table tbody tr"); n != 2 {
		t.Errorf("sources: got %d rows, want 2", n)
	}
	if b.count("#new-source-secret") != 0 {
		t.Error("sources list: got the secret shown again, want it only once")
	}
	b.shoot("delivery-sources")
}
