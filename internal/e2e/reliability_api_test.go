package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/notify"
)

// ---- Helpers of the reliability API tests. ----

// obj is a JSON object as decoded into any.
type obj = map[string]any

// decodeAs decodes a response body into out, failing the test otherwise.
func decodeAs(t testing.TB, what string, r response, out any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), out); err != nil {
		t.Fatalf("%s: decode %.300q: %v", what, r.Body, err)
	}
}

// mustJSON sends a JSON request, fails the test unless the status is
// want, and decodes the answer into out when out is not nil.
func mustJSON(t testing.TB, c *client, method, path string, body any, want int, out any) response {
	t.Helper()
	r := c.json(method, path, body, nil)
	if r.Status != want {
		t.Fatalf("%s %s: got status %d, want %d\n%.600s", method, path, r.Status, want, r.Body)
	}
	if out != nil {
		decodeAs(t, method+" "+path, r, out)
	}
	return r
}

// wantKeys checks that a JSON object has exactly the keys given.
func wantKeys(t testing.TB, what string, o obj, keys ...string) {
	t.Helper()
	got := make([]string, 0, len(o))
	for k := range o {
		got = append(got, k)
	}
	sort.Strings(got)
	want := append([]string(nil), keys...)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got keys %v, want %v", what, got, want)
	}
}

// wantTime checks that v is an RFC 3339 time in UTC and returns it.
func wantTime(t testing.TB, what string, v any) time.Time {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Errorf("%s: got %v, want an RFC 3339 time", what, v)
		return time.Time{}
	}
	at, err := time.Parse(time.RFC3339, s)
	if err != nil || !strings.HasSuffix(s, "Z") {
		t.Errorf("%s: got %q, want an RFC 3339 time in UTC", what, s)
	}
	return at
}

// monitorNames lists the names in a GET /api/v1/monitors answer.
func monitorNames(t testing.TB, c *client, query string) []string {
	t.Helper()
	var list []obj
	mustJSON(t, c, http.MethodGet, "/api/v1/monitors"+query, nil, http.StatusOK, &list)
	names := []string{}
	for _, m := range list {
		names = append(names, m["name"].(string))
	}
	return names
}

// hookReceiver records the requests a webhook channel posts.
type hookReceiver struct {
	mu   sync.Mutex
	got  []hookRequest
	seen chan struct{}
}

type hookRequest struct {
	path, signature string
	body            []byte
}

func newHookReceiver(t testing.TB) (*hookReceiver, *httptest.Server) {
	h := &hookReceiver{seen: make(chan struct{}, 16)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, hookRequest{path: r.URL.Path, signature: r.Header.Get("X-Chief-Signature-256"), body: body})
		h.mu.Unlock()
		select {
		case h.seen <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(srv.Close)
	return h, srv
}

// ---- Tests. ----

func TestReliabilityAPI(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		admin, api := s.adminToken(t)
		s.addUser(t, "viewer@example.com", "viewer")
		s.addUser(t, "editor@example.com", "editor")
		_, viewerSecret := createToken(t, admin, "viewer@example.com", "write")
		_, editorSecret := createToken(t, admin, "editor@example.com", "write")
		_, readSecret := createToken(t, admin, "admin@example.com", "read")
		viewer, editor, readOnly := s.bearerClient(t, viewerSecret), s.bearerClient(t, editorSecret), s.bearerClient(t, readSecret)
		anon := s.client(t)

		target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }))
		t.Cleanup(target.Close)

		mustCreate(t, api, componentDesc("checkout", "team-payments"))
		mustCreate(t, api, componentDesc("search", "team-search"))

		t.Run("monitors", func(t *testing.T) { testMonitorAPI(t, s, api, editor, target.URL) })
		t.Run("monitor access", func(t *testing.T) { testMonitorAccess(t, s, api, viewer, readOnly, anon) })
		t.Run("monitors import", func(t *testing.T) { testMonitorImport(t, api, target.Listener.Addr().String()) })
		t.Run("incidents", func(t *testing.T) { testIncidentAPI(t, api, viewer) })
		t.Run("slos", func(t *testing.T) { testSLOAPI(t, api, viewer) })
		t.Run("maintenance", func(t *testing.T) { testMaintenanceAPI(t, api, viewer) })
		t.Run("channels", func(t *testing.T) { testChannelAPI(t, api, editor) })
		t.Run("status page", func(t *testing.T) { testStatusPageAPI(t, api, editor, anon) })
	})
}

func testMonitorAPI(t *testing.T, s *server, api, editor *client, targetURL string) {
	in := obj{"name": "checkout-http", "entity": "checkout", "type": "http", "target": targetURL + "/healthz",
		"interval": "30s", "conditions": []string{"[STATUS] == 200"}, "headers": obj{"X-Api-Key": "k3y-for-the-target"}}
	var created obj
	r := mustJSON(t, api, http.MethodPost, "/api/v1/monitors", in, http.StatusCreated, &created)
	if r.Location != "/api/v1/monitors/checkout-http" {
		t.Errorf("Location: got %q, want /api/v1/monitors/checkout-http", r.Location)
	}
	wantKeys(t, "created monitor", created, "name", "entity", "type", "target", "interval", "state", "state_since",
		"last_check_at", "windows", "spec", "origin", "created_at", "updated_at")
	if created["entity"] != "component:default/checkout" || created["interval"] != "30s" || created["origin"] != "" {
		t.Errorf("created: got entity %v interval %v origin %q, want component:default/checkout, 30s, \"\"",
			created["entity"], created["interval"], created["origin"])
	}
	spec := created["spec"].(obj)
	if spec["severity"] != "major" || spec["failure_threshold"] != 1.0 || spec["timeout"] != "10s" {
		t.Errorf("spec: got severity %v failure_threshold %v timeout %v, want the defaults major, 1, 10s",
			spec["severity"], spec["failure_threshold"], spec["timeout"])
	}
	wantTime(t, "created_at", created["created_at"])

	t.Run("listed with the documented keys", func(t *testing.T) {
		var list []obj
		mustJSON(t, api, http.MethodGet, "/api/v1/monitors", nil, http.StatusOK, &list)
		if len(list) != 1 {
			t.Fatalf("GET /api/v1/monitors: got %d monitors, want 1\n%v", len(list), list)
		}
		m := list[0]
		wantKeys(t, "listed monitor", m, "name", "entity", "type", "target", "interval", "state", "state_since", "last_check_at", "windows")
		if m["name"] != "checkout-http" || m["type"] != "http" || m["target"] != targetURL+"/healthz" {
			t.Errorf("listed: got %v %v %v, want checkout-http, http, %s/healthz", m["name"], m["type"], m["target"], targetURL)
		}
		// The first check may or may not have run: the scheduler spreads
		// first checks over the interval.
		switch m["state"] {
		case "unknown":
			if m["last_check_at"] != nil {
				wantTime(t, "last_check_at", m["last_check_at"])
			}
		case "up":
			wantTime(t, "last_check_at", m["last_check_at"])
		default:
			t.Errorf("state: got %v, want unknown or up", m["state"])
		}
		wantTime(t, "state_since", m["state_since"])
		windows := m["windows"].(obj)
		wantKeys(t, "windows", windows, "1h", "24h", "7d", "30d")
		for name, w := range windows {
			w := w.(obj)
			wantKeys(t, "window "+name, w, "good", "bad", "maintenance", "uptime")
			if good, bad := w["good"].(float64), w["bad"].(float64); good+bad == 0 && w["uptime"] != nil {
				t.Errorf("window %s: got uptime %v without checks, want null", name, w["uptime"])
			}
		}
	})

	t.Run("filters", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"?entity=checkout", []string{"checkout-http"}},
			{"?entity=component:default/CHECKOUT", []string{"checkout-http"}},
			{"?entity=search", []string{}},
			{"?state=paused", []string{}},
			{"?state=down&entity=checkout", []string{}},
		} {
			if got := monitorNames(t, api, tc.query); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("GET /api/v1/monitors%s: got %v, want %v", tc.query, got, tc.want)
			}
		}
		wantAPIError(t, "?state=sideways", api.get("/api/v1/monitors?state=sideways"), http.StatusUnprocessableEntity, "invalid", "state")
		wantAPIError(t, "?entity=a:b:c", api.get("/api/v1/monitors?entity=a:b:c"), http.StatusUnprocessableEntity, "invalid", "entity")
	})

	t.Run("bad input names the field and changes nothing", func(t *testing.T) {
		good := func(change obj) obj {
			m := obj{"name": "new-monitor", "entity": "checkout", "type": "http", "target": targetURL, "interval": "1m"}
			for k, v := range change {
				m[k] = v
			}
			return m
		}
		for _, tc := range []struct {
			name   string
			body   any
			status int
			field  string
			msg    string
		}{
			{"unknown type", good(obj{"type": "gopher"}), 422, "type", "gopher"},
			{"interval 5s", good(obj{"interval": "5s"}), 422, "interval", "10s"},
			{"condition that does not parse", good(obj{"conditions": []string{"[STATUS] == 200", "[STATUS] =="}}), 422, "conditions[1]", "column"},
			{"unknown entity", good(obj{"entity": "ghost"}), 422, "entity", "not in the catalog"},
			{"taken name", good(obj{"name": "checkout-http"}), 409, "name", "exists already"},
			{"bad name", good(obj{"name": "Checkout HTTP"}), 422, "name", "monitor name"},
			{"target a tcp monitor cannot use", good(obj{"type": "tcp", "target": "127.0.0.1:1", "method": "POST"}), 422, "method", "method"},
			{"unknown field", good(obj{"colour": "red"}), 422, "-", "colour"},
			{"not JSON", `{"name": nope}`, 422, "-", "not valid JSON"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code := "invalid"
				if tc.status == http.StatusConflict {
					code = "conflict"
				}
				e := wantAPIError(t, tc.name, api.json(http.MethodPost, "/api/v1/monitors", tc.body, nil), tc.status, code, tc.field)
				if !strings.Contains(e.Error.Message, tc.msg) {
					t.Errorf("message: got %q, want it to mention %q", e.Error.Message, tc.msg)
				}
			})
		}
		if got := monitorNames(t, api, ""); !reflect.DeepEqual(got, []string{"checkout-http"}) {
			t.Errorf("monitors after refused input: got %v, want only checkout-http", got)
		}
	})

	t.Run("heartbeat URL", func(t *testing.T) {
		var hb obj
		mustJSON(t, editor, http.MethodPost, "/api/v1/monitors",
			obj{"name": "nightly-backup", "entity": "checkout", "type": "heartbeat", "interval": "24h"}, http.StatusCreated, &hb)
		u, _ := hb["heartbeat_url"].(string)
		if !strings.HasPrefix(u, s.URL+"/heartbeat/") || len(u) <= len(s.URL+"/heartbeat/") {
			t.Errorf("heartbeat_url: got %q, want %s/heartbeat/TOKEN", u, s.URL)
		}
		if hb["target"] != "" || hb["type"] != "heartbeat" {
			t.Errorf("heartbeat monitor: got target %v type %v, want \"\" and heartbeat", hb["target"], hb["type"])
		}
	})

	t.Run("get, replace, pause, resume", func(t *testing.T) {
		var m obj
		mustJSON(t, api, http.MethodGet, "/api/v1/monitors/checkout-http", nil, http.StatusOK, &m)
		spec := m["spec"].(obj)
		spec["interval"] = "5s"
		wantAPIError(t, "PUT interval 5s", api.json(http.MethodPut, "/api/v1/monitors/checkout-http", spec, nil),
			http.StatusUnprocessableEntity, "invalid", "interval")
		spec["interval"] = "1m"
		delete(spec, "name") // the path names it
		var put obj
		mustJSON(t, api, http.MethodPut, "/api/v1/monitors/checkout-http", spec, http.StatusOK, &put)
		if put["interval"] != "1m0s" || put["name"] != "checkout-http" {
			t.Errorf("PUT: got interval %v name %v, want 1m0s, checkout-http", put["interval"], put["name"])
		}
		var paused obj
		mustJSON(t, api, http.MethodPost, "/api/v1/monitors/checkout-http/pause", nil, http.StatusOK, &paused)
		if paused["state"] != "paused" || paused["spec"].(obj)["paused"] != true {
			t.Errorf("pause: got state %v spec.paused %v, want paused, true", paused["state"], paused["spec"].(obj)["paused"])
		}
		if got := monitorNames(t, api, "?state=paused"); !reflect.DeepEqual(got, []string{"checkout-http"}) {
			t.Errorf("?state=paused: got %v, want [checkout-http]", got)
		}
		var resumed obj
		mustJSON(t, api, http.MethodPost, "/api/v1/monitors/checkout-http/resume", nil, http.StatusOK, &resumed)
		if resumed["state"] == "paused" {
			t.Errorf("resume: got state paused, want it checked again")
		}
		wantAPIError(t, "GET unknown monitor", api.get("/api/v1/monitors/nope"), http.StatusNotFound, "not_found", "")
		wantAPIError(t, "pause unknown monitor", api.json(http.MethodPost, "/api/v1/monitors/nope/pause", nil, nil), http.StatusNotFound, "not_found", "")
	})

	t.Run("results and events", func(t *testing.T) {
		for _, path := range []string{"/api/v1/monitors/checkout-http/results?limit=5", "/api/v1/monitors/checkout-http/events"} {
			var list []obj
			mustJSON(t, api, http.MethodGet, path, nil, http.StatusOK, &list)
			if list == nil {
				t.Errorf("%s: got null, want an array", path)
			}
			if strings.Contains(path, "results") && len(list) > 5 {
				t.Errorf("%s: got %d results, want at most 5", path, len(list))
			}
			for _, res := range list {
				wantTime(t, path+" at", res["at"])
			}
		}
		wantAPIError(t, "results?limit=0", api.get("/api/v1/monitors/checkout-http/results?limit=0"), http.StatusUnprocessableEntity, "invalid", "limit")
		wantAPIError(t, "results of unknown monitor", api.get("/api/v1/monitors/nope/results"), http.StatusNotFound, "not_found", "")
	})

	t.Run("delete", func(t *testing.T) {
		r := api.json(http.MethodDelete, "/api/v1/monitors/nightly-backup", nil, nil)
		if r.Status != http.StatusNoContent {
			t.Fatalf("DELETE: got status %d, want 204\n%s", r.Status, r.Body)
		}
		wantAPIError(t, "GET deleted", api.get("/api/v1/monitors/nightly-backup"), http.StatusNotFound, "not_found", "")
		wantAPIError(t, "DELETE again", api.json(http.MethodDelete, "/api/v1/monitors/nightly-backup", nil, nil), http.StatusNotFound, "not_found", "")
	})
}

func testMonitorAccess(t *testing.T, s *server, api, viewer, readOnly, anon *client) {
	mustJSON(t, api, http.MethodPost, "/api/v1/monitors",
		obj{"name": "search-beat", "entity": "search", "type": "heartbeat", "interval": "1h"}, http.StatusCreated, nil)
	var list []obj
	mustJSON(t, viewer, http.MethodGet, "/api/v1/monitors?entity=search", nil, http.StatusOK, &list)
	if len(list) != 1 {
		t.Fatalf("viewer list: got %d monitors, want 1", len(list))
	}
	if _, shown := list[0]["heartbeat_url"]; shown {
		t.Errorf("viewer list: got heartbeat_url %v, want it hidden from viewers", list[0]["heartbeat_url"])
	}
	r := viewer.get("/api/v1/monitors/checkout-http")
	var m obj
	decodeAs(t, "viewer GET monitor", r, &m)
	if strings.Contains(r.Body, "k3y-for-the-target") || m["spec"].(obj)["headers"].(obj)["X-Api-Key"] != "••••" {
		t.Errorf("viewer GET monitor: got headers %v, want their values redacted", m["spec"].(obj)["headers"])
	}
	mustJSON(t, api, http.MethodGet, "/api/v1/monitors/checkout-http", nil, http.StatusOK, &m)
	if m["spec"].(obj)["headers"].(obj)["X-Api-Key"] != "k3y-for-the-target" {
		t.Errorf("admin GET monitor: got headers %v, want them as saved", m["spec"].(obj)["headers"])
	}

	before := monitorNames(t, api, "")
	for _, tc := range []struct {
		who    string
		c      *client
		status int
		code   string
	}{
		{"viewer", viewer, http.StatusForbidden, "forbidden"},
		{"read-scoped token", readOnly, http.StatusForbidden, "forbidden"},
		{"anonymous", anon, http.StatusUnauthorized, "unauthorized"},
	} {
		for _, req := range []struct{ method, path string }{
			{http.MethodPost, "/api/v1/monitors"},
			{http.MethodPut, "/api/v1/monitors/search-beat"},
			{http.MethodDelete, "/api/v1/monitors/search-beat"},
			{http.MethodPost, "/api/v1/monitors/search-beat/pause"},
			{http.MethodPost, "/api/v1/monitors/import"},
			{http.MethodPost, "/api/v1/incidents"},
			{http.MethodPost, "/api/v1/slos"},
			{http.MethodPost, "/api/v1/maintenance"},
		} {
			body := obj{"name": "sneaky", "entity": "search", "type": "heartbeat"}
			what := tc.who + " " + req.method + " " + req.path
			wantAPIError(t, what, tc.c.json(req.method, req.path, body, nil), tc.status, tc.code, "")
		}
	}
	wantAPIError(t, "anonymous GET monitors", anon.get("/api/v1/monitors"), http.StatusUnauthorized, "unauthorized", "")
	if got := monitorNames(t, api, ""); !reflect.DeepEqual(got, before) {
		t.Errorf("monitors after refused writes: got %v, want %v", got, before)
	}
	mustJSON(t, api, http.MethodDelete, "/api/v1/monitors/search-beat", nil, http.StatusNoContent, nil)
}

func testMonitorImport(t *testing.T, api *client, targetAddr string) {
	file := func(names ...string) string {
		var b strings.Builder
		b.WriteString("monitors:\n")
		for _, n := range names {
			fmt.Fprintf(&b, "  - name: %s\n    entity: search\n    type: tcp\n    target: %s\n    interval: 1m\n", n, targetAddr)
		}
		return b.String()
	}
	importFile := func(body, origin string) (response, obj) {
		t.Helper()
		r := api.send(http.MethodPost, "/api/v1/monitors/import?origin="+url.QueryEscape(origin), "application/yaml", body)
		var out obj
		if r.Status == http.StatusOK {
			decodeAs(t, "import", r, &out)
		}
		return r, out
	}
	const origin = "ops/monitors.yaml"
	wantResult := func(what string, r response, got obj, want map[string][]string) {
		t.Helper()
		if r.Status != http.StatusOK {
			t.Fatalf("%s: got status %d, want 200\n%s", what, r.Status, r.Body)
		}
		for _, k := range []string{"created", "updated", "unchanged", "deleted"} {
			var names []string
			for _, n := range got[k].([]any) {
				names = append(names, n.(string))
			}
			if !reflect.DeepEqual(names, want[k]) {
				t.Errorf("%s: got %s %v, want %v", what, k, names, want[k])
			}
		}
	}
	r, res := importFile(file("search-tcp", "search-tcp-2"), origin)
	wantResult("first import", r, res, map[string][]string{"created": {"search-tcp", "search-tcp-2"}})
	r, res = importFile(file("search-tcp", "search-tcp-2"), origin)
	wantResult("same file again", r, res, map[string][]string{"unchanged": {"search-tcp", "search-tcp-2"}})

	var m obj
	mustJSON(t, api, http.MethodGet, "/api/v1/monitors/search-tcp", nil, http.StatusOK, &m)
	if m["origin"] != origin {
		t.Errorf("imported monitor: got origin %v, want %s", m["origin"], origin)
	}

	before := monitorNames(t, api, "")
	bad := file("search-tcp") + "  - name: search-slow\n    entity: search\n    type: tcp\n    target: " + targetAddr + "\n    interval: 5s\n"
	r, _ = importFile(bad, origin)
	e := wantAPIError(t, "import with a bad interval", r, http.StatusUnprocessableEntity, "invalid", "interval")
	if !strings.Contains(e.Error.Message, "monitors.yaml:7") {
		t.Errorf("import error: got %q, want the file and line monitors.yaml:7", e.Error.Message)
	}
	r, _ = importFile(file("checkout-http"), origin)
	wantAPIError(t, "import of a monitor made in Chief", r, http.StatusUnprocessableEntity, "invalid", "name")
	r, _ = importFile("monitors: [", origin)
	wantAPIError(t, "import of broken YAML", r, http.StatusUnprocessableEntity, "invalid", "-")
	r, _ = importFile(file("y"), "../etc passwd")
	wantAPIError(t, "import with a bad origin", r, http.StatusUnprocessableEntity, "invalid", "origin")
	if got := monitorNames(t, api, ""); !reflect.DeepEqual(got, before) {
		t.Errorf("monitors after refused imports: got %v, want %v", got, before)
	}

	r, res = importFile(file("search-tcp"), origin)
	wantResult("file without search-tcp-2", r, res, map[string][]string{"unchanged": {"search-tcp"}, "deleted": {"search-tcp-2"}})

	// Without ?origin= the origin is api, which leaves other origins alone.
	r, res = importFile(file("api-made"), "")
	wantResult("import without an origin", r, res, map[string][]string{"created": {"api-made"}})
	mustJSON(t, api, http.MethodGet, "/api/v1/monitors/api-made", nil, http.StatusOK, &m)
	if m["origin"] != "api" {
		t.Errorf("origin: got %v, want the default api", m["origin"])
	}
	mustJSON(t, api, http.MethodDelete, "/api/v1/monitors/api-made", nil, http.StatusNoContent, nil)
}

func testIncidentAPI(t *testing.T, api, viewer *client) {
	countIncidents := func() int {
		var list []obj
		mustJSON(t, api, http.MethodGet, "/api/v1/incidents", nil, http.StatusOK, &list)
		return len(list)
	}
	for _, tc := range []struct {
		name  string
		body  obj
		field string
	}{
		{"no title", obj{"title": " ", "entity": "checkout"}, "title"},
		{"unknown severity", obj{"title": "x", "entity": "checkout", "severity": "apocalyptic"}, "severity"},
		{"unknown entity", obj{"title": "x", "entity": "ghost"}, "entity"},
		{"unknown affected entity", obj{"title": "x", "entity": "checkout", "affected_entities": []string{"ghost"}}, "affected_entities[0]"},
	} {
		wantAPIError(t, tc.name, api.json(http.MethodPost, "/api/v1/incidents", tc.body, nil), http.StatusUnprocessableEntity, "invalid", tc.field)
	}
	if n := countIncidents(); n != 0 {
		t.Fatalf("incidents after refused input: got %d, want 0", n)
	}

	var inc obj
	r := mustJSON(t, api, http.MethodPost, "/api/v1/incidents", obj{"title": "Checkout errors", "severity": "critical", "entity": "checkout",
		"affected_entities": []string{"search"}, "message": "Investigating elevated errors.", "public": true}, http.StatusCreated, &inc)
	id := int64(inc["id"].(float64))
	if r.Location != fmt.Sprintf("/api/v1/incidents/%d", id) {
		t.Errorf("Location: got %q, want /api/v1/incidents/%d", r.Location, id)
	}
	wantKeys(t, "incident", inc, "id", "title", "severity", "status", "entity", "affected_entities", "auto", "managed", "opened_at",
		"acknowledged_at", "resolved_at", "deployment", "postmortem", "created_by", "updates", "time_to_acknowledge_seconds", "time_to_resolve_seconds")
	if inc["status"] != "investigating" || inc["entity"] != "component:default/checkout" || inc["auto"] != false || inc["managed"] != true {
		t.Errorf("opened: got status %v entity %v auto %v managed %v, want investigating, component:default/checkout, false, true",
			inc["status"], inc["entity"], inc["auto"], inc["managed"])
	}
	if got, want := inc["affected_entities"], []any{"component:default/checkout", "component:default/search"}; !reflect.DeepEqual(got, want) {
		t.Errorf("affected_entities: got %v, want %v", got, want)
	}
	wantTime(t, "opened_at", inc["opened_at"])
	wantTime(t, "acknowledged_at", inc["acknowledged_at"])
	if inc["resolved_at"] != nil || inc["time_to_resolve_seconds"] != nil || inc["time_to_acknowledge_seconds"] != 0.0 {
		t.Errorf("opened: got resolved_at %v time_to_resolve %v time_to_acknowledge %v, want null, null, 0",
			inc["resolved_at"], inc["time_to_resolve_seconds"], inc["time_to_acknowledge_seconds"])
	}
	if ups := inc["updates"].([]any); len(ups) != 1 || ups[0].(obj)["body"] != "Investigating elevated errors." {
		t.Errorf("updates: got %v, want the opening message", ups)
	}
	if !strings.Contains(inc["created_by"].(string), "admin@example.com") {
		t.Errorf("created_by: got %v, want the admin", inc["created_by"])
	}
	path := fmt.Sprintf("/api/v1/incidents/%d", id)

	t.Run("filters", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			want  int
		}{
			{"", 1}, {"?status=open", 1}, {"?status=resolved", 0}, {"?entity=search", 1}, {"?entity=checkout&status=open", 1},
			{"?since=1h", 1}, {"?since=2999-01-01", 0},
		} {
			var list []obj
			mustJSON(t, viewer, http.MethodGet, "/api/v1/incidents"+tc.query, nil, http.StatusOK, &list)
			if len(list) != tc.want {
				t.Errorf("GET /api/v1/incidents%s: got %d incidents, want %d", tc.query, len(list), tc.want)
			}
			for _, l := range list {
				if _, has := l["updates"]; has {
					t.Errorf("GET /api/v1/incidents%s: got updates in the listing, want them only on the incident", tc.query)
				}
			}
		}
		wantAPIError(t, "?status=closed", api.get("/api/v1/incidents?status=closed"), http.StatusUnprocessableEntity, "invalid", "status")
		wantAPIError(t, "?since=soon", api.get("/api/v1/incidents?since=soon"), http.StatusUnprocessableEntity, "invalid", "since")
	})

	t.Run("update, acknowledge, details, resolve", func(t *testing.T) {
		var up obj
		mustJSON(t, api, http.MethodPost, path+"/updates", obj{"status": "identified", "body": "A bad deploy.", "public": true}, http.StatusCreated, &up)
		if up["status"] != "identified" || len(up["updates"].([]any)) != 2 {
			t.Errorf("update: got status %v with %d updates, want identified with 2", up["status"], len(up["updates"].([]any)))
		}
		wantAPIError(t, "update without body", api.json(http.MethodPost, path+"/updates", obj{"status": "monitoring"}, nil),
			http.StatusUnprocessableEntity, "invalid", "body")
		wantAPIError(t, "update to an unknown status", api.json(http.MethodPost, path+"/updates", obj{"status": "panicking", "body": "x"}, nil),
			http.StatusUnprocessableEntity, "invalid", "status")

		var ack obj
		mustJSON(t, api, http.MethodPost, path+"/acknowledge", nil, http.StatusOK, &ack)
		if ack["acknowledged_at"] != inc["acknowledged_at"] {
			t.Errorf("acknowledge again: got acknowledged_at %v, want it unchanged at %v", ack["acknowledged_at"], inc["acknowledged_at"])
		}

		details := obj{"title": "Checkout errors after a deploy", "affected_entities": []string{"search"}, "deployment": "checkout@v42",
			"postmortem": obj{"summary": "A config change broke payments.", "action_items": []obj{{"title": "Add a canary", "owner": "team-payments", "due": "31/12/2026"}}}}
		wantAPIError(t, "details with a bad due date", api.json(http.MethodPut, path+"/details", details, nil),
			http.StatusUnprocessableEntity, "invalid", "action_items[0].due")
		var unchanged obj
		mustJSON(t, api, http.MethodGet, path, nil, http.StatusOK, &unchanged)
		if unchanged["title"] != "Checkout errors" || len(unchanged["postmortem"].(obj)["action_items"].([]any)) != 0 {
			t.Errorf("after refused details: got title %v postmortem %v, want them unchanged", unchanged["title"], unchanged["postmortem"])
		}
		details["postmortem"].(obj)["action_items"].([]obj)[0]["due"] = "2026-12-31"
		var got obj
		mustJSON(t, api, http.MethodPut, path+"/details", details, http.StatusOK, &got)
		pm := got["postmortem"].(obj)
		wantKeys(t, "postmortem", pm, "summary", "impact", "root_cause", "went_well", "action_items")
		items := pm["action_items"].([]any)
		if got["title"] != "Checkout errors after a deploy" || got["deployment"] != "checkout@v42" || len(items) != 1 || items[0].(obj)["due"] != "2026-12-31" {
			t.Errorf("details: got title %v deployment %v action items %v", got["title"], got["deployment"], items)
		}
		if want := []any{"component:default/checkout", "component:default/search"}; !reflect.DeepEqual(got["affected_entities"], want) {
			t.Errorf("details: got affected_entities %v, want the main entity kept: %v", got["affected_entities"], want)
		}

		var resolved obj
		mustJSON(t, api, http.MethodPost, path+"/updates", obj{"status": "resolved", "body": "Rolled back.", "public": true}, http.StatusCreated, &resolved)
		wantTime(t, "resolved_at", resolved["resolved_at"])
		if d, ok := resolved["time_to_resolve_seconds"].(float64); !ok || d < 0 {
			t.Errorf("time_to_resolve_seconds: got %v, want a number of seconds", resolved["time_to_resolve_seconds"])
		}
		var list []obj
		mustJSON(t, api, http.MethodGet, "/api/v1/incidents?status=resolved", nil, http.StatusOK, &list)
		if len(list) != 1 || list[0]["status"] != "resolved" {
			t.Errorf("?status=resolved: got %v, want the resolved incident", list)
		}
	})

	t.Run("unknown incidents", func(t *testing.T) {
		wantAPIError(t, "GET 999999", api.get("/api/v1/incidents/999999"), http.StatusNotFound, "not_found", "")
		wantAPIError(t, "GET abc", api.get("/api/v1/incidents/abc"), http.StatusNotFound, "not_found", "")
		wantAPIError(t, "acknowledge 999999", api.json(http.MethodPost, "/api/v1/incidents/999999/acknowledge", nil, nil), http.StatusNotFound, "not_found", "")
		wantAPIError(t, "viewer acknowledges", viewer.json(http.MethodPost, path+"/acknowledge", nil, nil), http.StatusForbidden, "forbidden", "")
	})

	t.Run("response by team", func(t *testing.T) {
		var teams []obj
		mustJSON(t, viewer, http.MethodGet, "/api/v1/incidents/response-by-team?since=90d", nil, http.StatusOK, &teams)
		if len(teams) != 1 {
			t.Fatalf("response by team: got %v, want one team", teams)
		}
		wantKeys(t, "team response", teams[0], "team", "incidents", "median_acknowledge_seconds", "median_resolve_seconds")
		if teams[0]["team"] != "group:default/team-payments" || teams[0]["incidents"] != 1.0 || teams[0]["median_acknowledge_seconds"] != 0.0 {
			t.Errorf("response by team: got %v, want team-payments with 1 incident acknowledged at once", teams[0])
		}
		wantAPIError(t, "?since=-5d", api.get("/api/v1/incidents/response-by-team?since=-5d"), http.StatusUnprocessableEntity, "invalid", "since")
	})
}

func testSLOAPI(t *testing.T, api, viewer *client) {
	in := obj{"name": "checkout-availability", "entity": "checkout", "kind": "availability", "objective": 0.999}
	var created obj
	r := mustJSON(t, api, http.MethodPost, "/api/v1/slos", in, http.StatusCreated, &created)
	if r.Location != "/api/v1/slos/checkout-availability" {
		t.Errorf("Location: got %q", r.Location)
	}
	if created["period"] != "30d" || created["objective"] != 0.999 || created["entity"] != "component:default/checkout" || created["alert"] != "" {
		t.Errorf("created SLO: got period %v objective %v entity %v alert %q", created["period"], created["objective"], created["entity"], created["alert"])
	}
	start, end := wantTime(t, "window_start", created["window_start"]), wantTime(t, "window_end", created["window_end"])
	if end.Sub(start) != 30*24*time.Hour {
		t.Errorf("window: got %s to %s, want 30 days", start, end)
	}
	if series := created["series"].([]any); len(series) != 30 {
		t.Errorf("series: got %d points, want 30", len(series))
	}
	if created["total"] == 0.0 && (created["budget_left"] != 1.0 || created["attainment"] != nil) {
		t.Errorf("SLO without checks: got budget_left %v attainment %v, want 1 and null", created["budget_left"], created["attainment"])
	}

	in["objective"] = 0.99
	in["monitor"] = "checkout-http"
	var replaced obj
	mustJSON(t, api, http.MethodPost, "/api/v1/slos", in, http.StatusOK, &replaced)
	if replaced["objective"] != 0.99 || replaced["monitor"] != "checkout-http" || replaced["id"] != created["id"] {
		t.Errorf("replaced SLO: got objective %v monitor %v id %v, want 0.99, checkout-http, %v", replaced["objective"], replaced["monitor"], replaced["id"], created["id"])
	}

	for _, tc := range []struct {
		name  string
		body  obj
		field string
	}{
		{"objective over 1", obj{"name": "x", "entity": "checkout", "kind": "availability", "objective": 1.5}, "objective"},
		{"latency without threshold", obj{"name": "x", "entity": "checkout", "kind": "latency", "objective": 0.9}, "threshold_ms"},
		{"monitor of another entity", obj{"name": "x", "entity": "checkout", "kind": "availability", "objective": 0.9, "monitor": "search-tcp"}, "monitor"},
		{"unknown period", obj{"name": "x", "entity": "checkout", "kind": "availability", "objective": 0.9, "period": "fortnight"}, "period"},
		{"unknown entity", obj{"name": "x", "entity": "ghost", "kind": "availability", "objective": 0.9}, "entity"},
	} {
		wantAPIError(t, tc.name, api.json(http.MethodPost, "/api/v1/slos", tc.body, nil), http.StatusUnprocessableEntity, "invalid", tc.field)
	}

	var list []obj
	mustJSON(t, viewer, http.MethodGet, "/api/v1/slos", nil, http.StatusOK, &list)
	if len(list) != 1 || list[0]["name"] != "checkout-availability" {
		t.Fatalf("SLO list: got %v, want checkout-availability only", list)
	}
	if _, has := list[0]["series"]; has {
		t.Errorf("SLO list: got a series, want it only on the single SLO")
	}
	mustJSON(t, viewer, http.MethodGet, "/api/v1/slos?entity=search", nil, http.StatusOK, &list)
	if len(list) != 0 {
		t.Errorf("SLOs of search: got %d, want 0", len(list))
	}
	var one obj
	mustJSON(t, viewer, http.MethodGet, "/api/v1/slos/checkout-availability", nil, http.StatusOK, &one)
	if len(one["series"].([]any)) != 30 {
		t.Errorf("GET SLO: got %d series points, want 30", len(one["series"].([]any)))
	}
	wantAPIError(t, "viewer deletes", viewer.json(http.MethodDelete, "/api/v1/slos/checkout-availability", nil, nil), http.StatusForbidden, "forbidden", "")
	mustJSON(t, api, http.MethodDelete, "/api/v1/slos/checkout-availability", nil, http.StatusNoContent, nil)
	wantAPIError(t, "GET deleted SLO", api.get("/api/v1/slos/checkout-availability"), http.StatusNotFound, "not_found", "")
	wantAPIError(t, "DELETE again", api.json(http.MethodDelete, "/api/v1/slos/checkout-availability", nil, nil), http.StatusNotFound, "not_found", "")
}

func testMaintenanceAPI(t *testing.T, api, viewer *client) {
	now := time.Now().UTC().Truncate(time.Second)
	later := now.Add(2 * time.Hour)
	var planned obj
	mustJSON(t, api, http.MethodPost, "/api/v1/maintenance", obj{"title": "Database upgrade", "entities": []string{"checkout"},
		"starts_at": later.Format(time.RFC3339), "duration_seconds": 3600}, http.StatusCreated, &planned)
	wantKeys(t, "maintenance window", planned, "id", "title", "entities", "starts_at", "duration_seconds", "recurrence", "until", "created_by", "active", "next_starts_at")
	if planned["active"] != false || planned["next_starts_at"] != later.Format(time.RFC3339) || planned["starts_at"] != later.Format(time.RFC3339) {
		t.Errorf("planned: got active %v starts_at %v next_starts_at %v, want false and %s", planned["active"], planned["starts_at"], planned["next_starts_at"], later.Format(time.RFC3339))
	}
	if !reflect.DeepEqual(planned["entities"], []any{"component:default/checkout"}) {
		t.Errorf("entities: got %v, want [component:default/checkout]", planned["entities"])
	}

	for _, tc := range []struct {
		name  string
		body  obj
		field string
	}{
		{"too short", obj{"title": "x", "starts_at": later.Format(time.RFC3339), "duration_seconds": 30}, "duration_seconds"},
		{"unknown entity", obj{"title": "x", "starts_at": later.Format(time.RFC3339), "duration_seconds": 600, "entities": []string{"checkout", "ghost"}}, "entities[1]"},
		{"no start", obj{"title": "x", "duration_seconds": 600}, "starts_at"},
		{"unknown recurrence", obj{"title": "x", "starts_at": later.Format(time.RFC3339), "duration_seconds": 600, "recurrence": "hourly"}, "recurrence"},
	} {
		wantAPIError(t, tc.name, api.json(http.MethodPost, "/api/v1/maintenance", tc.body, nil), http.StatusUnprocessableEntity, "invalid", tc.field)
	}

	// A window on now puts the search monitor in maintenance.
	var active obj
	mustJSON(t, api, http.MethodPost, "/api/v1/maintenance", obj{"title": "Reindex", "entities": []string{"search"},
		"starts_at": now.Add(-time.Minute).Format(time.RFC3339), "duration_seconds": 3600}, http.StatusCreated, &active)
	if active["active"] != true || active["next_starts_at"] != nil {
		t.Errorf("active window: got active %v next_starts_at %v, want true and null", active["active"], active["next_starts_at"])
	}
	var mons []obj
	mustJSON(t, viewer, http.MethodGet, "/api/v1/monitors?state=maintenance", nil, http.StatusOK, &mons)
	if len(mons) != 1 || mons[0]["name"] != "search-tcp" {
		t.Errorf("monitors in maintenance: got %v, want search-tcp", mons)
	}

	var list []obj
	mustJSON(t, viewer, http.MethodGet, "/api/v1/maintenance", nil, http.StatusOK, &list)
	if len(list) != 2 || list[0]["title"] != "Database upgrade" {
		t.Errorf("maintenance list: got %v, want both windows, latest start first", list)
	}
	for _, w := range []obj{planned, active} {
		p := fmt.Sprintf("/api/v1/maintenance/%d", int64(w["id"].(float64)))
		wantAPIError(t, "viewer deletes", viewer.json(http.MethodDelete, p, nil, nil), http.StatusForbidden, "forbidden", "")
		mustJSON(t, api, http.MethodDelete, p, nil, http.StatusNoContent, nil)
		wantAPIError(t, "DELETE again", api.json(http.MethodDelete, p, nil, nil), http.StatusNotFound, "not_found", "")
	}
	mustJSON(t, viewer, http.MethodGet, "/api/v1/maintenance", nil, http.StatusOK, &list)
	if len(list) != 0 {
		t.Errorf("maintenance after deleting both: got %v, want []", list)
	}
}

func testChannelAPI(t *testing.T, api, editor *client) {
	hook, hookSrv := newHookReceiver(t)
	const secret = "s3cret-value"
	var created obj
	r := mustJSON(t, api, http.MethodPost, "/api/v1/channels", obj{"name": "ops-hook", "type": "webhook",
		"settings": obj{"url": hookSrv.URL + "/chief?token=abc123", "secret": secret}, "send_recovery": true}, http.StatusCreated, &created)
	if strings.Contains(r.Body, secret) || strings.Contains(r.Body, "abc123") {
		t.Errorf("created channel shows a secret: %s", r.Body)
	}
	settings := created["settings"].(obj)
	if settings["secret"] != notify.Redaction || settings["url"] != hookSrv.URL+"/chief?"+notify.Redaction {
		t.Errorf("created settings: got %v, want the secret and query redacted", settings)
	}
	if created["min_severity"] != "minor" {
		t.Errorf("min_severity: got %v, want the default minor", created["min_severity"])
	}
	var slack obj
	r = mustJSON(t, api, http.MethodPost, "/api/v1/channels", obj{"name": "ops-slack", "type": "slack",
		"settings": obj{"url": "https://hooks.slack.com/services/T000/B000/XXXXSECRET"}}, http.StatusCreated, &slack)
	if strings.Contains(r.Body, "XXXXSECRET") || slack["settings"].(obj)["url"] != "https://hooks.slack.com/"+notify.Redaction {
		t.Errorf("slack channel: got %s, want the credential URL redacted", r.Body)
	}

	for _, tc := range []struct {
		name   string
		body   obj
		status int
		code   string
		field  string
	}{
		{"taken name", obj{"name": "ops-hook", "type": "webhook", "settings": obj{"url": hookSrv.URL}}, 409, "conflict", "name"},
		{"unknown type", obj{"name": "pager", "type": "pager", "settings": obj{}}, 422, "invalid", "type"},
		{"no URL", obj{"name": "pager", "type": "webhook", "settings": obj{}}, 422, "invalid", "settings.url"},
		{"placeholder without a secret", obj{"name": "pager", "type": "webhook", "settings": obj{"url": hookSrv.URL, "secret": notify.Redaction}}, 422, "invalid", "settings.secret"},
	} {
		wantAPIError(t, tc.name, api.json(http.MethodPost, "/api/v1/channels", tc.body, nil), tc.status, tc.code, tc.field)
	}
	wantAPIError(t, "editor lists channels", editor.get("/api/v1/channels"), http.StatusForbidden, "forbidden", "")
	wantAPIError(t, "editor creates a channel", editor.json(http.MethodPost, "/api/v1/channels", obj{"name": "x", "type": "webhook"}, nil), http.StatusForbidden, "forbidden", "")
	wantAPIError(t, "editor reads the outbox", editor.get("/api/v1/outbox"), http.StatusForbidden, "forbidden", "")

	var list []obj
	r = mustJSON(t, api, http.MethodGet, "/api/v1/channels", nil, http.StatusOK, &list)
	if len(list) != 2 || strings.Contains(r.Body, secret) || strings.Contains(r.Body, "XXXXSECRET") || strings.Contains(r.Body, "abc123") {
		t.Errorf("channel list: got %s, want two channels with secrets redacted", r.Body)
	}

	// The channel as read, sent back with a change, keeps its secrets.
	created["min_severity"] = "major"
	for _, k := range []string{"id", "created_at", "updated_at", "last_sent_at", "last_error_at", "last_error"} {
		delete(created, k)
	}
	var updated obj
	r = mustJSON(t, api, http.MethodPut, "/api/v1/channels/ops-hook", created, http.StatusOK, &updated)
	if updated["min_severity"] != "major" || strings.Contains(r.Body, secret) {
		t.Errorf("updated channel: got %s", r.Body)
	}
	wantAPIError(t, "PUT unknown channel", api.json(http.MethodPut, "/api/v1/channels/nope", created, nil), http.StatusNotFound, "not_found", "")

	var msg obj
	mustJSON(t, api, http.MethodPost, "/api/v1/channels/ops-hook/test", nil, http.StatusAccepted, &msg)
	if msg["kind"] != "test" || msg["event_key"] == "" {
		t.Errorf("test message: got %v, want kind test with an event key", msg)
	}
	select {
	case <-hook.seen:
	case <-time.After(15 * time.Second):
		t.Fatal("the test message did not arrive within 15 s")
	}
	hook.mu.Lock()
	got := hook.got[0]
	hook.mu.Unlock()
	if got.path != "/chief" || got.signature != notify.Sign(secret, got.body) {
		t.Errorf("delivered: got path %q signature %q, want /chief signed with the stored secret", got.path, got.signature)
	}
	var out struct {
		Items []obj `json:"items"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mustJSON(t, api, http.MethodGet, "/api/v1/outbox?channel=ops-hook&status=sent", nil, http.StatusOK, &out)
		if len(out.Items) == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(out.Items) != 1 || out.Items[0]["event_key"] != msg["event_key"] || out.Items[0]["kind"] != "test" {
		t.Errorf("outbox: got %v, want the test message, sent", out.Items)
	}
	wantAPIError(t, "outbox ?status=lost", api.get("/api/v1/outbox?status=lost"), http.StatusUnprocessableEntity, "invalid", "status")
	wantAPIError(t, "outbox ?before=x", api.get("/api/v1/outbox?before=x"), http.StatusUnprocessableEntity, "invalid", "before")
	wantAPIError(t, "test of unknown channel", api.json(http.MethodPost, "/api/v1/channels/nope/test", nil, nil), http.StatusNotFound, "not_found", "")

	mustJSON(t, api, http.MethodDelete, "/api/v1/channels/ops-slack", nil, http.StatusNoContent, nil)
	wantAPIError(t, "DELETE again", api.json(http.MethodDelete, "/api/v1/channels/ops-slack", nil, nil), http.StatusNotFound, "not_found", "")
	mustJSON(t, api, http.MethodGet, "/api/v1/channels", nil, http.StatusOK, &list)
	if len(list) != 1 || list[0]["name"] != "ops-hook" {
		t.Errorf("channels after delete: got %v, want ops-hook only", list)
	}
}

func testStatusPageAPI(t *testing.T, api, editor, anon *client) {
	entries := []obj{{"entity": "checkout", "display_name": " Checkout "}, {"entity": "component:default/search"}}
	var got []obj
	mustJSON(t, api, http.MethodPut, "/api/v1/status-page", entries, http.StatusOK, &got)
	want := []obj{{"entity": "component:default/checkout", "display_name": "Checkout"}, {"entity": "component:default/search", "display_name": "search"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PUT status page: got %v, want %v", got, want)
	}
	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"unknown entity", []obj{{"entity": "checkout"}, {"entity": "ghost"}}, "[1].entity"},
		{"listed twice", []obj{{"entity": "checkout"}, {"entity": "component:default/checkout"}}, "[1].entity"},
		{"long name", []obj{{"entity": "checkout", "display_name": strings.Repeat("x", 101)}}, "[0].display_name"},
	} {
		wantAPIError(t, tc.name, api.json(http.MethodPut, "/api/v1/status-page", tc.body, nil), http.StatusUnprocessableEntity, "invalid", tc.field)
	}
	mustJSON(t, api, http.MethodGet, "/api/v1/status-page", nil, http.StatusOK, &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("status page after refused changes: got %v, want %v", got, want)
	}
	wantAPIError(t, "editor reads the status page config", editor.get("/api/v1/status-page"), http.StatusForbidden, "forbidden", "")
	wantAPIError(t, "anonymous sets the status page", anon.json(http.MethodPut, "/api/v1/status-page", entries, nil), http.StatusUnauthorized, "unauthorized", "")

	r := anon.get("/api/v1/status")
	if r.Status != http.StatusOK {
		t.Fatalf("public GET /api/v1/status: got status %d, want 200\n%s", r.Status, r.Body)
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("Access-Control-Allow-Origin: got %q, want *", r.Header.Get("Access-Control-Allow-Origin"))
	}
	if strings.Contains(r.Body, "admin@example.com") {
		t.Errorf("public status shows who wrote updates: %.400s", r.Body)
	}
	var st obj
	decodeAs(t, "public status", r, &st)
	wantKeys(t, "public status", st, "state", "updated_at", "systems", "open_incidents", "maintenance", "past_incidents")
	wantTime(t, "updated_at", st["updated_at"])
	systems := st["systems"].([]any)
	if len(systems) != 2 {
		t.Fatalf("systems: got %v, want Checkout and search", systems)
	}
	for i, name := range []string{"Checkout", "search"} {
		sys := systems[i].(obj)
		if sys["name"] != name || len(sys["days"].([]any)) != 90 {
			t.Errorf("system %d: got name %v with %d days, want %s with 90", i, sys["name"], len(sys["days"].([]any)), name)
		}
	}
	if len(st["open_incidents"].([]any)) != 0 {
		t.Errorf("open_incidents: got %v, want none (the incident is resolved)", st["open_incidents"])
	}
	past := st["past_incidents"].([]any)
	if len(past) != 1 {
		t.Fatalf("past_incidents: got %v, want the resolved incident", past)
	}
	ups := past[0].(obj)["updates"].([]any)
	if len(ups) != 3 {
		t.Errorf("public updates: got %d, want the 3 public ones", len(ups))
	}
	for _, u := range ups {
		wantKeys(t, "public update", u.(obj), "at", "status", "body")
	}

	badToken := *anon
	badToken.bearer = "chief_" + strings.Repeat("0", 64)
	wantAPIError(t, "public status with a bad token", badToken.get("/api/v1/status"), http.StatusUnauthorized, "unauthorized", "")
}

// waitFor polls cond every 100 ms until it holds or the time is up.
func waitFor(t testing.TB, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReliabilityAPIChecks waits for real checks, which the scheduler runs
// within one interval (10 s here), and reads what they recorded: results
// with their failed conditions, uptime windows, state changes, the
// automatic incident of a monitor that went down, and the public status.
func TestReliabilityAPIChecks(t *testing.T) {
	skipShort(t)
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		_, api := s.adminToken(t)
		target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/fail" {
				http.Error(w, "broken", http.StatusInternalServerError)
				return
			}
			fmt.Fprintln(w, "ok")
		}))
		t.Cleanup(target.Close)
		mustCreate(t, api, componentDesc("billing", "team-billing"))
		for name, path := range map[string]string{"billing-ok": "/ok", "billing-broken": "/fail"} {
			mustJSON(t, api, http.MethodPost, "/api/v1/monitors", obj{"name": name, "entity": "billing", "type": "http",
				"target": target.URL + path, "interval": "10s", "conditions": []string{"[STATUS] == 200"}}, http.StatusCreated, nil)
		}
		mustJSON(t, api, http.MethodPut, "/api/v1/status-page", []obj{{"entity": "billing", "display_name": "Billing"}}, http.StatusOK, nil)

		states := func() map[string]obj {
			var list []obj
			mustJSON(t, api, http.MethodGet, "/api/v1/monitors", nil, http.StatusOK, &list)
			out := map[string]obj{}
			for _, m := range list {
				out[m["name"].(string)] = m
			}
			return out
		}
		waitFor(t, "both monitors settled", 25*time.Second, func() bool {
			st := states()
			return st["billing-ok"]["state"] == "up" && st["billing-broken"]["state"] == "down"
		})

		st := states()
		for name, want := range map[string]struct {
			good, bad bool
			uptime    float64
		}{"billing-ok": {true, false, 1}, "billing-broken": {false, true, 0}} {
			m := st[name]
			wantTime(t, name+" last_check_at", m["last_check_at"])
			w := m["windows"].(obj)["1h"].(obj)
			if (w["good"].(float64) > 0) != want.good || (w["bad"].(float64) > 0) != want.bad || w["uptime"] != want.uptime {
				t.Errorf("%s 1h window: got %v, want good>0 %v, bad>0 %v, uptime %v", name, w, want.good, want.bad, want.uptime)
			}
		}

		var results []obj
		mustJSON(t, api, http.MethodGet, "/api/v1/monitors/billing-broken/results", nil, http.StatusOK, &results)
		if len(results) == 0 {
			t.Fatal("results of billing-broken: got none, want its failed check")
		}
		wantKeys(t, "failed result", results[0], "at", "ok", "maintenance", "total_ms", "dns_ms", "connect_ms", "tls_ms", "first_byte_ms", "failed")
		failed := results[0]["failed"].([]any)
		if results[0]["ok"] != false || len(failed) != 1 || failed[0].(obj)["condition"] != "[STATUS] == 200" ||
			!strings.Contains(failed[0].(obj)["detail"].(string), "500") || results[0]["total_ms"].(float64) <= 0 {
			t.Errorf("failed result: got %v, want ok false with [STATUS] == 200 failed on 500 and a duration", results[0])
		}
		var good []obj
		mustJSON(t, api, http.MethodGet, "/api/v1/monitors/billing-ok/results?limit=1", nil, http.StatusOK, &good)
		if len(good) != 1 || good[0]["ok"] != true {
			t.Fatalf("results of billing-ok: got %v, want one good check", good)
		}
		wantKeys(t, "good result", good[0], "at", "ok", "maintenance", "total_ms", "dns_ms", "connect_ms", "tls_ms", "first_byte_ms")
		if good[0]["first_byte_ms"].(float64) <= 0 || good[0]["first_byte_ms"].(float64) > good[0]["total_ms"].(float64) {
			t.Errorf("good result: got first byte %v of total %v, want a phase within the total", good[0]["first_byte_ms"], good[0]["total_ms"])
		}

		var events []obj
		mustJSON(t, api, http.MethodGet, "/api/v1/monitors/billing-broken/events", nil, http.StatusOK, &events)
		if len(events) == 0 || events[0]["from"] != "unknown" || events[0]["to"] != "down" {
			t.Errorf("events of billing-broken: got %v, want unknown → down", events)
		}

		var incs []obj
		mustJSON(t, api, http.MethodGet, "/api/v1/incidents?status=open&entity=billing", nil, http.StatusOK, &incs)
		if len(incs) != 1 {
			t.Fatalf("open incidents of billing: got %v, want the automatic one", incs)
		}
		inc := incs[0]
		if inc["auto"] != true || inc["managed"] != false || inc["acknowledged_at"] != nil || inc["time_to_acknowledge_seconds"] != nil {
			t.Errorf("automatic incident: got auto %v managed %v acknowledged_at %v time_to_acknowledge %v, want true, false, null, null",
				inc["auto"], inc["managed"], inc["acknowledged_at"], inc["time_to_acknowledge_seconds"])
		}
		var acked obj
		mustJSON(t, api, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/acknowledge", int64(inc["id"].(float64))), nil, http.StatusOK, &acked)
		wantTime(t, "acknowledged_at", acked["acknowledged_at"])
		if d, ok := acked["time_to_acknowledge_seconds"].(float64); !ok || d < 0 || acked["managed"] != true {
			t.Errorf("acknowledged: got time_to_acknowledge_seconds %v managed %v, want seconds and true", acked["time_to_acknowledge_seconds"], acked["managed"])
		}

		var ps obj
		mustJSON(t, s.client(t), http.MethodGet, "/api/v1/status", nil, http.StatusOK, &ps)
		sys := ps["systems"].([]any)
		if ps["state"] != "degraded" || len(sys) != 1 || sys[0].(obj)["state"] != "degraded" {
			t.Errorf("public status: got state %v systems %v, want degraded (one of two monitors down)", ps["state"], sys)
		}
		open := ps["open_incidents"].([]any)
		if len(open) != 1 || len(open[0].(obj)["updates"].([]any)) != 1 {
			t.Errorf("public open incidents: got %v, want the automatic incident with its one public update", open)
		}
	})
}
