package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/cli"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// ---- Helpers shared by the e2e files of this package. ----

// apiErrorBody is the one shape of every API failure.
type apiErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"error"`
}

// relationOut is a relation as the API shows it.
type relationOut struct {
	Type        string `json:"type"`
	TargetRef   string `json:"targetRef"`
	Resolved    bool   `json:"resolved"`
	TargetTitle string `json:"targetTitle"`
}

// entityOut is an entity as the API shows it.
type entityOut struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace"`
		Title       string            `json:"title"`
		Description string            `json:"description"`
		Tags        []string          `json:"tags"`
		Labels      map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec      map[string]any `json:"spec"`
	Relations []relationOut  `json:"relations"`
	Status    struct {
		Ref       string `json:"ref"`
		Location  string `json:"location"`
		Orphaned  bool   `json:"orphaned"`
		CreatedAt string `json:"createdAt"`
		UpdatedAt string `json:"updatedAt"`
	} `json:"status"`
}

// entityListOut is a page of the entity listing.
type entityListOut struct {
	Items      []entityOut `json:"items"`
	Total      int         `json:"total"`
	NextCursor string      `json:"nextCursor"`
}

// wantAPIError checks that r is an API error with the status, code and
// (when field is not "-") field given, and returns it.
func wantAPIError(t testing.TB, what string, r response, status int, code, field string) apiErrorBody {
	t.Helper()
	var e apiErrorBody
	if r.Status != status {
		t.Errorf("%s: got status %d, want %d\n%.400s", what, r.Status, status, r.Body)
		return e
	}
	if err := json.Unmarshal([]byte(r.Body), &e); err != nil {
		t.Errorf("%s: error body %q is not the error shape: %v", what, r.Body, err)
		return e
	}
	if e.Error.Code != code {
		t.Errorf("%s: got error.code %q, want %q (%s)", what, e.Error.Code, code, r.Body)
	}
	if field != "-" && e.Error.Field != field {
		t.Errorf("%s: got error.field %q, want %q (%s)", what, e.Error.Field, field, r.Body)
	}
	if e.Error.Message == "" {
		t.Errorf("%s: got an empty error.message, want one (%s)", what, r.Body)
	}
	return e
}

// send makes a request with a raw body and extra headers (name, value, ...).
func (c *client) send(method, path, contentType, body string, headers ...string) response {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// createToken makes an API token through the API as the signed-in admin c
// and returns its id and secret.
func createToken(t testing.TB, admin *client, user, scope string) (int64, string) {
	t.Helper()
	var out struct {
		Token struct {
			ID    int64  `json:"id"`
			Scope string `json:"scope"`
		} `json:"token"`
		Secret string `json:"secret"`
	}
	r := admin.json(http.MethodPost, "/api/v1/tokens", map[string]any{"user": user, "name": "t", "scope": scope}, &out)
	if r.Status != http.StatusCreated {
		t.Fatalf("create %s token for %s: got status %d, want 201\n%s", scope, user, r.Status, r.Body)
	}
	if !strings.HasPrefix(out.Secret, "chief_") || out.Token.ID == 0 || out.Token.Scope != scope {
		t.Fatalf("create token: got %s, want a chief_ secret, an id and scope %s", r.Body, scope)
	}
	return out.Token.ID, out.Secret
}

// bearerClient returns a client without cookies that sends the token.
func (s *server) bearerClient(t testing.TB, secret string) *client {
	c := s.client(t)
	c.bearer = secret
	return c
}

// adminToken sets up the first admin and returns the signed-in client and a
// client using a write token of that admin.
func (s *server) adminToken(t testing.TB) (session, token *client) {
	t.Helper()
	session = s.setupAdmin(t)
	_, secret := createToken(t, session, "admin@example.com", "write")
	return session, s.bearerClient(t, secret)
}

// addUser adds a user with the CLI and returns a client signed in as them.
func (s *server) addUser(t testing.TB, email, role string) *client {
	t.Helper()
	if out, err := s.cli(t, adminPassword+"\n", "user", "add", email, "--role", role, "--password-stdin"); err != nil {
		t.Fatalf("chief user add %s: %v\n%s", email, err, out)
	}
	c := s.client(t)
	c.login(email, adminPassword)
	return c
}

// cliOut runs a chief command against the server's database and returns
// standard output and standard error apart.
func (s *server) cliOut(t testing.TB, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append(append([]string{}, args...), s.dbArgs...)
	err = cli.Run(context.Background(), full, noEnv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// freshDBArgs returns database arguments for a new, empty database on the
// same engine as dbArgs.
func freshDBArgs(t testing.TB, dbArgs []string) []string {
	t.Helper()
	if isPostgres(dbArgs) {
		return []string{"--database-url", dbtest.PostgresURL(t)}
	}
	return []string{"--data", t.TempDir()}
}

func isPostgres(dbArgs []string) bool { return len(dbArgs) > 0 && dbArgs[0] == "--database-url" }

// descriptor builds a Backstage descriptor.
func descriptor(kind, name string, spec map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": "backstage.io/v1alpha1",
		"kind":       kind,
		"metadata":   map[string]any{"name": name},
		"spec":       spec,
	}
}

// componentDesc is a valid Component descriptor.
func componentDesc(name, owner string) map[string]any {
	return descriptor("Component", name, map[string]any{"type": "service", "lifecycle": "production", "owner": owner})
}

func metadataOf(d map[string]any) map[string]any { return d["metadata"].(map[string]any) }
func specOf(d map[string]any) map[string]any     { return d["spec"].(map[string]any) }

// mustCreate posts a descriptor and fails the test unless it is created.
func mustCreate(t testing.TB, c *client, d map[string]any) entityOut {
	t.Helper()
	var e entityOut
	r := c.json(http.MethodPost, "/api/v1/entities", d, &e)
	if r.Status != http.StatusCreated {
		t.Fatalf("create %s %v: got status %d, want 201\n%s", d["kind"], metadataOf(d)["name"], r.Status, r.Body)
	}
	return e
}

// getEntity fetches an entity by its API path (kind/namespace/name).
func getEntity(t testing.TB, c *client, path string) (entityOut, response) {
	t.Helper()
	var e entityOut
	r := c.json(http.MethodGet, "/api/v1/entities/"+path, nil, &e)
	return e, r
}

// listPage fetches one page of the entity listing.
func listPage(t testing.TB, c *client, query string) entityListOut {
	t.Helper()
	var p entityListOut
	r := c.json(http.MethodGet, "/api/v1/entities?"+query, nil, &p)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /api/v1/entities?%s: got status %d, want 200\n%s", query, r.Status, r.Body)
	}
	return p
}

// total returns how many entities match the query.
func total(t testing.TB, c *client, query string) int {
	t.Helper()
	return listPage(t, c, query+"&limit=1").Total
}

// walk follows nextCursor from the first page of query to the last and
// returns the refs in order. between, when set, runs after the first page.
func walk(t testing.TB, c *client, query string, between func()) (refs []string, totals []int) {
	t.Helper()
	cursor := ""
	for page := 0; ; page++ {
		if page > 200 {
			t.Fatalf("walk %s: more than 200 pages; the cursor does not advance", query)
		}
		q := query
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		p := listPage(t, c, q)
		for _, e := range p.Items {
			refs = append(refs, e.Status.Ref)
		}
		totals = append(totals, p.Total)
		if page == 0 && between != nil {
			between()
		}
		if p.NextCursor == "" {
			return refs, totals
		}
		if len(p.Items) == 0 {
			t.Fatalf("walk %s: got an empty page with a next cursor", query)
		}
		cursor = p.NextCursor
	}
}

func duplicates(list []string) []string {
	seen := map[string]bool{}
	var dup []string
	for _, s := range list {
		if seen[s] {
			dup = append(dup, s)
		}
		seen[s] = true
	}
	return dup
}

func hasRelation(rels []relationOut, typ, target string, resolved bool) bool {
	for _, r := range rels {
		if r.Type == typ && r.TargetRef == target && r.Resolved == resolved {
			return true
		}
	}
	return false
}

// ---- Tests. ----

func TestEntityAPI(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		_, api := s.adminToken(t)

		const orders = "component/default/orders"
		if !t.Run("create", func(t *testing.T) {
			d := componentDesc("orders", "team-orders")
			metadataOf(d)["title"] = "Orders"
			metadataOf(d)["description"] = "Takes orders."
			metadataOf(d)["tags"] = []string{"go", "payments"}
			specOf(d)["dependsOn"] = []string{"resource:orders-db"}
			var e entityOut
			r := api.json(http.MethodPost, "/api/v1/entities", d, &e)
			if r.Status != http.StatusCreated {
				t.Fatalf("POST /api/v1/entities: got status %d, want 201\n%s", r.Status, r.Body)
			}
			if got, want := r.Location, "/api/v1/entities/"+orders; got != want {
				t.Errorf("Location: got %q, want %q", got, want)
			}
			if e.Status.Ref != "component:default/orders" || e.Metadata.Namespace != "default" || e.APIVersion != "backstage.io/v1alpha1" {
				t.Errorf("created: got ref %q namespace %q apiVersion %q, want component:default/orders, default, backstage.io/v1alpha1",
					e.Status.Ref, e.Metadata.Namespace, e.APIVersion)
			}
			if e.Status.CreatedAt == "" || e.Status.UpdatedAt != e.Status.CreatedAt {
				t.Errorf("created: got createdAt %q updatedAt %q, want both set and equal", e.Status.CreatedAt, e.Status.UpdatedAt)
			}
			db := descriptor("Resource", "orders-db", map[string]any{"type": "database", "owner": "team-orders"})
			mustCreate(t, api, db)
		}) {
			t.FailNow()
		}

		t.Run("get", func(t *testing.T) {
			e, r := getEntity(t, api, orders)
			if r.Status != http.StatusOK {
				t.Fatalf("GET: got status %d, want 200\n%s", r.Status, r.Body)
			}
			if e.Metadata.Title != "Orders" || e.Metadata.Description != "Takes orders." {
				t.Errorf("got title %q description %q, want Orders, Takes orders.", e.Metadata.Title, e.Metadata.Description)
			}
			if !reflect.DeepEqual(e.Metadata.Tags, []string{"go", "payments"}) {
				t.Errorf("got tags %v, want [go payments]", e.Metadata.Tags)
			}
			if e.Spec["owner"] != "team-orders" || !reflect.DeepEqual(e.Spec["dependsOn"], []any{"resource:orders-db"}) {
				t.Errorf("got spec %v, want owner team-orders and dependsOn [resource:orders-db]", e.Spec)
			}
			// Kind and names in the path match without regard to case.
			if _, r := getEntity(t, api, "Component/default/ORDERS"); r.Status != http.StatusOK {
				t.Errorf("GET with other case: got status %d, want 200", r.Status)
			}
			wantAPIError(t, "GET unknown entity", api.get("/api/v1/entities/component/default/nope"), http.StatusNotFound, "not_found", "-")
			wantAPIError(t, "GET unknown kind", api.get("/api/v1/entities/widget/default/orders"), http.StatusNotFound, "not_found", "-")
		})

		t.Run("update", func(t *testing.T) {
			d := componentDesc("orders", "team-orders")
			metadataOf(d)["title"] = "Order Service"
			specOf(d)["lifecycle"] = "deprecated"
			specOf(d)["dependsOn"] = []string{"resource:orders-db"}
			var e entityOut
			r := api.json(http.MethodPut, "/api/v1/entities/"+orders, d, &e)
			if r.Status != http.StatusOK {
				t.Fatalf("PUT: got status %d, want 200\n%s", r.Status, r.Body)
			}
			got, _ := getEntity(t, api, orders)
			if got.Metadata.Title != "Order Service" || got.Spec["lifecycle"] != "deprecated" {
				t.Errorf("after PUT: got title %q lifecycle %v, want Order Service, deprecated", got.Metadata.Title, got.Spec["lifecycle"])
			}
			if got.Metadata.Description != "" || got.Metadata.Tags != nil {
				t.Errorf("after PUT without them: got description %q tags %v, want both gone (PUT replaces)", got.Metadata.Description, got.Metadata.Tags)
			}
			if got.Status.UpdatedAt < got.Status.CreatedAt {
				t.Errorf("after PUT: got updatedAt %s before createdAt %s", got.Status.UpdatedAt, got.Status.CreatedAt)
			}

			// The body may leave out kind and name: the path gives them.
			partial := map[string]any{"metadata": map[string]any{"title": "Orders Again"},
				"spec": map[string]any{"type": "service", "lifecycle": "production", "owner": "team-orders", "dependsOn": []string{"resource:orders-db"}}}
			if r := api.json(http.MethodPut, "/api/v1/entities/"+orders, partial, &e); r.Status != http.StatusOK || e.Metadata.Title != "Orders Again" {
				t.Errorf("PUT without kind and name: got %d title %q, want 200 Orders Again\n%s", r.Status, e.Metadata.Title, r.Body)
			}

			renamed := componentDesc("other-name", "team-orders")
			wantAPIError(t, "PUT with another name", api.json(http.MethodPut, "/api/v1/entities/"+orders, renamed, nil),
				http.StatusUnprocessableEntity, "invalid", "metadata.name")
			noOwner := componentDesc("orders", "")
			delete(specOf(noOwner), "owner")
			wantAPIError(t, "PUT without owner", api.json(http.MethodPut, "/api/v1/entities/"+orders, noOwner, nil),
				http.StatusUnprocessableEntity, "invalid", "spec.owner")
			wantAPIError(t, "PUT unknown entity", api.json(http.MethodPut, "/api/v1/entities/component/default/ghost", componentDesc("ghost", "x"), nil),
				http.StatusNotFound, "not_found", "-")
			if _, r := getEntity(t, api, "component/default/ghost"); r.Status != http.StatusNotFound {
				t.Errorf("PUT of an unknown entity created it: GET got %d, want 404", r.Status)
			}
		})

		t.Run("relations", func(t *testing.T) {
			var comp, res struct {
				Items []relationOut `json:"items"`
			}
			if r := api.json(http.MethodGet, "/api/v1/entities/"+orders+"/relations", nil, &comp); r.Status != http.StatusOK {
				t.Fatalf("GET relations: got status %d, want 200\n%s", r.Status, r.Body)
			}
			if !hasRelation(comp.Items, "dependsOn", "resource:default/orders-db", true) {
				t.Errorf("component relations: got %+v, want dependsOn resource:default/orders-db resolved", comp.Items)
			}
			if !hasRelation(comp.Items, "ownedBy", "group:default/team-orders", false) {
				t.Errorf("component relations: got %+v, want ownedBy group:default/team-orders unresolved", comp.Items)
			}
			if r := api.json(http.MethodGet, "/api/v1/entities/resource/default/orders-db/relations", nil, &res); r.Status != http.StatusOK {
				t.Fatalf("GET resource relations: got status %d, want 200\n%s", r.Status, r.Body)
			}
			if !hasRelation(res.Items, "dependencyOf", "component:default/orders", true) {
				t.Errorf("resource relations: got %+v, want dependencyOf component:default/orders resolved", res.Items)
			}
			for _, rel := range res.Items {
				if rel.Type == "dependencyOf" && rel.TargetTitle != "Orders Again" {
					t.Errorf("resource relation dependencyOf: got targetTitle %q, want Orders Again", rel.TargetTitle)
				}
			}
			wantAPIError(t, "relations of unknown entity", api.get("/api/v1/entities/component/default/nope/relations"),
				http.StatusNotFound, "not_found", "-")
		})

		t.Run("list", func(t *testing.T) {
			mustCreate(t, api, componentDesc("billing", "team-billing"))
			web := componentDesc("storefront", "team-orders")
			specOf(web)["type"] = "website"
			metadataOf(web)["description"] = "The shop window"
			mustCreate(t, api, web)
			for _, tc := range []struct {
				query string
				want  []string
			}{
				{"", []string{"component:default/billing", "component:default/orders", "resource:default/orders-db", "component:default/storefront"}},
				{"kind=component", []string{"component:default/billing", "component:default/orders", "component:default/storefront"}},
				{"kind=Resource", []string{"resource:default/orders-db"}},
				{"owner=team-orders", []string{"component:default/orders", "resource:default/orders-db", "component:default/storefront"}},
				{"owner=group:default/team-billing", []string{"component:default/billing"}},
				{"type=website", []string{"component:default/storefront"}},
				{"lifecycle=production&kind=component", []string{"component:default/billing", "component:default/orders", "component:default/storefront"}},
				{"q=SHOP", []string{"component:default/storefront"}},
				{"q=orders", []string{"component:default/orders", "resource:default/orders-db"}},
				{"sort=-name", []string{"component:default/storefront", "resource:default/orders-db", "component:default/orders", "component:default/billing"}},
				{"namespace=other", nil},
			} {
				t.Run(tc.query, func(t *testing.T) {
					p := listPage(t, api, tc.query)
					var got []string
					for _, e := range p.Items {
						got = append(got, e.Status.Ref)
					}
					if !reflect.DeepEqual(got, tc.want) || p.Total != len(tc.want) || p.NextCursor != "" {
						t.Errorf("GET ?%s: got %v (total %d, next %q), want %v (total %d, no next)", tc.query, got, p.Total, p.NextCursor, tc.want, len(tc.want))
					}
				})
			}
			for _, tc := range []struct{ query, field string }{
				{"kind=widget", "kind"}, {"sort=colour", "sort"}, {"limit=0x", "limit"}, {"limit=501", "limit"}, {"cursor=%21%21", "cursor"},
			} {
				wantAPIError(t, "GET ?"+tc.query, api.get("/api/v1/entities?"+tc.query), http.StatusUnprocessableEntity, "invalid", tc.field)
			}
		})

		t.Run("invalid input", func(t *testing.T) {
			before := total(t, api, "")
			badTag := componentDesc("tagged", "team")
			metadataOf(badTag)["tags"] = []string{"Not OK"}
			badDep := componentDesc("dep", "team")
			specOf(badDep)["dependsOn"] = "resource:db"
			badRef := componentDesc("ref", "group:a:b")
			noType := componentDesc("typeless", "team")
			delete(specOf(noType), "type")
			for _, tc := range []struct {
				name  string
				body  any
				field string
			}{
				{"missing name", descriptor("Component", "", map[string]any{"type": "service", "lifecycle": "production", "owner": "team"}), "metadata.name"},
				{"bad name", componentDesc("Bad Name!", "team"), "metadata.name"},
				{"name too long", componentDesc(strings.Repeat("a", 64), "team"), "metadata.name"},
				{"bad namespace", map[string]any{"kind": "Component", "metadata": map[string]any{"name": "x", "namespace": "Bad NS"},
					"spec": map[string]any{"type": "service", "lifecycle": "production", "owner": "team"}}, "metadata.namespace"},
				{"missing owner", descriptor("Component", "ownerless", map[string]any{"type": "service", "lifecycle": "production"}), "spec.owner"},
				{"bad owner reference", badRef, "spec.owner"},
				{"missing type", noType, "spec.type"},
				{"bad tag", badTag, "metadata.tags[0]"},
				{"dependsOn not a list", badDep, "spec.dependsOn"},
				{"unknown kind", descriptor("Widget", "w", map[string]any{}), "kind"},
				{"missing kind", map[string]any{"metadata": map[string]any{"name": "k"}}, "kind"},
				{"bad apiVersion", map[string]any{"apiVersion": "v9", "kind": "Component", "metadata": map[string]any{"name": "v"}}, "apiVersion"},
				{"name of the wrong type", `{"kind":"Component","metadata":{"name":5}}`, "metadata.name"},
				{"malformed JSON", `{"kind": "Component", "metadata": {`, ""},
				{"not JSON at all", `kind: Component`, ""},
				{"unknown top-level field", `{"kind":"Component","metadata":{"name":"u"},"spec":{"type":"service","lifecycle":"production","owner":"team"},"colour":"red"}`, ""},
				{"unknown metadata field", `{"kind":"Component","metadata":{"name":"u","colour":"red"},"spec":{"type":"service","lifecycle":"production","owner":"team"}}`, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					e := wantAPIError(t, "POST", api.json(http.MethodPost, "/api/v1/entities", tc.body, nil), http.StatusUnprocessableEntity, "invalid", tc.field)
					if strings.HasPrefix(tc.name, "unknown") && strings.Contains(tc.name, "field") && !strings.Contains(e.Error.Message, "colour") {
						t.Errorf("got message %q, want it to name the unknown field colour", e.Error.Message)
					}
				})
			}
			if after := total(t, api, ""); after != before {
				t.Errorf("invalid posts changed the catalog: got %d entities, want %d", after, before)
			}
		})

		t.Run("conflict", func(t *testing.T) {
			before := total(t, api, "")
			wantAPIError(t, "create twice", api.json(http.MethodPost, "/api/v1/entities", componentDesc("orders", "someone-else"), nil),
				http.StatusConflict, "conflict", "-")
			wantAPIError(t, "create twice in other case", api.json(http.MethodPost, "/api/v1/entities", componentDesc("ORDERS", "someone-else"), nil),
				http.StatusConflict, "conflict", "-")
			if after := total(t, api, ""); after != before {
				t.Errorf("conflicting posts changed the catalog: got %d entities, want %d", after, before)
			}
			if e, _ := getEntity(t, api, orders); e.Spec["owner"] != "team-orders" {
				t.Errorf("conflicting post changed the entity: got owner %v, want team-orders", e.Spec["owner"])
			}
		})

		t.Run("delete", func(t *testing.T) {
			r := api.send(http.MethodDelete, "/api/v1/entities/resource/default/orders-db", "", "")
			if r.Status != http.StatusNoContent || r.Body != "" {
				t.Fatalf("DELETE: got %d %q, want 204 with no body", r.Status, r.Body)
			}
			wantAPIError(t, "GET deleted", api.get("/api/v1/entities/resource/default/orders-db"), http.StatusNotFound, "not_found", "-")
			wantAPIError(t, "DELETE again", api.send(http.MethodDelete, "/api/v1/entities/resource/default/orders-db", "", ""), http.StatusNotFound, "not_found", "-")
			// What pointed at it stays, now unresolved.
			e, _ := getEntity(t, api, orders)
			if !hasRelation(e.Relations, "dependsOn", "resource:default/orders-db", false) {
				t.Errorf("after deleting the resource: got relations %+v, want dependsOn resource:default/orders-db unresolved", e.Relations)
			}

			if r := api.send(http.MethodDelete, "/api/v1/entities/"+orders, "", ""); r.Status != http.StatusNoContent {
				t.Fatalf("DELETE component: got %d, want 204\n%s", r.Status, r.Body)
			}
			wantAPIError(t, "relations of deleted", api.get("/api/v1/entities/"+orders+"/relations"), http.StatusNotFound, "not_found", "-")
			// Recreating the resource: the deleted component's relations are gone.
			mustCreate(t, api, descriptor("Resource", "orders-db", map[string]any{"type": "database", "owner": "team-orders"}))
			res, _ := getEntity(t, api, "resource/default/orders-db")
			for _, rel := range res.Relations {
				if rel.TargetRef == "component:default/orders" {
					t.Errorf("recreated resource: got relation %+v to the deleted component, want none", rel)
				}
			}
		})

		t.Run("errors of the API itself", func(t *testing.T) {
			wantAPIError(t, "unknown route", api.get("/api/v1/nothing-here"), http.StatusNotFound, "not_found", "-")
			anon := s.client(t)
			wantAPIError(t, "anonymous list", anon.get("/api/v1/entities"), http.StatusUnauthorized, "unauthorized", "-")
			wantAPIError(t, "anonymous create", anon.json(http.MethodPost, "/api/v1/entities", componentDesc("anon", "team"), nil),
				http.StatusUnauthorized, "unauthorized", "-")
		})

		t.Run("cursor pagination", func(t *testing.T) {
			types := []string{"service", "website", "library"}
			lifecycles := []string{"production", "experimental", "deprecated"}
			for i := range 11 {
				d := componentDesc(fmt.Sprintf("c-%02d", (i*4)%11), fmt.Sprintf("team-%d", i%4))
				specOf(d)["type"] = types[i%3]
				specOf(d)["lifecycle"] = lifecycles[i%2]
				mustCreate(t, api, d)
			}
			for i := range 3 {
				mustCreate(t, api, descriptor("Resource", fmt.Sprintf("r-%d", i), map[string]any{"type": "database", "owner": fmt.Sprintf("team-%d", 3-i)}))
			}
			var all []string
			for _, e := range listPage(t, api, "limit=500").Items {
				all = append(all, e.Status.Ref)
			}
			if len(all) < 15 {
				t.Fatalf("got %d entities, want at least 15 to page through", len(all))
			}
			sort.Strings(all)

			for _, query := range []string{
				"limit=4", "sort=-name&limit=5", "sort=owner&limit=4", "sort=-owner&limit=3", "sort=type&limit=4",
				"sort=lifecycle&limit=6", "sort=kind&limit=4", "sort=-kind&limit=4", "sort=updated&limit=4", "sort=-updated&limit=2",
				"kind=component&limit=3", "owner=team-1&limit=2", "limit=1",
			} {
				t.Run(query, func(t *testing.T) {
					// One big page is the reference order.
					big := listPage(t, api, strings.Replace(query, "limit=", "x=", 1)+"&limit=500")
					var want []string
					for _, e := range big.Items {
						want = append(want, e.Status.Ref)
					}
					got, totals := walk(t, api, query, nil)
					if d := duplicates(got); len(d) > 0 {
						t.Errorf("got %v more than once", d)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("walked\n %v\nwant (one page of 500)\n %v", got, want)
					}
					for _, n := range totals {
						if n != len(want) {
							t.Errorf("got total %d on a page, want %d on every page", n, len(want))
						}
					}
				})
			}

			t.Run("no entity is lost or repeated", func(t *testing.T) {
				got, _ := walk(t, api, "limit=5", nil)
				sorted := append([]string(nil), got...)
				sort.Strings(sorted)
				if !reflect.DeepEqual(sorted, all) {
					t.Errorf("walked %d entities\n %v\nwant all %d\n %v", len(got), got, len(all), all)
				}
				if !sort.StringsAreSorted(namesOf(got)) {
					t.Errorf("walk by name: got %v, want sorted by name", got)
				}
			})

			t.Run("stable while entities are added", func(t *testing.T) {
				got, _ := walk(t, api, "limit=5", func() {
					mustCreate(t, api, componentDesc("a-late", "team-0"))
					mustCreate(t, api, componentDesc("zz-late", "team-0"))
				})
				if d := duplicates(got); len(d) > 0 {
					t.Errorf("got %v more than once", d)
				}
				seen := map[string]bool{}
				for _, r := range got {
					seen[r] = true
				}
				for _, r := range all {
					if !seen[r] {
						t.Errorf("walk lost %s", r)
					}
				}
				if seen["component:default/a-late"] || !seen["component:default/zz-late"] {
					t.Errorf("got a-late %v zz-late %v, want only zz-late (a-late sorts before the cursor)", seen["component:default/a-late"], seen["component:default/zz-late"])
				}
			})

			t.Run("cursor of another sort", func(t *testing.T) {
				p := listPage(t, api, "sort=name&limit=2")
				if p.NextCursor == "" {
					t.Fatal("got no next cursor, want one")
				}
				wantAPIError(t, "name cursor with sort=updated", api.get("/api/v1/entities?sort=updated&limit=2&cursor="+url.QueryEscape(p.NextCursor)),
					http.StatusUnprocessableEntity, "invalid", "cursor")
			})
		})

		t.Run("requests are counted by route", func(t *testing.T) {
			r := s.client(t).get("/metrics")
			for _, re := range []string{
				`chief_http_requests_total\{code="201",method="POST",route="POST /api/v1/entities"\} \d+`,
				`chief_http_requests_total\{code="422",method="POST",route="POST /api/v1/entities"\} \d+`,
				`chief_http_requests_total\{code="204",method="DELETE",route="DELETE /api/v1/entities/\{kind\}/\{namespace\}/\{name\}"\} \d+`,
			} {
				if !regexp.MustCompile(re).MatchString(r.Body) {
					t.Errorf("GET /metrics: got no line matching %s, want API requests counted by route pattern", re)
				}
			}
		})

		t.Run("openapi document", func(t *testing.T) {
			testOpenAPIDocument(t, s)
		})
	})
}

func namesOf(refs []string) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r[strings.LastIndexByte(r, '/')+1:]
	}
	return out
}

func testOpenAPIDocument(t *testing.T, s *server) {
	t.Helper()
	anon := s.client(t)
	r := anon.get("/api/v1/openapi.json")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: got status %d, want 200", r.Status)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type: got %q, want application/json", ct)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi: got %q, want 3.x", doc.OpenAPI)
	}
	for path, methods := range map[string][]string{
		"/api/v1/entities":                                     {"get", "post"},
		"/api/v1/entities/{kind}/{namespace}/{name}":           {"get", "put", "delete"},
		"/api/v1/entities/{kind}/{namespace}/{name}/relations": {"get"},
		"/api/v1/tokens":                                       {"get", "post"},
		"/api/v1/audit":                                        {"get"},
	} {
		for _, m := range methods {
			if _, ok := doc.Paths[path][m]; !ok {
				t.Errorf("openapi.json: got no %s %s, want it described", strings.ToUpper(m), path)
			}
		}
	}
}
