package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// componentForm is what a person types into the new-component form.
func componentForm(name, title, owner string) url.Values {
	return url.Values{
		"metadata.name":        {name},
		"metadata.namespace":   {"default"},
		"metadata.title":       {title},
		"metadata.description": {"Takes the money."},
		"metadata.tags":        {"payments go"},
		"spec.type":            {"service"},
		"spec.lifecycle":       {"production"},
		"spec.owner":           {owner},
		"spec.system":          {""},
		"spec.dependsOn":       {"resource:orders-db\r\nresource:cache"},
	}
}

// fieldHTML returns the markup of one form field: from its label to the end
// of its wrapper, which holds the input and its error message.
func fieldHTML(t testing.TB, body, name string) string {
	t.Helper()
	start := strings.Index(body, `<label for="`+name+`"`)
	if start < 0 {
		t.Fatalf("form has no field %s", name)
		return ""
	}
	end := strings.Index(body[start:], "</div>")
	if end < 0 {
		t.Fatalf("field %s is not closed", name)
	}
	return body[start : start+end]
}

// fieldValue is the value a field shows, from an input or a textarea.
func fieldValue(t testing.TB, body, name string) string {
	t.Helper()
	f := fieldHTML(t, body, name)
	if m := regexp.MustCompile(`<textarea[^>]*>([^<]*)</textarea>`).FindStringSubmatch(f); m != nil {
		// Browsers read CR LF in a textarea as LF.
		return strings.ReplaceAll(m[1], "\r\n", "\n")
	}
	if m := regexp.MustCompile(`<input id="` + regexp.QuoteMeta(name) + `" name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(f); m != nil {
		return m[1]
	}
	t.Fatalf("field %s has no input or textarea:\n%s", name, f)
	return ""
}

// fieldError is the error message shown in a field, "" when none.
func fieldError(t testing.TB, body, name string) string {
	t.Helper()
	f := fieldHTML(t, body, name)
	m := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(name) + `-error">([^<]*)</p>`).FindStringSubmatch(f)
	if m == nil {
		return ""
	}
	if !strings.Contains(f, `aria-invalid="true"`) || !strings.Contains(f, `aria-describedby="`+name+`-error"`) {
		t.Errorf("field %s shows an error but its input is not marked invalid and described by it:\n%s", name, f)
	}
	return m[1]
}

// wantPage gets a page and checks that it answers 200 with every string
// given. It returns the response for further checks.
func wantPage(t testing.TB, c *client, path string, wants ...string) response {
	t.Helper()
	r := c.get(path)
	if r.Status != http.StatusOK {
		t.Errorf("GET %s: got status %d, want 200\n%.300s", path, r.Status, r.Body)
		return r
	}
	for _, want := range wants {
		if !strings.Contains(r.Body, want) {
			t.Errorf("GET %s: got no %q in the page, want it", path, want)
		}
	}
	return r
}

var catalogRowRe = regexp.MustCompile(`<tr>\s*<td><a href="/catalog/([^"]+)">`)

// catalogRows lists the entity paths (kind/namespace/name) of the catalog
// table, in order.
func catalogRows(body string) []string {
	var out []string
	for _, m := range catalogRowRe.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestCatalogFormLifecycle(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		c := s.setupAdmin(t)
		const page = "/catalog/component/default/checkout"
		count := func(t *testing.T) int {
			t.Helper()
			return total(t, c, "")
		}

		if !t.Run("create", func(t *testing.T) {
			r := c.postForm("/catalog/new?kind=component", componentForm("checkout", "Checkout Service", "team-pay"))
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, page+"?") {
				t.Fatalf("POST /catalog/new: got %d to %q, want 303 to %s?notice=...\n%.600s", r.Status, r.Location, page, r.Body)
			}
			wantPage(t, c, r.Location, "<h1>Checkout Service</h1>", "Created component:default/checkout.", `<p class="lead">Takes the money.</p>`,
				`<a class="tag" href="/catalog?tag=payments">payments</a>`, "resource:default/orders-db", "resource:default/cache",
				"production")
			e, _ := getEntity(t, c, "component/default/checkout")
			if !reflect.DeepEqual(e.Spec["dependsOn"], []any{"resource:orders-db", "resource:cache"}) {
				t.Errorf("spec.dependsOn: got %#v, want [resource:orders-db resource:cache]", e.Spec["dependsOn"])
			}
			if _, ok := e.Spec["system"]; ok {
				t.Errorf("spec.system: got %v from an empty input, want it left out", e.Spec["system"])
			}
			if !reflect.DeepEqual(e.Metadata.Tags, []string{"payments", "go"}) || e.Spec["owner"] != "team-pay" || e.Metadata.Description != "Takes the money." {
				t.Errorf("got tags %v owner %v description %q, want [payments go], team-pay, Takes the money.", e.Metadata.Tags, e.Spec["owner"], e.Metadata.Description)
			}
		}) {
			t.FailNow()
		}

		t.Run("edit", func(t *testing.T) {
			f := c.get(page + "/edit")
			if f.Status != http.StatusOK {
				t.Fatalf("GET edit form: got status %d, want 200", f.Status)
			}
			if got := fieldValue(t, f.Body, "metadata.title"); got != "Checkout Service" {
				t.Errorf("edit form title: got %q, want Checkout Service", got)
			}
			if got := fieldValue(t, f.Body, "spec.dependsOn"); got != "resource:orders-db\nresource:cache" {
				t.Errorf("edit form dependsOn: got %q, want the two references one per line", got)
			}
			form := componentForm("renamed", "Checkout", "team-pay")
			form.Set("spec.lifecycle", "deprecated")
			form.Set("spec.dependsOn", "resource:orders-db")
			form.Set("metadata.tags", "payments")
			r := c.postForm(page+"/edit", form)
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, page+"?") {
				t.Fatalf("POST edit: got %d to %q, want 303 to %s?notice=...\n%.600s", r.Status, r.Location, page, r.Body)
			}
			if p := wantPage(t, c, r.Location, "<h1>Checkout</h1>", "Saved.", "deprecated", "resource:default/orders-db"); p.Status == http.StatusOK &&
				strings.Contains(p.Body, "resource:default/cache") {
				t.Error("entity page after edit: got the removed dependency resource:default/cache, want it gone")
			}
			e, _ := getEntity(t, c, "component/default/checkout")
			if e.Metadata.Title != "Checkout" || e.Spec["lifecycle"] != "deprecated" || !reflect.DeepEqual(e.Metadata.Tags, []string{"payments"}) ||
				!reflect.DeepEqual(e.Spec["dependsOn"], []any{"resource:orders-db"}) {
				t.Errorf("after edit: got title %q lifecycle %v tags %v dependsOn %v, want Checkout, deprecated, [payments], [resource:orders-db]",
					e.Metadata.Title, e.Spec["lifecycle"], e.Metadata.Tags, e.Spec["dependsOn"])
			}
			// The name cannot change through the form.
			if _, r := getEntity(t, c, "component/default/renamed"); r.Status != http.StatusNotFound {
				t.Errorf("GET renamed: got %d, want 404 (the edit form must not rename)", r.Status)
			}
			if n := count(t); n != 1 {
				t.Errorf("after edit: got %d entities, want 1", n)
			}
		})

		t.Run("invalid", func(t *testing.T) {
			before := count(t)
			withDep := componentForm("bad-dep", "Typed Title", "team-pay")
			withDep.Set("spec.dependsOn", "resource:orders-db\nresource:Bad Ref!")
			for _, tc := range []struct {
				name   string
				form   url.Values
				field  string
				msg    string
				absent string // an entity path that must not exist afterwards
			}{
				{"bad name", componentForm("Bad_Name-", "Typed Title", "team-pay"), "metadata.name", "is not valid: 1-63 letters", ""},
				{"missing owner", componentForm("no-owner", "Typed Title", ""), "spec.owner", "is required for a Component", "component/default/no-owner"},
				{"bad dependency", withDep, "spec.dependsOn", "is not valid", "component/default/bad-dep"},
				{"taken name", componentForm("checkout", "Typed Title", "team-pay"), "metadata.name", "exists already", ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := c.postForm("/catalog/new?kind=component", tc.form)
					if r.Status != http.StatusUnprocessableEntity {
						t.Fatalf("POST: got status %d to %q, want 422\n%.600s", r.Status, r.Location, r.Body)
					}
					if got := fieldError(t, r.Body, tc.field); !strings.Contains(got, tc.msg) {
						t.Errorf("error at %s: got %q, want one containing %q", tc.field, got, tc.msg)
					}
					if !strings.Contains(r.Body, "Please fix the field marked below.") {
						t.Error("got no form-level hint, want \"Please fix the field marked below.\"")
					}
					// What was typed stays in the form.
					for _, name := range []string{"metadata.name", "metadata.title", "spec.type", "spec.lifecycle", "spec.owner", "spec.dependsOn"} {
						want := strings.ReplaceAll(tc.form.Get(name), "\r\n", "\n")
						if got := fieldValue(t, r.Body, name); got != want {
							t.Errorf("field %s: got %q, want what was typed, %q", name, got, want)
						}
					}
					if tc.absent != "" {
						if _, r := getEntity(t, c, tc.absent); r.Status != http.StatusNotFound {
							t.Errorf("GET %s: got %d, want 404", tc.absent, r.Status)
						}
					}
				})
			}
			if after := count(t); after != before {
				t.Errorf("invalid forms changed the catalog: got %d entities, want %d", after, before)
			}

			t.Run("edit without owner", func(t *testing.T) {
				form := componentForm("checkout", "Changed Title", "")
				r := c.postForm(page+"/edit", form)
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("POST edit: got %d, want 422", r.Status)
				}
				if got := fieldError(t, r.Body, "spec.owner"); !strings.Contains(got, "is required") {
					t.Errorf("error at spec.owner: got %q, want \"is required ...\"", got)
				}
				if got := fieldValue(t, r.Body, "metadata.title"); got != "Changed Title" {
					t.Errorf("title field: got %q, want what was typed, Changed Title", got)
				}
				e, _ := getEntity(t, c, "component/default/checkout")
				if e.Metadata.Title != "Checkout" || e.Spec["owner"] != "team-pay" {
					t.Errorf("after a refused edit: got title %q owner %v, want Checkout, team-pay unchanged", e.Metadata.Title, e.Spec["owner"])
				}
			})

			t.Run("unknown kind", func(t *testing.T) {
				r := c.postForm("/catalog/new?kind=widget", componentForm("widget-one", "W", "team-pay"))
				if r.Status != http.StatusUnprocessableEntity {
					t.Errorf("POST ?kind=widget: got %d, want 422", r.Status)
				}
			})
		})

		t.Run("delete", func(t *testing.T) {
			wantPage(t, c, page+"/delete", "<h1>Delete Checkout?</h1>", "component:default/checkout")
			r := c.postForm(page+"/delete", url.Values{})
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/catalog?") {
				t.Fatalf("POST delete: got %d to %q, want 303 to /catalog?notice=...", r.Status, r.Location)
			}
			if p := c.get(r.Location); !strings.Contains(p.Body, "Deleted component:default/checkout.") {
				t.Errorf("catalog after delete: got no notice \"Deleted component:default/checkout.\"")
			}
			for _, path := range []string{page, page + "/edit", page + "/delete"} {
				if p := c.get(path); p.Status != http.StatusNotFound {
					t.Errorf("GET %s after delete: got status %d, want 404", path, p.Status)
				}
			}
			if p := c.postForm(page+"/delete", url.Values{}); p.Status != http.StatusNotFound {
				t.Errorf("POST delete again: got status %d, want 404", p.Status)
			}
			wantAPIError(t, "API GET after delete", c.get("/api/v1/entities/component/default/checkout"), http.StatusNotFound, "not_found", "-")
		})
	})
}

func TestCatalogListPage(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		c, api := s.adminToken(t)

		// Filters and sorting, over six entities of several kinds.
		alpha := componentDesc("alpha-svc", "team-a")
		metadataOf(alpha)["title"] = "Alpha Service"
		metadataOf(alpha)["description"] = "Handles zebra payments."
		metadataOf(alpha)["tags"] = []string{"go", "payments"}
		beta := descriptor("Component", "beta-web", map[string]any{"type": "website", "lifecycle": "experimental", "owner": "team-b"})
		metadataOf(beta)["description"] = "Shop front, 100% static."
		metadataOf(beta)["tags"] = []string{"frontend"}
		gamma := descriptor("Component", "gamma-lib", map[string]any{"type": "library", "lifecycle": "deprecated", "owner": "team-a"})
		metadataOf(gamma)["tags"] = []string{"go"}
		for _, d := range []map[string]any{
			alpha, beta, gamma,
			descriptor("Resource", "delta-db", map[string]any{"type": "database", "owner": "group:default/team-b"}),
			descriptor("API", "epsilon-api", map[string]any{"type": "openapi", "lifecycle": "production", "owner": "team-b", "definition": "openapi: 3.0.0"}),
			descriptor("Group", "team-a", map[string]any{"type": "team", "children": []string{}}),
		} {
			mustCreate(t, api, d)
		}
		const (
			a = "component/default/alpha-svc"
			b = "component/default/beta-web"
			g = "component/default/gamma-lib"
			d = "resource/default/delta-db"
			e = "api/default/epsilon-api"
			T = "group/default/team-a"
		)
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{a, b, d, e, g, T}},
			{"kind=component", []string{a, b, g}},
			{"kind=Resource", []string{d}},
			{"lifecycle=production", []string{a, e}},
			{"lifecycle=experimental", []string{b}},
			{"q=zebra", []string{a}},
			{"q=ALPHA+service", []string{a}},
			{"q=" + url.QueryEscape("100%"), []string{b}},
			{"q=%25", []string{b}},
			{"q=_", nil},
			{"q=nothing-like-this", nil},
			{"tag=go", []string{a, g}},
			{"tag=frontend", []string{b}},
			{"owner=team-a", []string{a, g}},
			{"owner=" + url.QueryEscape("group:default/team-b"), []string{b, d, e}},
			{"type=library", []string{g}},
			{"kind=component&tag=go&lifecycle=production", []string{a}},
			{"sort=-name", []string{T, g, e, d, b, a}},
			{"kind=component&sort=-name", []string{g, b, a}},
			{"sort=owner", []string{T, a, g, b, d, e}},
			{"sort=kind", []string{e, a, b, g, T, d}},
		} {
			t.Run("?"+tc.query, func(t *testing.T) {
				r := c.get("/catalog?" + tc.query)
				if r.Status != http.StatusOK {
					t.Fatalf("GET /catalog?%s: got status %d, want 200", tc.query, r.Status)
				}
				if got := catalogRows(r.Body); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("rows: got %v, want %v", got, tc.want)
				}
				if len(tc.want) > 0 {
					wantCount := fmt.Sprintf("1–%d of %d entit", len(tc.want), len(tc.want))
					if !strings.Contains(r.Body, wantCount) {
						t.Errorf("got no %q, want the count", wantCount)
					}
				} else if !strings.Contains(r.Body, "Nothing matches these filters") {
					t.Error("got no \"Nothing matches these filters\", want it for an empty result")
				}
			})
		}
		for _, query := range []string{"kind=widget", "sort=colour"} {
			t.Run("bad ?"+query, func(t *testing.T) {
				r := c.get("/catalog?" + query)
				if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `class="form-error"`) {
					t.Errorf("GET /catalog?%s: got status %d, want 400 with the error shown", query, r.Status)
				}
			})
		}

		// Paging: 49 more make 55, more than the 50 a page shows.
		t.Run("paging", func(t *testing.T) {
			skipShort(t)
			all := []string{a, b, d, e, g}
			for i := range 49 {
				name := fmt.Sprintf("svc-%02d", i)
				all = append(all, "component/default/"+name)
				mustCreate(t, api, componentDesc(name, "team-a"))
			}
			all = append(all, T)
			const n = 55
			reversed := make([]string, n)
			for i, name := range all {
				reversed[n-1-i] = name
			}
			components := append([]string{a, b, g}, all[5:54]...)
			for _, tc := range []struct {
				query      string
				want       []string
				count      string
				pages      string
				prev, next bool
			}{
				{"", all[:50], "1–50 of 55 entities", "of 2 pages", false, true},
				{"page=1", all[:50], "1–50 of 55 entities", "of 2 pages", false, true},
				{"page=2", all[50:], "51–55 of 55 entities", "of 2 pages", true, false},
				{"sort=-name", reversed[:50], "1–50 of 55 entities", "of 2 pages", false, true},
				{"sort=-name&page=2", reversed[50:], "51–55 of 55 entities", "of 2 pages", true, false},
				{"kind=component&page=2", components[50:], "51–52 of 52 entities", "of 2 pages", true, false},
				{"owner=team-a&page=2", []string{"component/default/svc-48"}, "51–51 of 51 entities", "of 2 pages", true, false},
			} {
				t.Run("?"+tc.query, func(t *testing.T) {
					r := c.get("/catalog?" + tc.query)
					if r.Status != http.StatusOK {
						t.Fatalf("got status %d, want 200", r.Status)
					}
					if got := catalogRows(r.Body); !reflect.DeepEqual(got, tc.want) {
						t.Errorf("rows: got %d %v, want %d %v", len(got), got, len(tc.want), tc.want)
					}
					if tc.count != "" && !strings.Contains(r.Body, tc.count) {
						t.Errorf("got no %q, want it", tc.count)
					}
					if tc.pages != "" && !strings.Contains(r.Body, tc.pages) {
						t.Errorf("got no %q, want it", tc.pages)
					}
					if got := strings.Contains(r.Body, `rel="prev"`); got != tc.prev {
						t.Errorf("previous link: got %v, want %v", got, tc.prev)
					}
					if got := strings.Contains(r.Body, `rel="next"`); got != tc.next {
						t.Errorf("next link: got %v, want %v", got, tc.next)
					}
				})
			}
			t.Run("next link leads to page 2", func(t *testing.T) {
				r := c.get("/catalog?kind=component")
				m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(r.Body)
				if m == nil {
					t.Fatal("got no next link")
				}
				next := strings.ReplaceAll(m[1], "&amp;", "&")
				p := c.get("/catalog" + next)
				if got := catalogRows(p.Body); !reflect.DeepEqual(got, components[50:]) {
					t.Errorf("GET /catalog%s: got rows %v, want %v", next, got, components[50:])
				}
			})
		})
	})
}
