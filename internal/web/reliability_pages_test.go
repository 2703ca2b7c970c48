package web

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/reliability"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

// relFixture is a server over a fresh SQLite database with two teams and
// three components, and a signed-in user per role.
type relFixture struct {
	s        *Server
	h        http.Handler
	ctx      context.Context
	sessions map[auth.Role]string
}

func newRelFixture(t *testing.T) *relFixture {
	t.Helper()
	s, err := New(Options{DB: dbtest.OpenSQLite(t), Logger: slog.New(slog.DiscardHandler), Version: "test"})
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	f := &relFixture{s: s, h: s.Handler(), ctx: audit.WithActor(context.Background(), audit.Actor{Name: "test"}), sessions: map[auth.Role]string{}}
	for _, g := range []string{"payments", "search"} {
		f.entity(t, catalog.Entity{Kind: "Group", Metadata: catalog.Metadata{Name: g, Title: strings.ToUpper(g[:1]) + g[1:] + " team"},
			Spec: map[string]any{"type": "team", "children": []any{}}})
	}
	for name, owner := range map[string]string{"checkout": "payments", "ledger": "payments", "search-api": "search"} {
		f.entity(t, catalog.Entity{Kind: "Component", Metadata: catalog.Metadata{Name: name},
			Spec: map[string]any{"type": "service", "owner": owner, "lifecycle": "production"}})
	}
	for _, role := range []auth.Role{auth.Viewer, auth.Editor} {
		u, err := s.auth.CreateUser(f.ctx, auth.NewUser{Email: string(role) + "@example.com", Password: "correct horse battery", Role: role})
		if err != nil {
			t.Fatalf("create user: %v", err)
		}
		if f.sessions[role], err = s.auth.CreateSession(f.ctx, u.ID); err != nil {
			t.Fatalf("create session: %v", err)
		}
	}
	return f
}

func (f *relFixture) entity(t *testing.T, e catalog.Entity) {
	t.Helper()
	e.APIVersion = catalog.APIVersion
	e.Metadata.Namespace = catalog.DefaultNamespace
	if _, err := f.s.catalog.Create(f.ctx, e); err != nil {
		t.Fatalf("create %s %s: %v", e.Kind, e.Metadata.Name, err)
	}
}

// monitor stores an http monitor of entity against a loopback address that
// nothing checks: the tests run no engine.
func (f *relFixture) monitor(t *testing.T, name, entity string) reliability.Monitor {
	t.Helper()
	m, err := f.s.rel.CreateMonitor(f.ctx, reliability.MonitorInput{Name: name, Entity: entity,
		Settings: probe.Settings{Type: "http", Target: "http://127.0.0.1:9/" + name}})
	if err != nil {
		t.Fatalf("create monitor %s: %v", name, err)
	}
	return m
}

// exec runs SQL as the recorder would, to give monitors results and states.
func (f *relFixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	err := f.s.db.Write(f.ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(f.ctx, q, args...)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// result records one raw check result.
func (f *relFixture) result(t *testing.T, m reliability.Monitor, at time.Time, ok bool, total time.Duration, detail string) {
	t.Helper()
	var d any
	if detail != "" {
		d = detail
	}
	f.exec(t, `INSERT INTO check_results (monitor_id, at, ok, maint, total_us, dns_us, connect_us, tls_us, ttfb_us, detail)
		VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, $6)`, m.ID, at.UnixMilli(), ok, false, total.Microseconds(), d)
}

func (f *relFixture) setState(t *testing.T, m reliability.Monitor, state string) {
	t.Helper()
	f.exec(t, `UPDATE monitor_state SET state = $1, since = $2 WHERE monitor_id = $3`, state, time.Now().Add(-time.Hour).Unix(), m.ID)
}

type relResponse struct {
	status   int
	location string
	body     string
}

func (f *relFixture) do(t *testing.T, role auth.Role, method, target string, form url.Values) relResponse {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if s := f.sessions[role]; s != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: s})
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return relResponse{status: rec.Code, location: rec.Header().Get("Location"), body: rec.Body.String()}
}

func (f *relFixture) get(t *testing.T, role auth.Role, target string, status int) string {
	t.Helper()
	r := f.do(t, role, http.MethodGet, target, nil)
	if r.status != status {
		t.Fatalf("GET %s: got status %d, want %d\n%.2000s", target, r.status, status, r.body)
	}
	return r.body
}

func (f *relFixture) post(t *testing.T, target string, form url.Values, status int) relResponse {
	t.Helper()
	r := f.do(t, auth.Editor, http.MethodPost, target, form)
	if r.status != status {
		t.Fatalf("POST %s: got status %d, want %d\n%.3000s", target, r.status, status, r.body)
	}
	return r
}

func relWantIn(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: no %q in the page", what, w)
		}
	}
}

func relWantNotIn(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s: %q is in the page, want it absent", what, w)
		}
	}
}

// fieldError returns the error shown under an input, "" when none.
func relFieldError(body, input string) string {
	m := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(input) + `-error">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestReliabilityViewsParse(t *testing.T) {
	v, err := parseViews()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"reliability", "monitor_list", "monitor", "monitor_form", "monitor_delete", "slo_list", "maintenance_list"} {
		if v.pages[name] == nil {
			t.Errorf("view %s: got none, want it parsed", name)
		}
	}
}

func TestReliabilityEmptyPages(t *testing.T) {
	f := newRelFixture(t)
	for _, tc := range []struct {
		path  string
		wants []string
	}{
		{"/reliability", []string{"Nothing is monitored yet", `href="/monitors/new"`, "chief import monitors", "chief import gatus"}},
		{"/monitors", []string{"No monitors yet", `href="/monitors/new"`, "chief import monitors", "chief import gatus"}},
		{"/slos", []string{"No SLOs yet", `href="/monitors"`}},
		{"/maintenance", []string{"No maintenance planned"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			relWantIn(t, tc.path, f.get(t, auth.Viewer, tc.path, http.StatusOK), tc.wants...)
		})
	}
}

func TestViewerCannotChangeReliability(t *testing.T) {
	f := newRelFixture(t)
	f.monitor(t, "checkout-http", "checkout")
	for _, path := range []string{"/monitors/new", "/monitors/checkout-http/pause", "/monitors/checkout-http/delete", "/slos", "/maintenance"} {
		r := f.do(t, auth.Viewer, http.MethodPost, path, url.Values{"name": {"x"}})
		if r.status != http.StatusForbidden {
			t.Errorf("viewer POST %s: got status %d, want 403", path, r.status)
		}
	}
	for _, path := range []string{"/monitors/new", "/monitors/checkout-http/edit", "/monitors/checkout-http/delete"} {
		if r := f.do(t, auth.Viewer, http.MethodGet, path, nil); r.status != http.StatusForbidden {
			t.Errorf("viewer GET %s: got status %d, want 403", path, r.status)
		}
	}
	body := f.get(t, auth.Viewer, "/monitors/checkout-http", http.StatusOK)
	relWantNotIn(t, "viewer's monitor page", body, "/monitors/checkout-http/edit", "/pause")
}

func relMonitorPost(pairs ...string) url.Values {
	v := url.Values{"name": {"shop-health"}, "entity": {"checkout"}, "type": {"http"}, "target": {"http://127.0.0.1:9/healthz"},
		"severity": {"major"}, "failure_threshold": {"1"}, "success_threshold": {"1"}}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

func TestMonitorFormErrors(t *testing.T) {
	f := newRelFixture(t)
	f.monitor(t, "taken", "ledger")
	for _, tc := range []struct {
		name  string
		form  url.Values
		input string
		want  string
	}{
		{"condition on line 3", relMonitorPost("conditions", "[STATUS] == 200\n\n[BODY].status = UP"), "conditions", `Line 3: condition "[BODY].status = UP"`},
		{"unknown entity", relMonitorPost("entity", "nope"), "entity", "component:default/nope is not in the catalog"},
		{"interval not a duration", relMonitorPost("interval", "soon"), "interval", `"soon" is not a duration`},
		{"interval out of range", relMonitorPost("interval", "5s"), "interval", "outside 10s to 24h"},
		{"setting the type does not use", relMonitorPost("type", "tcp", "target", "127.0.0.1:9", "method", "POST"), "method", "tcp monitors do not use method"},
		{"bad target", relMonitorPost("target", "ftp://x"), "target", "is not an http:// or https:// URL"},
		{"header without colon", relMonitorPost("headers", "X-Ok: 1\nBroken"), "headers", "Line 2: write each header as Name: value"},
		{"threshold not a number", relMonitorPost("failure_threshold", "two"), "failure_threshold", `"two" is not a whole number`},
		{"name taken", relMonitorPost("name", "taken"), "name", `a monitor named "taken" exists already`},
		{"bad name", relMonitorPost("name", "Shop Health"), "name", "is not a monitor name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.post(t, "/monitors/new", tc.form, http.StatusUnprocessableEntity)
			if got := relFieldError(r.body, tc.input); !strings.Contains(got, tc.want) {
				t.Errorf("error under %s: got %q, want it to contain %q", tc.input, got, tc.want)
			}
			relWantIn(t, tc.name, r.body, `id="`+tc.input+`" name="`+tc.input+`"`, "nothing was saved")
			// What the user typed stays.
			if v := tc.form.Get("name"); !strings.Contains(r.body, `value="`+v+`"`) {
				t.Errorf("the name %q the user typed is gone", v)
			}
		})
	}
	if _, err := f.s.rel.Monitor(f.ctx, "shop-health"); err == nil {
		t.Errorf("a form with errors saved a monitor")
	}
}

func TestMonitorLifecycle(t *testing.T) {
	f := newRelFixture(t)
	form := f.get(t, auth.Editor, "/monitors/new?entity=component:default/ledger", http.StatusOK)
	relWantIn(t, "new form", form, `value="component:default/ledger"`, `<option value="checkout">`, `<option selected>http</option>`, "heartbeat")

	r := f.post(t, "/monitors/new", relMonitorPost("interval", "30s", "conditions", "[STATUS] == 200\n[RESPONSE_TIME] < 800",
		"headers", "Accept: application/json"), http.StatusSeeOther)
	if !strings.HasPrefix(r.location, "/monitors/shop-health?notice=") {
		t.Fatalf("after create: got redirect to %q, want the monitor's page", r.location)
	}
	m, err := f.s.rel.Monitor(f.ctx, "shop-health")
	if err != nil {
		t.Fatal(err)
	}
	if m.Interval.D() != 30*time.Second || len(m.Conditions) != 2 || m.Headers["Accept"] != "application/json" || m.EntityKey != "component:default/checkout" {
		t.Errorf("stored %+v: want interval 30s, two conditions, the Accept header and the checkout entity", m.MonitorInput)
	}

	page := f.get(t, auth.Editor, "/monitors/shop-health", http.StatusOK)
	relWantIn(t, "monitor page", page, "http://127.0.0.1:9/healthz", "[RESPONSE_TIME] &lt; 800", "Accept: application/json",
		`href="/monitors/shop-health/edit"`, `action="/monitors/shop-health/pause"`, "No checks yet")

	edit := f.get(t, auth.Editor, "/monitors/shop-health/edit", http.StatusOK)
	relWantIn(t, "edit form", edit, `value="30s"`, `value="checkout"`, "[STATUS] == 200\n[RESPONSE_TIME] &lt; 800")
	// Defaults the probe filled stay blank, so changing the type does not
	// trip over them.
	relWantIn(t, "edit form", edit, `id="method" name="method" value=""`, `id="max_body" name="max_body" value=""`, `id="timeout" name="timeout" value=""`)

	r = f.post(t, "/monitors/shop-health/edit", relMonitorPost("name", "shop-tcp", "type", "tcp", "target", "127.0.0.1:9"), http.StatusSeeOther)
	if !strings.HasPrefix(r.location, "/monitors/shop-tcp?") {
		t.Fatalf("after rename: got redirect to %q, want the new name's page", r.location)
	}
	if m, err = f.s.rel.Monitor(f.ctx, "shop-tcp"); err != nil || m.Type != "tcp" {
		t.Fatalf("after edit: got %+v, %v; want a tcp monitor named shop-tcp", m.Settings, err)
	}

	r = f.post(t, "/monitors/shop-tcp/pause", url.Values{"back": {"/monitors?type=tcp"}}, http.StatusSeeOther)
	if !strings.HasPrefix(r.location, "/monitors?type=tcp&notice=") {
		t.Errorf("after pause: got redirect to %q, want back to the list", r.location)
	}
	page = f.get(t, auth.Editor, "/monitors/shop-tcp", http.StatusOK)
	relWantIn(t, "paused monitor", page, `action="/monitors/shop-tcp/resume"`, "state-paused")
	r = f.post(t, "/monitors/shop-tcp/resume", url.Values{"back": {"//evil.example/"}}, http.StatusSeeOther)
	if !strings.HasPrefix(r.location, "/monitors/shop-tcp?notice=") {
		t.Errorf("resume with a foreign back link: got redirect to %q, want the monitor's page", r.location)
	}

	relWantIn(t, "delete page", f.get(t, auth.Editor, "/monitors/shop-tcp/delete", http.StatusOK), "Delete monitor shop-tcp?", `action="/monitors/shop-tcp/delete"`)
	f.post(t, "/monitors/shop-tcp/delete", url.Values{}, http.StatusSeeOther)
	f.get(t, auth.Editor, "/monitors/shop-tcp", http.StatusNotFound)
}

func TestMonitorPageResults(t *testing.T) {
	f := newRelFixture(t)
	m := f.monitor(t, "checkout-http", "checkout")
	now := time.Now()
	f.result(t, m, now.Add(-3*time.Minute), true, 120*time.Millisecond, "")
	f.result(t, m, now.Add(-2*time.Minute), false, 80*time.Millisecond,
		`{"failed":[{"condition":"[STATUS] == 200","ok":false,"detail":"[STATUS] (503) == 200"}]}`)
	f.result(t, m, now.Add(-time.Minute), false, 0, `{"error":"connection refused"}`)
	f.setState(t, m, reliability.StateDown)

	page := f.get(t, auth.Viewer, "/monitors/checkout-http", http.StatusOK)
	relWantIn(t, "monitor page", page, "state-down", "Latest checks <span class=\"count\">3</span>",
		"<code>[STATUS] == 200</code> <span class=\"muted\">observed</span> <code>[STATUS] (503) == 200</code>",
		"<strong>Error:</strong> connection refused", "120 ms", "Response time per hour, last 24 hours", "Uptime per day, last 90 days")
	if !strings.Contains(page, "33.33%") {
		t.Errorf("monitor page: want uptime 33.33%% (one of three checks good)")
	}
	week := f.get(t, auth.Viewer, "/monitors/checkout-http?range=7d", http.StatusOK)
	relWantIn(t, "7-day range", week, "Response time per hour, last 7 days", `aria-current="page">7 days`)
}

func TestHeartbeatMonitorPage(t *testing.T) {
	f := newRelFixture(t)
	f.post(t, "/monitors/new", relMonitorPost("name", "nightly", "type", "heartbeat", "target", "", "interval", "1h"), http.StatusSeeOther)
	m, err := f.s.rel.Monitor(f.ctx, "nightly")
	if err != nil || m.HeartbeatToken == "" {
		t.Fatalf("heartbeat monitor: %+v, %v; want one with a token", m, err)
	}
	page := f.get(t, auth.Editor, "/monitors/nightly", http.StatusOK)
	hb := "http://example.com/heartbeat/" + m.HeartbeatToken
	relWantIn(t, "heartbeat page", page, "<pre><code>"+hb+"</code></pre>", "curl -fsS -m 10 --retry 3 "+hb)
	relWantNotIn(t, "heartbeat page", page, "Response time per hour")
	// The address is a secret that reports the job alive: viewers do not see it.
	viewer := f.get(t, auth.Viewer, "/monitors/nightly", http.StatusOK)
	relWantNotIn(t, "heartbeat page for a viewer", viewer, m.HeartbeatToken)
	relWantIn(t, "heartbeat page for a viewer", viewer, "Editors see the address here")
}

func TestReliabilityOverview(t *testing.T) {
	f := newRelFixture(t)
	checkout := f.monitor(t, "checkout-http", "checkout")
	ledger := f.monitor(t, "ledger-http", "ledger")
	search := f.monitor(t, "search-http", "search-api")
	now := time.Now()
	for i := 0; i < 4; i++ {
		f.result(t, checkout, now.Add(-time.Duration(i+1)*time.Minute), true, 50*time.Millisecond, "")
		f.result(t, search, now.Add(-time.Duration(i+1)*time.Minute), true, 50*time.Millisecond, "")
		f.result(t, ledger, now.Add(-time.Duration(i+1)*time.Minute), i > 0, 50*time.Millisecond, "")
	}
	f.setState(t, checkout, reliability.StateUp)
	f.setState(t, search, reliability.StateUp)
	f.setState(t, ledger, reliability.StateDown)
	if _, err := f.s.rel.SaveSLO(f.ctx, reliability.SLOInput{Name: "ledger-avail", Entity: "ledger", Kind: "availability", Objective: 0.9, Period: "30d"}); err != nil {
		t.Fatal(err)
	}

	page := f.get(t, auth.Viewer, "/reliability", http.StatusOK)
	rows := regexp.MustCompile(`(?s)<tbody>.*</tbody>`).FindString(page)
	// Worst first by default: ledger is down.
	if i, j := strings.Index(rows, "ledger"), strings.Index(rows, "checkout"); i < 0 || j < 0 || i > j {
		t.Errorf("default order: want ledger (down) before checkout (up)")
	}
	relWantIn(t, "overview", page, "Payments team", `href="/incidents?entity=component%3adefault%2fledger"`, "75.00%", "ledger-avail",
		`<span class="card-number">2<span class="card-of"> of 3</span>`, "monitors up")
	// ledger: 3 good of 4 against an objective of 90% leaves -150% of the budget.
	relWantIn(t, "overview", page, "-150.0% budget left")
	if n := strings.Count(rows, `class="chart uptime-bars compact"`); n != 3 {
		t.Errorf("got %d 30-day bar charts, want one per entity (3)", n)
	}

	for _, tc := range []struct {
		query         string
		want, unwants []string
	}{
		{"state=down", []string{">ledger<"}, []string{"checkout", "search-api"}},
		{"team=group:default/search", []string{"search-api"}, []string{"ledger", "checkout"}},
		{"q=CHECK", []string{"checkout"}, []string{"ledger", "search-api"}},
		{"state=maintenance", []string{"No entity matches these filters"}, []string{"checkout"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			body := f.get(t, auth.Viewer, "/reliability?"+tc.query, http.StatusOK)
			tbody := regexp.MustCompile(`(?s)<tbody>.*</tbody>`).FindString(body)
			if tbody == "" {
				tbody = body[strings.Index(body, "result-count"):]
			}
			for _, w := range tc.want {
				if !strings.Contains(tbody, w) {
					t.Errorf("no %q in the rows", w)
				}
			}
			for _, u := range tc.unwants {
				if strings.Contains(tbody, u) {
					t.Errorf("%q is in the rows, want it filtered out", u)
				}
			}
		})
	}
	byName := f.get(t, auth.Viewer, "/reliability?sort=-entity", http.StatusOK)
	rows = regexp.MustCompile(`(?s)<tbody>.*</tbody>`).FindString(byName)
	if i, j := strings.Index(rows, "search-api"), strings.Index(rows, "checkout"); i > j {
		t.Errorf("sort=-entity: want search-api before checkout")
	}
	relWantIn(t, "sorted overview", byName, `aria-sort="descending"`)
}

func TestMonitorListFilters(t *testing.T) {
	f := newRelFixture(t)
	f.monitor(t, "checkout-http", "checkout")
	f.monitor(t, "ledger-http", "ledger")
	for _, tc := range []struct {
		query        string
		want, unwant string
	}{
		{"entity=ledger", "/monitors/ledger-http", "/monitors/checkout-http"},
		{"entity=component:default/checkout", "/monitors/checkout-http", "/monitors/ledger-http"},
		{"q=ledger", "/monitors/ledger-http", "/monitors/checkout-http"},
		{"sort=-name", "/monitors/ledger-http", ""},
		{"state=unknown&type=http", "/monitors/ledger-http", ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			body := f.get(t, auth.Viewer, "/monitors?"+tc.query, http.StatusOK)
			relWantIn(t, tc.query, body, tc.want)
			if tc.unwant != "" {
				relWantNotIn(t, tc.query, body, tc.unwant)
			}
		})
	}
	body := f.get(t, auth.Viewer, "/monitors?sort=-name", http.StatusOK)
	if strings.Index(body, "/monitors/ledger-http") > strings.Index(body, "/monitors/checkout-http") {
		t.Errorf("sort=-name: want ledger-http before checkout-http")
	}
}

func TestSLOPages(t *testing.T) {
	f := newRelFixture(t)
	m := f.monitor(t, "checkout-http", "checkout")
	f.result(t, m, time.Now().Add(-time.Minute), true, 50*time.Millisecond, "")

	for _, tc := range []struct {
		name  string
		form  url.Values
		input string
		want  string
	}{
		{"objective not a number", url.Values{"name": {"a"}, "entity": {"checkout"}, "kind": {"availability"}, "objective": {"abc"}, "period": {"30d"}}, "objective", `"abc" is not a number`},
		{"objective out of range", url.Values{"name": {"a"}, "entity": {"checkout"}, "kind": {"availability"}, "objective": {"100"}, "period": {"30d"}}, "objective", "above 0 and below 100"},
		{"latency without threshold", url.Values{"name": {"a"}, "entity": {"checkout"}, "kind": {"latency"}, "objective": {"99"}, "period": {"30d"}}, "threshold_ms", "needs a threshold"},
		{"monitor of another entity", url.Values{"name": {"a"}, "entity": {"ledger"}, "monitor": {"checkout-http"}, "kind": {"availability"}, "objective": {"99"}, "period": {"30d"}}, "monitor", "watches component:default/checkout"},
		{"unknown entity", url.Values{"name": {"a"}, "entity": {"nope"}, "kind": {"availability"}, "objective": {"99"}, "period": {"30d"}}, "entity", "not in the catalog"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.post(t, "/slos", tc.form, http.StatusUnprocessableEntity)
			if got := relFieldError(r.body, tc.input); !strings.Contains(got, tc.want) {
				t.Errorf("error under %s: got %q, want it to contain %q", tc.input, got, tc.want)
			}
			relWantIn(t, tc.name, r.body, `value="`+tc.form.Get("objective")+`"`)
		})
	}

	r := f.post(t, "/slos", url.Values{"name": {"checkout-avail"}, "entity": {"checkout"}, "kind": {"availability"}, "objective": {"99.5"}, "period": {"7d"}}, http.StatusSeeOther)
	if !strings.HasSuffix(r.location, "#slo-checkout-avail") {
		t.Errorf("after save: got redirect to %q, want the SLO's anchor", r.location)
	}
	o, err := f.s.rel.SLO(f.ctx, "checkout-avail")
	if err != nil || o.Objective != 0.995 {
		t.Fatalf("stored SLO: %+v, %v; want objective 0.995", o, err)
	}
	page := f.get(t, auth.Viewer, "/slos", http.StatusOK)
	relWantIn(t, "SLO list", page, `id="slo-checkout-avail"`, "99.5%", "Error budget left, last 7d", "0%: budget spent", "100.0%")
	relWantNotIn(t, "viewer's SLO list", page, `id="slo-form"`)

	edit := f.get(t, auth.Editor, "/slos?edit=checkout-avail", http.StatusOK)
	relWantIn(t, "SLO edit form", edit, "Change SLO checkout-avail", `id="objective" name="objective" value="99.5"`)

	filtered := f.get(t, auth.Viewer, "/slos?alert=page", http.StatusOK)
	relWantIn(t, "SLO list filtered", filtered, "No SLO matches these filters")

	f.post(t, "/slos/checkout-avail/delete", url.Values{}, http.StatusSeeOther)
	if _, err := f.s.rel.SLO(f.ctx, "checkout-avail"); !strings.Contains(relErrString(err), "no SLO") {
		t.Errorf("after delete: got %v, want not found", err)
	}
}

func relErrString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestMaintenancePages(t *testing.T) {
	f := newRelFixture(t)
	start := time.Now().UTC().Add(-10 * time.Minute).Format(maintenanceTime)
	form := func(pairs ...string) url.Values {
		v := url.Values{"title": {"DB failover"}, "starts_at": {start}, "duration": {"60"}, "recurrence": {""}, "entities": {"checkout"}}
		for i := 0; i+1 < len(pairs); i += 2 {
			v.Set(pairs[i], pairs[i+1])
		}
		return v
	}
	for _, tc := range []struct {
		name  string
		form  url.Values
		input string
		want  string
	}{
		{"one unknown entity of two", form("entities", "checkout, nope"), "entities", "Entity 2 (nope): component:default/nope is not in the catalog"},
		{"bad start", form("starts_at", "tomorrow"), "starts_at", `"tomorrow" is not a date and time`},
		{"too long", form("duration", "20000"), "duration", "20000 minutes is outside 1 minute to 7 days"},
		{"no title", form("title", ""), "title", "needs a title"},
		{"until before start", form("recurrence", "daily", "until", "2000-01-01T00:00"), "until", "ends before the window starts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.post(t, "/maintenance", tc.form, http.StatusUnprocessableEntity)
			if got := relFieldError(r.body, tc.input); !strings.Contains(got, tc.want) {
				t.Errorf("error under %s: got %q, want it to contain %q", tc.input, got, tc.want)
			}
		})
	}
	f.post(t, "/maintenance", form("entities", "checkout\nledger"), http.StatusSeeOther)
	f.post(t, "/maintenance", form("title", "Weekly patching", "starts_at", time.Now().UTC().Add(48*time.Hour).Format(maintenanceTime), "recurrence", "weekly", "entities", ""), http.StatusSeeOther)
	page := f.get(t, auth.Viewer, "/maintenance", http.StatusOK)
	relWantIn(t, "maintenance list", page, "DB failover", "1 active now", "Weekly patching", "all entities", ">ledger<", "Upcoming")
	if strings.Index(page, "DB failover") > strings.Index(page, "Weekly patching") {
		t.Errorf("want the active window listed before the upcoming one")
	}
	active := f.get(t, auth.Viewer, "/maintenance?status=upcoming", http.StatusOK)
	relWantNotIn(t, "upcoming only", active, "DB failover")

	// Monitors of a covered entity show maintenance.
	f.monitor(t, "checkout-http", "checkout")
	relWantIn(t, "monitor list", f.get(t, auth.Viewer, "/monitors", http.StatusOK), "state-maintenance")

	ws, err := f.s.rel.Maintenance(f.ctx)
	if err != nil || len(ws) != 2 {
		t.Fatalf("windows: %v, %v", ws, err)
	}
	f.post(t, "/maintenance/"+strconv.FormatInt(ws[0].ID, 10)+"/delete", url.Values{}, http.StatusSeeOther)
	f.do(t, auth.Editor, http.MethodPost, "/maintenance/abc/delete", url.Values{})
	if ws, _ := f.s.rel.Maintenance(f.ctx); len(ws) != 1 {
		t.Errorf("after delete: got %d windows, want 1", len(ws))
	}
}

func TestEntityPageReliability(t *testing.T) {
	f := newRelFixture(t)
	const page = "/catalog/component/default/checkout"
	bare := f.get(t, auth.Editor, page, http.StatusOK)
	relWantIn(t, "entity without monitors, editor", bare, `href="/monitors/new?entity=component%3adefault%2fcheckout"`, "No monitors watch this entity yet")
	relWantNotIn(t, "group page", f.get(t, auth.Editor, "/catalog/group/default/payments", http.StatusOK), "/monitors/new?entity=")
	relWantNotIn(t, "entity without monitors, viewer", f.get(t, auth.Viewer, page, http.StatusOK), `id="reliability-h"`)

	m := f.monitor(t, "checkout-http", "checkout")
	f.result(t, m, time.Now().Add(-time.Minute), true, 70*time.Millisecond, "")
	f.setState(t, m, reliability.StateUp)
	if _, err := f.s.rel.SaveSLO(f.ctx, reliability.SLOInput{Name: "checkout-fast", Entity: "checkout", Kind: "latency", Objective: 0.99, ThresholdMS: 300, Period: "28d"}); err != nil {
		t.Fatal(err)
	}
	full := f.get(t, auth.Viewer, page, http.StatusOK)
	relWantIn(t, "entity with a monitor", full, `id="reliability-h"`, `href="/monitors/checkout-http"`, "state-up", "Uptime per day, last 90 days",
		"Response time per hour, last 24 hours", "SLO checkout-fast", "checkout-fast", "Error budget left, last 28d", "No incidents.")
	relWantNotIn(t, "entity with a monitor", full, "/monitors/new?entity=")
}
