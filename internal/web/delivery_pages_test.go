package web

import (
	"crypto/sha1"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/delivery"
)

// dlvFixture is the reliability fixture (teams payments and search;
// components checkout and ledger of payments, search-api of search) with
// an admin too.
func newDlvFixture(t *testing.T) *relFixture {
	t.Helper()
	f := newRelFixture(t)
	u, err := f.s.auth.CreateUser(f.ctx, auth.NewUser{Email: "admin@example.com", Password: "correct horse battery", Role: auth.Admin})
	if err != nil {
		t.Fatalf("create admin: %v", err)
	}
	if f.sessions[auth.Admin], err = f.s.auth.CreateSession(f.ctx, u.ID); err != nil {
		t.Fatalf("create session: %v", err)
	}
	return f
}

// dlvSHA makes a commit SHA from a name, different in its first digits.
func dlvSHA(name string) string { return fmt.Sprintf("%x", sha1.Sum([]byte(name))) }

// dlvHistory is three weeks of production deployments, relative to now:
//
//	checkout: D1 (first: a and b are baseline), D2 ships c after 2 h,
//	          D3 with d fails, D4 fixes it 2 h later, shipping d (6 h)
//	          and e (1 h): a failed deployment ships nothing
//	ledger:   D5 (first: l1 baseline), D6 ships l2 after 3 h
//	search:   D7 (first: s1 baseline), and one staging deployment
//
// Seven production deployments, one failed, one rework; lead times 1, 2,
// 3 and 6 hours; one recovery of 2 hours; one pull request.
func dlvHistory(now time.Time) delivery.Batch {
	at := func(days, hours float64) time.Time {
		return now.Add(-time.Duration(days*24*float64(time.Hour)) + time.Duration(hours*float64(time.Hour)))
	}
	commit := func(component, name string, t time.Time, parents ...string) delivery.ChangeInput {
		c := delivery.ChangeInput{Component: component, SHA: dlvSHA(name), AuthoredAt: t, Title: "change " + name, Author: "ada"}
		for _, p := range parents {
			c.Parents = append(c.Parents, dlvSHA(p))
		}
		return c
	}
	deploy := func(component, id, head, env string, t time.Time, result string) delivery.DeploymentInput {
		return delivery.DeploymentInput{Component: component, Environment: env, SHA: dlvSHA(head), ExternalID: id, Version: "v-" + id,
			StartedAt: t.Add(-5 * time.Minute), FinishedAt: t, Result: result}
	}
	fix := deploy("checkout", "D4", "e", "production", at(5, 6), delivery.ResultSuccess)
	fix.Remedy = delivery.RemedyFix
	return delivery.Batch{
		Changes: []delivery.ChangeInput{
			commit("checkout", "a", at(30, 0)), commit("checkout", "b", at(20, 0), "a"),
			commit("checkout", "c", at(10, 0), "b"), commit("checkout", "d", at(5, 0), "c"), commit("checkout", "e", at(5, 5), "d"),
			commit("ledger", "l1", at(8, 0)), commit("ledger", "l2", at(3, 0), "l1"),
			commit("search-api", "s1", at(2, -1)),
		},
		PullRequests: []delivery.PullRequestInput{{Component: "checkout", Number: 7, Title: "Faster checkout", Author: "ada",
			FirstCommitAt: at(10, 0), OpenedAt: at(10, 1.0/6), FirstReviewAt: at(10, 4.0/6), MergedAt: at(10, 1), MergeSHA: dlvSHA("c")}},
		Deployments: []delivery.DeploymentInput{
			deploy("checkout", "D1", "b", "production", at(19, 0), delivery.ResultSuccess),
			deploy("checkout", "D2", "c", "production", at(10, 2), delivery.ResultSuccess),
			deploy("checkout", "D3", "d", "production", at(5, 4), delivery.ResultFailure),
			fix,
			deploy("ledger", "D5", "l1", "production", at(8, 1), delivery.ResultSuccess),
			deploy("ledger", "D6", "l2", "production", at(3, 3), delivery.ResultSuccess),
			deploy("search-api", "D7", "s1", "production", at(2, 0), delivery.ResultSuccess),
			deploy("search-api", "S1", "s1", "staging", at(2, -0.5), delivery.ResultSuccess),
		},
	}
}

func dlvSeed(t *testing.T, f *relFixture) {
	t.Helper()
	if _, err := f.s.delivery.Ingest(f.ctx, dlvHistory(time.Now().UTC().Truncate(time.Second))); err != nil {
		t.Fatalf("ingest: %v", err)
	}
}

// dlvDeploymentID finds a seeded deployment's id through the log.
func dlvDeploymentID(t *testing.T, f *relFixture, component, externalID string) int64 {
	t.Helper()
	deps, _, err := f.s.delivery.Deployments(f.ctx, delivery.DeploymentQuery{Scope: delivery.Scope{Component: component}, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deps {
		if d.ExternalID == externalID {
			return d.ID
		}
	}
	t.Fatalf("no deployment %s of %s", externalID, component)
	return 0
}

var dlvTagRe = regexp.MustCompile(`<[^>]+>`)

// dlvText is the text of an HTML fragment with tags dropped and spaces
// squeezed, as a reader sees it.
func dlvText(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(dlvTagRe.ReplaceAllString(s, " "))), " ")
}

// dlvCardText is the text of the key card with the id given.
func dlvCardText(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<div class="card dlv-card" id="key-` + id + `">(.*?)</div>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no card key-%s in the page", id)
	}
	return dlvText(m[1])
}

// dlvTableNames is the first cell's text of each row of a table.
func dlvTableNames(t *testing.T, body, id string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<table class="table" id="` + id + `">.*?<tbody>(.*?)</tbody>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no table %s in the page", id)
	}
	var out []string
	for _, row := range regexp.MustCompile(`(?s)<tr[^>]*>\s*<td[^>]*>(.*?)</td>`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, strings.TrimSuffix(dlvText(row[1]), " catalog"))
	}
	return out
}

func TestDeliveryEmptyState(t *testing.T) {
	f := newDlvFixture(t)
	body := f.get(t, auth.Viewer, "/delivery", http.StatusOK)
	relWantIn(t, "empty delivery page", body, "No deployments yet", `href="/admin/delivery-sources"`, "POST /api/v1/deployments",
		"chief deploy record --component NAME --env production --sha SHA", "chief import git PATH --component NAME")
	relWantNotIn(t, "empty delivery page", body, `class="card dlv-card"`)
	relWantIn(t, "empty deployment log", f.get(t, auth.Viewer, "/delivery/deployments", http.StatusOK),
		"No deployments yet", "chief deploy record --component NAME --env production --sha SHA")
	relWantIn(t, "component without deployments", f.get(t, auth.Viewer, "/catalog/component/default/checkout", http.StatusOK),
		"no deployments of this component yet", "chief deploy record --component checkout --env production --sha SHA")
	relWantNotIn(t, "team without deployments", f.get(t, auth.Viewer, "/catalog/group/default/payments", http.StatusOK), `id="delivery-h"`)
}

func TestDeliveryOverviewKeys(t *testing.T) {
	f := newDlvFixture(t)
	dlvSeed(t, f)
	body := f.get(t, auth.Viewer, "/delivery", http.StatusOK)
	for _, tc := range []struct {
		card  string
		wants []string
	}{
		{"frequency", []string{"0.078/day", "7 deployments", "DORA 2024: medium — between once a week and once a month", "nothing to compare in the previous window"}},
		{"lead", []string{"2 h", "p90 6 h", "4 changes measured", "DORA 2024: elite — less than one day"}},
		{"failure", []string{"14.3%", "1 of 7 deployments failed", "DORA 2024: medium — nearest to 10 %"}},
		{"recovery", []string{"2 h", "1 of 1 failed deployment recovered", "DORA 2024: high or medium — less than one day"}},
		{"rework", []string{"14.3%", "1 of 7 deployments unplanned", "DORA publishes no clusters for this measure"}},
	} {
		t.Run(tc.card, func(t *testing.T) {
			relWantIn(t, "card "+tc.card, dlvCardText(t, body, tc.card), tc.wants...)
		})
	}
	relWantIn(t, "delivery page", body, "a reference, not a verdict", "not ordered the same way in every measure",
		`href="/delivery/deployments?environment=production&amp;failed=1&amp;finished=1&amp;since=90d"`,
		`href="/delivery/deployments?environment=production&amp;finished=1&amp;rework=1&amp;since=90d"`,
		`href="/delivery/deployments?environment=production&amp;finished=1&amp;since=90d&amp;sort=changes"`,
		`class="chart line-chart dlv-bars"`, `<rect class="dlv-bar"`, "Lead time p50 per week", "Failure rate per week",
		"Pull request cycle time", "1 pull request merged")
	cycle := dlvText(regexp.MustCompile(`(?s)<table class="table compact dlv-phases">.*?</table>`).FindString(body))
	relWantIn(t, "cycle time", cycle, "Coding first commit to opening 10 min 1 PR", "Pickup opening to first review 30 min",
		"Review first review to merge 20 min", "Deploy merge to production 1 h")

	old := f.get(t, auth.Viewer, "/delivery?year=2023", http.StatusOK)
	relWantIn(t, "2023 frequency", dlvCardText(t, old, "frequency"), "DORA 2023: medium or low — between once a week and once a month")
	relWantIn(t, "2023 failure rate", dlvCardText(t, old, "failure"), "DORA 2023: medium — nearest to 15 %")

	// Scoped to a team with one deployment and nothing the window before.
	search := f.get(t, auth.Viewer, "/delivery?team=search&since=30d", http.StatusOK)
	relWantIn(t, "search team", search, "DORA keys for team search over the last 30 days")
	relWantIn(t, "search team failure rate", dlvCardText(t, search, "failure"), "0%", "0 of 1 deployment failed")
	relWantIn(t, "search team lead time", dlvCardText(t, search, "lead"), "—", "No change with a known start was shipped")
	relWantIn(t, "search team recovery", dlvCardText(t, search, "recovery"), "—", "No deployment failed in this window")
}

func TestDeliveryTableSort(t *testing.T) {
	f := newDlvFixture(t)
	dlvSeed(t, f)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"Payments team", "Search team"}},
		{"?sort=name&dir=desc", []string{"Search team", "Payments team"}},
		{"?sort=deployments", []string{"Payments team", "Search team"}},
		{"?sort=deployments&dir=asc", []string{"Search team", "Payments team"}},
		// Search has no failure rate to speak of but 0%; payments 1 in 6.
		{"?sort=failure&dir=asc", []string{"Search team", "Payments team"}},
		{"?sort=failure&dir=desc", []string{"Payments team", "Search team"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			got := dlvTableNames(t, f.get(t, auth.Viewer, "/delivery"+tc.query, http.StatusOK), "delivery-teams")
			if strings.Join(got, ", ") != strings.Join(tc.want, ", ") {
				t.Errorf("team rows: got %q, want %q", got, tc.want)
			}
		})
	}
	// Lead time: search has none, and stays last whichever way.
	for _, q := range []string{"?sort=lead&dir=asc", "?sort=lead&dir=desc"} {
		got := dlvTableNames(t, f.get(t, auth.Viewer, "/delivery"+q, http.StatusOK), "delivery-components")
		if len(got) != 3 || got[2] != "search-api" {
			t.Errorf("components %s: got %q, want search-api (no lead time) last", q, got)
		}
	}
	body := f.get(t, auth.Viewer, "/delivery?sort=deployments&dir=desc", http.StatusOK)
	relWantIn(t, "sorted heading", body, `aria-sort="descending"><a href="?dir=asc&amp;sort=deployments">Deployments ▼`)
}

func TestDeliveryBadWindow(t *testing.T) {
	f := newDlvFixture(t)
	dlvSeed(t, f)
	for _, tc := range []struct {
		query, field, want string
	}{
		{"since=forever", "since", `must be days or weeks like 90d or 12w, or a quarter like 2026-Q3, got "forever"`},
		{"from=2026-13-01&to=2026-02-01", "from", "must be a date like 2026-01-31"},
		{"from=2026-03-01&to=2026-02-01", "to", "is before from"},
		{"year=1999", "year", `no DORA table for "1999": choose 2024 or 2023`},
	} {
		t.Run(tc.query, func(t *testing.T) {
			body := f.get(t, auth.Viewer, "/delivery?"+tc.query, http.StatusBadRequest)
			if got := relFieldError(body, tc.field); !strings.Contains(got, tc.want) {
				t.Errorf("error under %s: got %q, want %q", tc.field, got, tc.want)
			}
		})
	}
	f.get(t, auth.Viewer, "/delivery/deployments?since=forever", http.StatusBadRequest)
	f.get(t, auth.Viewer, "/delivery?component=nope", http.StatusNotFound)
}

func TestDeliveryLog(t *testing.T) {
	f := newDlvFixture(t)
	dlvSeed(t, f)
	for _, tc := range []struct {
		query string
		count string
		wants []string
	}{
		{"", "1–8 of 8 deployments", []string{"staging", "v-S1"}},
		{"?environment=production", "1–7 of 7 deployments", nil},
		{"?failed=1&environment=production&since=90d", "1–1 of 1 deployment, failed", []string{"v-D3", "reported failure", "2 h"}},
		{"?rework=1", "1–1 of 1 deployment, rework", []string{"v-D4", "fix"}},
		{"?team=search", "1–2 of 2 deployments", []string{"v-D7", "v-S1"}},
		{"?component=ledger&environment=all", "1–2 of 2 deployments", []string{"v-D5", "v-D6"}},
		{"?result=failure", "1–1 of 1 deployment", []string{"v-D3"}},
		// failed=0 is no filter; a window picked from the list beats the
		// dates the form kept.
		{"?failed=0&environment=production", "1–7 of 7 deployments", nil},
		{"?since=3650d&from=2020-01-01&to=2020-01-02&environment=production", "1–7 of 7 deployments", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			body := f.get(t, auth.Viewer, "/delivery/deployments"+tc.query, http.StatusOK)
			relWantIn(t, "log "+tc.query, dlvText(body), tc.count)
			relWantIn(t, "log "+tc.query, body, tc.wants...)
		})
	}
	body := f.get(t, auth.Viewer, "/delivery/deployments?sort=changes", http.StatusOK)
	if i, j := strings.Index(body, "v-D2"), strings.Index(body, "v-D1"); i < 0 || j < 0 || j > i {
		t.Errorf("sorted by changes: got D1 (2 changes) after D2 (1 change), want it before")
	}
	relWantIn(t, "log", body, `href="/catalog/component/default/checkout"`, "<code title=\""+dlvSHA("d")+"\">"+dlvSHA("d")[:8]+"</code>")
	relWantIn(t, "bad result", f.get(t, auth.Viewer, "/delivery/deployments?result=maybe", http.StatusBadRequest), "must be success, failure or pending")
}

func TestDeliveryLogPages(t *testing.T) {
	f := newDlvFixture(t)
	now := time.Now().UTC().Truncate(time.Second)
	var b delivery.Batch
	for i := range 55 {
		b.Deployments = append(b.Deployments, delivery.DeploymentInput{Component: "ledger", Environment: "staging",
			SHA: dlvSHA(fmt.Sprint("s", i)), FinishedAt: now.Add(-time.Duration(i) * time.Hour), Version: fmt.Sprintf("v%02d", i)})
	}
	if _, err := f.s.delivery.Ingest(f.ctx, b); err != nil {
		t.Fatal(err)
	}
	first := f.get(t, auth.Viewer, "/delivery/deployments?environment=staging", http.StatusOK)
	relWantIn(t, "page 1", dlvText(first), "1–50 of 55 deployments")
	relWantIn(t, "page 1", first, `href="?environment=staging&amp;page=2" rel="next"`, ">v00<", ">v49<")
	relWantNotIn(t, "page 1", first, ">v50<", `rel="prev"`)
	second := f.get(t, auth.Viewer, "/delivery/deployments?environment=staging&page=2", http.StatusOK)
	relWantIn(t, "page 2", dlvText(second), "51–55 of 55 deployments")
	relWantIn(t, "page 2", second, ">v54<", `href="?environment=staging&amp;page=1" rel="prev"`)
	relWantNotIn(t, "page 2", second, ">v49<", `rel="next"`)
}

func TestDeliveryDeploymentPage(t *testing.T) {
	f := newDlvFixture(t)
	dlvSeed(t, f)
	now := time.Now().UTC()
	if _, err := f.s.delivery.Ingest(f.ctx, delivery.Batch{Failures: []delivery.FailureInput{{Component: "checkout", Title: "Checkout answers 500",
		StartedAt: now.Add(-5*24*time.Hour + 4*time.Hour + 10*time.Minute), ResolvedAt: now.Add(-5*24*time.Hour + 5*time.Hour),
		Deployment: dlvSHA("d"), ExternalID: "INC-9"}}}); err != nil {
		t.Fatal(err)
	}
	failed := f.get(t, auth.Viewer, fmt.Sprintf("/delivery/deployments/%d", dlvDeploymentID(t, f, "checkout", "D3")), http.StatusOK)
	relWantIn(t, "failed deployment", failed, "the deployment reported failure", "v-D3", dlvSHA("d"),
		"Checkout answers 500", "the source named this deployment")
	relWantIn(t, "failed deployment", dlvText(failed), "Recovery time 2 h", "Failures charged to it 1", "Changes shipped 0",
		"a deployment that reported failure ships nothing")
	fix := f.get(t, auth.Viewer, fmt.Sprintf("/delivery/deployments/%d", dlvDeploymentID(t, f, "checkout", "D4")), http.StatusOK)
	relWantIn(t, "fix", dlvText(fix), "Remedy fix", "Changes shipped 2", "2 counted in lead time", "change d ada", "UTC 6 h", "change e ada", "UTC 1 h")
	first := f.get(t, auth.Viewer, fmt.Sprintf("/delivery/deployments/%d", dlvDeploymentID(t, f, "checkout", "D1")), http.StatusOK)
	relWantIn(t, "first deployment", dlvText(first), "0 counted in lead time; 2 baseline", "history behind this component's first deployment",
		"Did not fail.", "Failures charged to it 0")
	relWantIn(t, "first deployment", first, `class="dlv-baseline"`, `title="not counted"`)
	f.get(t, auth.Viewer, "/delivery/deployments/999999", http.StatusNotFound)
	f.get(t, auth.Viewer, "/delivery/deployments/abc", http.StatusNotFound)
}

func TestDeliveryEntitySection(t *testing.T) {
	f := newDlvFixture(t)
	dlvSeed(t, f)
	comp := f.get(t, auth.Viewer, "/catalog/component/default/checkout", http.StatusOK)
	relWantIn(t, "component page", comp, `id="delivery-h"`, `href="/delivery?component=checkout"`, `class="chart sparkline"`, `id="entity-deployments"`)
	relWantIn(t, "component page", dlvText(comp), "Change failure rate 25%", "Rework rate 25%", "Lead time p50 2 h")
	if n := strings.Count(regexp.MustCompile(`(?s)<table class="table compact" id="entity-deployments">.*?</table>`).FindString(comp), "<tr"); n != 5 {
		t.Errorf("last deployments: got %d rows with the heading, want 5 (4 deployments)", n)
	}
	team := f.get(t, auth.Viewer, "/catalog/group/default/payments", http.StatusOK)
	relWantIn(t, "team page", team, `href="/delivery?team=payments"`)
	relWantIn(t, "team page", dlvText(team), "Change failure rate 16.7%")
	relWantNotIn(t, "team page", team, `id="entity-deployments"`)
}

func TestDeliverySources(t *testing.T) {
	f := newDlvFixture(t)
	if r := f.do(t, auth.Viewer, http.MethodGet, "/admin/delivery-sources", nil); r.status != http.StatusForbidden {
		t.Errorf("viewer: got status %d, want 403", r.status)
	}
	relWantIn(t, "no sources", f.get(t, auth.Admin, "/admin/delivery-sources", http.StatusOK), "No webhook sources yet", `<option value="github"`, `<option value="gitlab"`)

	bad := f.do(t, auth.Admin, http.MethodPost, "/admin/delivery-sources", url.Values{"name": {"acme"}, "provider": {"bitbucket"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown provider: got status %d, want 422", bad.status)
	}
	relWantIn(t, "unknown provider", bad.body, `id="s-provider-error">must be one of github, gitlab</p>`, `value="acme"`)
	badName := f.do(t, auth.Admin, http.MethodPost, "/admin/delivery-sources", url.Values{"name": {"Acme Org"}, "provider": {"github"}})
	relWantIn(t, "bad name", badName.body, `id="s-name-error">must be 1 to 63 lower-case letters`)

	made := f.do(t, auth.Admin, http.MethodPost, "/admin/delivery-sources", url.Values{"name": {"acme"}, "provider": {"github"}})
	if made.status != http.StatusCreated {
		t.Fatalf("create: got status %d, want 201\n%s", made.status, made.body)
	}
	src, err := f.s.delivery.SourceByName(f.ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	relWantIn(t, "new source", made.body, `<code id="new-source-secret">`+src.Secret+`</code>`, "http://example.com/hooks/acme",
		"Settings → Webhooks → Add webhook", "<code>application/json</code>", "Deployment statuses")
	later := f.get(t, auth.Admin, "/admin/delivery-sources", http.StatusOK)
	relWantIn(t, "source list", later, "http://example.com/hooks/acme", `action="/admin/delivery-sources/acme/delete"`)
	relWantNotIn(t, "source list", later, src.Secret)

	lab := f.do(t, auth.Admin, http.MethodPost, "/admin/delivery-sources", url.Values{"name": {"acme-lab"}, "provider": {"gitlab"}})
	relWantIn(t, "gitlab source", lab.body, "Secret token", "X-Gitlab-Token", "Merge request events")

	gone := f.do(t, auth.Admin, http.MethodPost, "/admin/delivery-sources/acme/delete", url.Values{})
	if gone.status != http.StatusSeeOther {
		t.Fatalf("delete: got status %d, want 303", gone.status)
	}
	relWantNotIn(t, "after delete", f.get(t, auth.Admin, "/admin/delivery-sources", http.StatusOK), "/hooks/acme<")
	if r := f.do(t, auth.Admin, http.MethodPost, "/admin/delivery-sources/acme/delete", url.Values{}); r.status != http.StatusNotFound {
		t.Errorf("delete again: got status %d, want 404", r.status)
	}
}
