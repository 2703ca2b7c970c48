package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// me returns the role the client acts with, "" when it is not signed in.
func me(t testing.TB, c *client) (role string, status int) {
	t.Helper()
	var out struct {
		User struct {
			Email string `json:"email"`
			Role  string `json:"role"`
		} `json:"user"`
	}
	r := c.json(http.MethodGet, "/api/v1/me", nil, &out)
	return out.User.Role, r.Status
}

// wantStatus checks only the status of a response.
func wantStatus(t testing.TB, what string, r response, status int) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: got status %d, want %d\n%.300s", what, r.Status, status, r.Body)
	}
}

// TestAccessControl checks who may do what: roles, token scopes and
// revocation, and requests from other sites, on one server.
func TestAccessControl(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		admin, api := s.adminToken(t)
		t.Run("roles", func(t *testing.T) { testRoleAccess(t, s, admin, api) })
		t.Run("tokens", func(t *testing.T) { testTokenAccess(t, s, admin, api) })
		t.Run("cross-origin", func(t *testing.T) { testCrossOriginRequestsRefused(t, s, admin, api) })
	})
}

func testRoleAccess(t *testing.T, s *server, admin, api *client) {
	mustCreate(t, api, componentDesc("shared", "team-a"))
	viewer := s.addUser(t, "viewer@example.com", "viewer")
	editor := s.addUser(t, "editor@example.com", "editor")
	const shared = "/catalog/component/default/shared"
	before := total(t, admin, "")

	t.Run("viewer reads pages and API", func(t *testing.T) {
		for _, path := range []string{"/", "/catalog", "/catalog?kind=component", "/teams"} {
			wantStatus(t, "viewer GET "+path, viewer.get(path), http.StatusOK)
		}
		for _, path := range []string{"/api/v1/entities", "/api/v1/entities/component/default/shared",
			"/api/v1/entities/component/default/shared/relations", "/api/v1/catalog/summary"} {
			wantStatus(t, "viewer GET "+path, viewer.get(path), http.StatusOK)
		}
		if role, status := me(t, viewer); status != http.StatusOK || role != "viewer" {
			t.Errorf("viewer /api/v1/me: got %d role %q, want 200 viewer", status, role)
		}
		if r := viewer.get("/catalog"); strings.Contains(r.Body, `href="/catalog/new"`) && strings.Contains(r.Body, "New entity") {
			t.Error("viewer catalog page: got the New entity button, want it hidden")
		}
	})

	t.Run("viewer sees the entity page without edit buttons", func(t *testing.T) {
		r := wantPage(t, viewer, shared, "<h1>shared</h1>")
		if r.Status == http.StatusOK && strings.Contains(r.Body, shared+"/edit") {
			t.Error("viewer entity page: got an Edit link, want none")
		}
	})

	t.Run("viewer cannot write", func(t *testing.T) {
		r := viewer.postForm("/catalog/new?kind=component", componentForm("by-viewer", "V", "team-a"))
		wantStatus(t, "viewer POST /catalog/new", r, http.StatusForbidden)
		if !strings.Contains(r.Body, "needs the editor role") {
			t.Errorf("viewer POST /catalog/new: got no \"needs the editor role\" in the page")
		}
		wantStatus(t, "viewer GET /catalog/new", viewer.get("/catalog/new"), http.StatusForbidden)
		wantStatus(t, "viewer GET edit", viewer.get(shared+"/edit"), http.StatusForbidden)
		wantStatus(t, "viewer POST edit", viewer.postForm(shared+"/edit", componentForm("shared", "Changed", "team-v")), http.StatusForbidden)
		wantStatus(t, "viewer POST delete", viewer.postForm(shared+"/delete", url.Values{}), http.StatusForbidden)
		wantAPIError(t, "viewer POST /api/v1/entities", viewer.json(http.MethodPost, "/api/v1/entities", componentDesc("by-viewer", "team-a"), nil),
			http.StatusForbidden, "forbidden", "-")
		wantAPIError(t, "viewer PUT", viewer.json(http.MethodPut, "/api/v1/entities/component/default/shared", componentDesc("shared", "team-v"), nil),
			http.StatusForbidden, "forbidden", "-")
		wantAPIError(t, "viewer DELETE", viewer.send(http.MethodDelete, "/api/v1/entities/component/default/shared", "", ""),
			http.StatusForbidden, "forbidden", "-")
		if n := total(t, admin, ""); n != before {
			t.Errorf("after the viewer's attempts: got %d entities, want %d", n, before)
		}
		if e, r := getEntity(t, admin, "component/default/shared"); r.Status != http.StatusOK || e.Spec["owner"] != "team-a" || e.Metadata.Title != "" {
			t.Errorf("after the viewer's attempts: got %d owner %v title %q, want shared unchanged", r.Status, e.Spec["owner"], e.Metadata.Title)
		}
	})

	t.Run("viewer cannot administer", func(t *testing.T) {
		for _, path := range []string{"/admin/users", "/admin/tokens", "/audit"} {
			wantStatus(t, "viewer GET "+path, viewer.get(path), http.StatusForbidden)
		}
		for _, path := range []string{"/api/v1/users", "/api/v1/tokens", "/api/v1/audit"} {
			wantAPIError(t, "viewer GET "+path, viewer.get(path), http.StatusForbidden, "forbidden", "-")
		}
		wantAPIError(t, "viewer POST /api/v1/tokens", viewer.json(http.MethodPost, "/api/v1/tokens",
			map[string]any{"user": "viewer@example.com", "name": "mine", "scope": "write"}, nil), http.StatusForbidden, "forbidden", "-")
		wantStatus(t, "viewer POST /admin/users", viewer.postForm("/admin/users",
			url.Values{"email": {"sneaky@example.com"}, "password": {adminPassword}, "role": {"admin"}}), http.StatusForbidden)
	})

	t.Run("editor writes entities", func(t *testing.T) {
		r := editor.postForm("/catalog/new?kind=component", componentForm("by-editor", "E", "team-e"))
		if r.Status != http.StatusSeeOther {
			t.Errorf("editor POST /catalog/new: got %d, want 303\n%.300s", r.Status, r.Body)
		}
		wantStatus(t, "editor GET edit form", editor.get("/catalog/component/default/by-editor/edit"), http.StatusOK)
		mustCreate(t, editor, componentDesc("by-editor-api", "team-e"))
		wantStatus(t, "editor PUT", editor.json(http.MethodPut, "/api/v1/entities/component/default/by-editor-api", componentDesc("by-editor-api", "team-f"), nil), http.StatusOK)
		wantStatus(t, "editor DELETE", editor.send(http.MethodDelete, "/api/v1/entities/component/default/by-editor-api", "", ""), http.StatusNoContent)
		if r := editor.postForm("/catalog/component/default/by-editor/delete", url.Values{}); r.Status != http.StatusSeeOther {
			t.Errorf("editor POST delete: got %d, want 303", r.Status)
		}
		if n := total(t, admin, ""); n != before {
			t.Errorf("after the editor created and deleted: got %d entities, want %d", n, before)
		}
	})

	t.Run("editor cannot manage users", func(t *testing.T) {
		for _, path := range []string{"/admin/users", "/admin/tokens", "/audit"} {
			wantStatus(t, "editor GET "+path, editor.get(path), http.StatusForbidden)
		}
		wantStatus(t, "editor POST /admin/users", editor.postForm("/admin/users",
			url.Values{"email": {"sneaky@example.com"}, "password": {adminPassword}, "role": {"admin"}}), http.StatusForbidden)
		wantStatus(t, "editor promotes self", editor.postForm("/admin/users/editor@example.com/role", url.Values{"role": {"admin"}}), http.StatusForbidden)
		wantStatus(t, "editor disables viewer", editor.postForm("/admin/users/viewer@example.com/disable", url.Values{}), http.StatusForbidden)
		wantAPIError(t, "editor POST /api/v1/users", editor.json(http.MethodPost, "/api/v1/users",
			map[string]any{"email": "sneaky@example.com", "password": adminPassword, "role": "admin"}, nil), http.StatusForbidden, "forbidden", "-")
		wantAPIError(t, "editor PATCH self", editor.json(http.MethodPatch, "/api/v1/users/editor@example.com",
			map[string]any{"role": "admin"}, nil), http.StatusForbidden, "forbidden", "-")
		wantAPIError(t, "editor GET /api/v1/users", editor.get("/api/v1/users"), http.StatusForbidden, "forbidden", "-")

		var users struct {
			Items []struct {
				Email    string  `json:"email"`
				Role     string  `json:"role"`
				Disabled *string `json:"disabled_at"`
			} `json:"items"`
		}
		if r := admin.json(http.MethodGet, "/api/v1/users", nil, &users); r.Status != http.StatusOK {
			t.Fatalf("admin GET /api/v1/users: got %d, want 200", r.Status)
		}
		roles := map[string]string{}
		for _, u := range users.Items {
			roles[u.Email] = u.Role
			if u.Disabled != nil {
				t.Errorf("user %s: got disabled, want active", u.Email)
			}
		}
		want := map[string]string{"admin@example.com": "admin", "viewer@example.com": "viewer", "editor@example.com": "editor"}
		if fmt.Sprint(roles) != fmt.Sprint(want) {
			t.Errorf("users after the editor's attempts: got %v, want %v", roles, want)
		}
		if role, _ := me(t, editor); role != "editor" {
			t.Errorf("editor's role: got %q, want editor", role)
		}
	})

	t.Run("admin administers", func(t *testing.T) {
		wantPage(t, admin, "/admin/users", "viewer@example.com", "editor@example.com")
		wantPage(t, admin, "/admin/tokens")
		wantPage(t, admin, "/audit")
	})
}

func testTokenAccess(t *testing.T, s *server, admin, api *client) {
	mustCreate(t, api, componentDesc("target", "team-a"))
	const target = "/api/v1/entities/component/default/target"

	t.Run("read scope", func(t *testing.T) {
		_, secret := createToken(t, admin, "admin@example.com", "read")
		read := s.bearerClient(t, secret)
		for _, path := range []string{"/api/v1/entities", target, target + "/relations", "/api/v1/users", "/api/v1/audit"} {
			wantStatus(t, "read token GET "+path, read.get(path), http.StatusOK)
		}
		wantAPIError(t, "read token POST", read.json(http.MethodPost, "/api/v1/entities", componentDesc("by-read", "team-a"), nil),
			http.StatusForbidden, "forbidden", "-")
		wantAPIError(t, "read token PUT", read.json(http.MethodPut, target, componentDesc("target", "team-r"), nil),
			http.StatusForbidden, "forbidden", "-")
		wantAPIError(t, "read token DELETE", read.send(http.MethodDelete, target, "", ""), http.StatusForbidden, "forbidden", "-")
		wantAPIError(t, "read token POST /api/v1/tokens", read.json(http.MethodPost, "/api/v1/tokens",
			map[string]any{"user": "admin@example.com", "name": "escalate", "scope": "write"}, nil), http.StatusForbidden, "forbidden", "-")
		wantStatus(t, "read token POST /catalog/new", read.postForm("/catalog/new?kind=component", componentForm("by-read-form", "R", "team-a")), http.StatusForbidden)
		if e, r := getEntity(t, api, "component/default/target"); r.Status != http.StatusOK || e.Spec["owner"] != "team-a" {
			t.Errorf("after the read token's attempts: got %d owner %v, want target unchanged", r.Status, e.Spec["owner"])
		}
		for _, name := range []string{"by-read", "by-read-form"} {
			if _, r := getEntity(t, api, "component/default/"+name); r.Status != http.StatusNotFound {
				t.Errorf("GET %s: got %d, want 404", name, r.Status)
			}
		}
	})

	t.Run("write token of a viewer", func(t *testing.T) {
		s.addUser(t, "reader@example.com", "viewer")
		_, secret := createToken(t, admin, "reader@example.com", "write")
		v := s.bearerClient(t, secret)
		wantStatus(t, "viewer token GET", v.get(target), http.StatusOK)
		wantAPIError(t, "viewer token POST", v.json(http.MethodPost, "/api/v1/entities", componentDesc("by-viewer-token", "team-a"), nil),
			http.StatusForbidden, "forbidden", "-")
	})

	t.Run("revoked", func(t *testing.T) {
		id, secret := createToken(t, admin, "admin@example.com", "write")
		w := s.bearerClient(t, secret)
		wantStatus(t, "token before revoking", w.get(target), http.StatusOK)
		var revoked struct {
			RevokedAt *string `json:"revoked_at"`
		}
		if r := admin.json(http.MethodDelete, fmt.Sprintf("/api/v1/tokens/%d", id), nil, &revoked); r.Status != http.StatusOK || revoked.RevokedAt == nil {
			t.Fatalf("DELETE /api/v1/tokens/%d: got %d %s, want 200 with revoked_at", id, r.Status, r.Body)
		}
		wantAPIError(t, "revoked token GET", w.get(target), http.StatusUnauthorized, "unauthorized", "-")
		wantAPIError(t, "revoked token POST", w.json(http.MethodPost, "/api/v1/entities", componentDesc("by-revoked", "team-a"), nil),
			http.StatusUnauthorized, "unauthorized", "-")
		if _, r := getEntity(t, api, "component/default/by-revoked"); r.Status != http.StatusNotFound {
			t.Errorf("GET by-revoked: got %d, want 404", r.Status)
		}
		wantAPIError(t, "revoke unknown token", admin.send(http.MethodDelete, "/api/v1/tokens/999999", "", ""), http.StatusNotFound, "not_found", "-")
	})

	t.Run("bad Authorization header", func(t *testing.T) {
		anon := s.client(t)
		for _, h := range []string{"Basic YWRtaW5AZXhhbXBsZS5jb206eA==", "Bearer", "Bearer ", "Bearer chief_0000", "Token " + api.bearer, api.bearer} {
			wantAPIError(t, fmt.Sprintf("Authorization %.20q", h), anon.send(http.MethodGet, "/api/v1/entities", "", "", "Authorization", h),
				http.StatusUnauthorized, "unauthorized", "-")
		}
		// A signed-in session does not rescue a bad header.
		wantAPIError(t, "session with a bad bearer", admin.send(http.MethodGet, "/api/v1/me", "", "", "Authorization", "Bearer nope"),
			http.StatusUnauthorized, "unauthorized", "-")
	})
}

func testCrossOriginRequestsRefused(t *testing.T, s *server, admin, api *client) {
	mustCreate(t, api, componentDesc("kept", "team-a"))
	before := total(t, admin, "")
	body := func(name string) string {
		b, _ := json.Marshal(componentDesc(name, "team-a"))
		return string(b)
	}
	hostile := [][]string{
		{"Origin", "http://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "http://evil.example", "Sec-Fetch-Site", "same-site"},
	}
	for i, h := range hostile {
		t.Run(strings.Join(h, " "), func(t *testing.T) {
			for _, c := range []struct {
				name string
				c    *client
			}{{"session", admin}, {"token", api}} {
				name := fmt.Sprintf("evil-%s-%d", c.name, i)
				wantStatus(t, c.name+" POST /api/v1/entities", c.c.send(http.MethodPost, "/api/v1/entities", "application/json", body(name), h...), http.StatusForbidden)
				wantStatus(t, c.name+" PUT", c.c.send(http.MethodPut, "/api/v1/entities/component/default/kept", "application/json", body("kept"), h...), http.StatusForbidden)
				wantStatus(t, c.name+" DELETE", c.c.send(http.MethodDelete, "/api/v1/entities/component/default/kept", "", "", h...), http.StatusForbidden)
				if _, r := getEntity(t, admin, "component/default/"+name); r.Status != http.StatusNotFound {
					t.Errorf("GET %s: got %d, want 404 (nothing created)", name, r.Status)
				}
			}
			form := componentForm(fmt.Sprintf("evil-form-%d", i), "Evil", "team-a")
			wantStatus(t, "POST /catalog/new", admin.postForm("/catalog/new?kind=component", form, h...), http.StatusForbidden)
			wantStatus(t, "POST delete", admin.postForm("/catalog/component/default/kept/delete", url.Values{}, h...), http.StatusForbidden)
			wantStatus(t, "POST /admin/users", admin.postForm("/admin/users",
				url.Values{"email": {"evil@example.com"}, "password": {adminPassword}, "role": {"admin"}}, h...), http.StatusForbidden)
			wantStatus(t, "POST /logout", admin.postForm("/logout", url.Values{}, h...), http.StatusForbidden)
			if n := total(t, admin, ""); n != before {
				t.Errorf("after cross-origin requests: got %d entities, want %d", n, before)
			}
			if _, r := getEntity(t, admin, "component/default/kept"); r.Status != http.StatusOK {
				t.Errorf("GET kept: got %d, want 200 (not deleted)", r.Status)
			}
			// The session survived the cross-site sign-out.
			if role, _ := me(t, admin); role != "admin" {
				t.Errorf("after a cross-site POST /logout: got role %q, want the session still signed in as admin", role)
			}
		})
	}
	t.Run("same origin is allowed", func(t *testing.T) {
		wantStatus(t, "POST with own Origin", admin.send(http.MethodPost, "/api/v1/entities", "application/json", body("friendly-1"), "Origin", s.URL), http.StatusCreated)
		wantStatus(t, "POST with Sec-Fetch-Site same-origin", api.send(http.MethodPost, "/api/v1/entities", "application/json", body("friendly-2"),
			"Sec-Fetch-Site", "same-origin"), http.StatusCreated)
		r := admin.postForm("/catalog/new?kind=component", componentForm("friendly-3", "F", "team-a"), "Origin", s.URL, "Sec-Fetch-Site", "same-origin")
		wantStatus(t, "form POST with own Origin", r, http.StatusSeeOther)
		wantStatus(t, "GET with a foreign Origin", admin.send(http.MethodGet, "/api/v1/entities", "", "", "Origin", "http://evil.example"), http.StatusOK)
	})
	var users struct {
		Items []struct {
			Email string `json:"email"`
		} `json:"items"`
	}
	admin.json(http.MethodGet, "/api/v1/users", nil, &users)
	for _, u := range users.Items {
		if u.Email == "evil@example.com" {
			t.Error("a cross-origin POST /admin/users created evil@example.com")
		}
	}
}

// TestSignIn covers the session: cookie flags, logout, and the limit on
// failed sign-ins.
func TestSignIn(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		admin := s.setupAdmin(t)
		sessionCookie := func(t *testing.T, r response) string {
			t.Helper()
			for _, sc := range r.Header.Values("Set-Cookie") {
				if strings.HasPrefix(sc, "chief_session=") {
					return sc
				}
			}
			return ""
		}
		creds := url.Values{"email": {"admin@example.com"}, "password": {adminPassword}}

		c := s.client(t)
		t.Run("cookie flags", func(t *testing.T) {
			r := c.postForm("/login", creds)
			if r.Status != http.StatusSeeOther {
				t.Fatalf("POST /login: got %d, want 303", r.Status)
			}
			sc := sessionCookie(t, r)
			for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1209600"} {
				if !strings.Contains(sc, want) {
					t.Errorf("Set-Cookie %q: got no %s, want it", sc, want)
				}
			}
			if strings.Contains(sc, "Secure") {
				t.Errorf("Set-Cookie %q over plain HTTP: got Secure, want it only behind HTTPS", sc)
			}
			tls := s.client(t)
			sc = sessionCookie(t, tls.postForm("/login", creds, "X-Forwarded-Proto", "https"))
			for _, want := range []string{"HttpOnly", "SameSite=Lax", "Secure"} {
				if !strings.Contains(sc, want) {
					t.Errorf("Set-Cookie behind HTTPS %q: got no %s, want it", sc, want)
				}
			}
			wrong := s.client(t)
			if sc := sessionCookie(t, wrong.postForm("/login", url.Values{"email": {"admin@example.com"}, "password": {"not the password"}})); sc != "" {
				t.Errorf("wrong password: got Set-Cookie %q, want none", sc)
			}
		})

		t.Run("logout ends the session", func(t *testing.T) {
			base, _ := url.Parse(s.URL)
			var old string
			for _, ck := range c.http.Jar.Cookies(base) {
				if ck.Name == "chief_session" {
					old = ck.Value
				}
			}
			if old == "" {
				t.Fatal("got no session cookie in the jar after signing in")
			}
			r := c.postForm("/logout", url.Values{})
			if r.Status != http.StatusSeeOther || r.Location != "/login" {
				t.Errorf("POST /logout: got %d to %q, want 303 to /login", r.Status, r.Location)
			}
			if sc := sessionCookie(t, r); !strings.Contains(sc, "Max-Age=0") {
				t.Errorf("POST /logout: got Set-Cookie %q, want the cookie cleared (Max-Age=0)", sc)
			}
			if r := c.get("/catalog"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
				t.Errorf("GET /catalog after logout: got %d to %q, want 303 to /login", r.Status, r.Location)
			}
			// The old cookie no longer works anywhere.
			replay := s.client(t)
			if r := replay.send(http.MethodGet, "/catalog", "", "", "Cookie", "chief_session="+old); r.Status != http.StatusSeeOther {
				t.Errorf("GET /catalog with the signed-out cookie: got %d, want 303 to /login", r.Status)
			}
			wantAPIError(t, "API with the signed-out cookie", replay.send(http.MethodGet, "/api/v1/me", "", "", "Cookie", "chief_session="+old),
				http.StatusUnauthorized, "unauthorized", "-")
			// Other sessions of the same user stay.
			if role, _ := me(t, admin); role != "admin" {
				t.Errorf("another session after logout: got role %q, want admin", role)
			}
		})

		t.Run("rate limit", func(t *testing.T) {
			locked := s.addUser(t, "locked@example.com", "editor")
			c := s.client(t)
			for i := 1; i <= 5; i++ {
				r := c.postForm("/login", url.Values{"email": {"locked@example.com"}, "password": {fmt.Sprintf("wrong password %d", i)}})
				if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "Wrong email or password.") {
					t.Fatalf("wrong password %d: got %d, want 401 with \"Wrong email or password.\"", i, r.Status)
				}
			}
			for _, email := range []string{"locked@example.com", " LOCKED@example.com "} {
				r := c.postForm("/login", url.Values{"email": {email}, "password": {adminPassword}})
				if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "Too many failed sign-ins") {
					t.Errorf("right password for %q after 5 wrong ones: got %d, want 429 with \"Too many failed sign-ins\"", email, r.Status)
				}
				if sc := sessionCookie(t, r); sc != "" {
					t.Errorf("429 answer: got Set-Cookie %q, want no session", sc)
				}
			}
			if r := c.get("/catalog"); r.Status != http.StatusSeeOther {
				t.Errorf("after the refused sign-in: GET /catalog got %d, want 303 to /login", r.Status)
			}
			// Other accounts from the same address, and existing sessions, go on.
			s.client(t).login("admin@example.com", adminPassword)
			if role, _ := me(t, locked); role != "editor" {
				t.Errorf("existing session of the locked account: got role %q, want editor", role)
			}
		})
	})
}

// auditEntry is an audit log entry as the API shows it.
type auditEntry struct {
	ID         int64                     `json:"id"`
	At         time.Time                 `json:"at"`
	Actor      string                    `json:"actor"`
	Action     string                    `json:"action"`
	RecordType string                    `json:"record_type"`
	RecordID   string                    `json:"record_id"`
	Changes    map[string]map[string]any `json:"changes"`
}

type auditList struct {
	Items      []auditEntry `json:"items"`
	NextBefore int64        `json:"next_before"`
}

func auditQuery(t testing.TB, c *client, q url.Values) auditList {
	t.Helper()
	var out auditList
	r := c.json(http.MethodGet, "/api/v1/audit?"+q.Encode(), nil, &out)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /api/v1/audit?%s: got %d, want 200\n%s", q.Encode(), r.Status, r.Body)
	}
	return out
}

func actionsOf(l auditList) []string {
	var out []string
	for _, e := range l.Items {
		out = append(out, e.Action)
	}
	return out
}

func TestAuditTrail(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		admin, api := s.adminToken(t)
		const record = "component:default/audited"

		// Made in the form, changed through the API, edited in the form,
		// deleted through the API.
		if r := admin.postForm("/catalog/new?kind=component", componentForm("audited", "First", "team-x")); r.Status != http.StatusSeeOther {
			t.Fatalf("form create: got %d, want 303\n%.300s", r.Status, r.Body)
		}
		d := componentDesc("audited", "team-x")
		metadataOf(d)["title"] = "Second"
		metadataOf(d)["description"] = "Takes the money."
		metadataOf(d)["tags"] = []string{"payments", "go"}
		specOf(d)["dependsOn"] = []string{"resource:orders-db", "resource:cache"}
		wantStatus(t, "API update", api.json(http.MethodPut, "/api/v1/entities/component/default/audited", d, nil), http.StatusOK)
		edit := componentForm("audited", "Second", "team-x")
		edit.Set("spec.lifecycle", "deprecated")
		wantStatus(t, "form edit", admin.postForm("/catalog/component/default/audited/edit", edit), http.StatusSeeOther)
		wantStatus(t, "API delete", api.send(http.MethodDelete, "/api/v1/entities/component/default/audited", "", ""), http.StatusNoContent)

		all := auditQuery(t, admin, url.Values{"record": {record}})
		if got, want := fmt.Sprint(actionsOf(all)), "[entity.delete entity.update entity.update entity.create]"; got != want {
			t.Fatalf("actions, newest first: got %s, want %s", got, want)
		}
		// Newest first: the API delete, the form edit, the API update, the form create.
		del, formUpd, apiUpd, create := all.Items[0], all.Items[1], all.Items[2], all.Items[3]
		tokenActor := apiUpd.Actor

		t.Run("actors", func(t *testing.T) {
			for _, e := range []auditEntry{create, formUpd} {
				if e.Actor != "user:admin@example.com" {
					t.Errorf("%s by the session: got actor %q, want user:admin@example.com", e.Action, e.Actor)
				}
			}
			for _, e := range []auditEntry{apiUpd, del} {
				if !strings.Contains(e.Actor, "token") || !strings.HasPrefix(e.Actor, "user:admin@example.com") {
					t.Errorf("%s by the token: got actor %q, want user:admin@example.com with the token named", e.Action, e.Actor)
				}
			}
			for _, e := range all.Items {
				if e.RecordType != "entity" || e.RecordID != record {
					t.Errorf("entry %d: got record %s %s, want entity %s", e.ID, e.RecordType, e.RecordID, record)
				}
			}
		})

		t.Run("changes", func(t *testing.T) {
			check := func(name string, e auditEntry, field string, old, new any) {
				t.Helper()
				c, ok := e.Changes[field]
				if !ok {
					t.Errorf("%s: got changes %v, want %s", name, e.Changes, field)
					return
				}
				if fmt.Sprint(c["old"]) != fmt.Sprint(old) || fmt.Sprint(c["new"]) != fmt.Sprint(new) {
					t.Errorf("%s %s: got old %v new %v, want old %v new %v", name, field, c["old"], c["new"], old, new)
				}
			}
			check("create", create, "metadata.title", nil, "First")
			check("create", create, "spec.owner", nil, "team-x")
			check("API update", apiUpd, "metadata.title", "First", "Second")
			if len(apiUpd.Changes) != 1 {
				t.Errorf("API update: got changes %v, want only metadata.title", apiUpd.Changes)
			}
			check("form edit", formUpd, "spec.lifecycle", "production", "deprecated")
			if len(formUpd.Changes) != 1 {
				t.Errorf("form edit: got changes %v, want only spec.lifecycle", formUpd.Changes)
			}
			check("delete", del, "metadata.title", "Second", nil)
			check("delete", del, "spec.lifecycle", "deprecated", nil)
		})

		t.Run("filters", func(t *testing.T) {
			first, last := create.At, del.At
			for _, tc := range []struct {
				name string
				q    url.Values
				want string
			}{
				{"record in other case", url.Values{"record": {"Component:default/AUDITED"}}, "[entity.delete entity.update entity.update entity.create]"},
				{"session actor", url.Values{"record": {record}, "actor": {"user:admin@example.com"}}, "[entity.update entity.create]"},
				{"token actor", url.Values{"record": {record}, "actor": {tokenActor}}, "[entity.delete entity.update]"},
				{"actor prefix", url.Values{"record": {record}, "actor": {"user:admin@example.com*"}}, "[entity.delete entity.update entity.update entity.create]"},
				{"unknown actor", url.Values{"actor": {"user:nobody@example.com"}}, "[]"},
				{"since first", url.Values{"record": {record}, "since": {first.Format(time.RFC3339)}}, "[entity.delete entity.update entity.update entity.create]"},
				{"since after last", url.Values{"record": {record}, "since": {last.Add(time.Second).Format(time.RFC3339)}}, "[]"},
				{"until first", url.Values{"record": {record}, "until": {first.Format(time.RFC3339)}}, "[]"},
				{"until after last", url.Values{"record": {record}, "until": {last.Add(time.Second).Format(time.RFC3339)}}, "[entity.delete entity.update entity.update entity.create]"},
				{"since and until", url.Values{"record": {record}, "since": {first.Format(time.RFC3339)}, "until": {last.Add(time.Second).Format(time.RFC3339)}}, "[entity.delete entity.update entity.update entity.create]"},
				{"since date", url.Values{"record": {record}, "since": {first.UTC().Format("2006-01-02")}}, "[entity.delete entity.update entity.update entity.create]"},
				{"until next date", url.Values{"record": {record}, "until": {last.UTC().AddDate(0, 0, 1).Format("2006-01-02")}}, "[entity.delete entity.update entity.update entity.create]"},
				{"since next date", url.Values{"record": {record}, "since": {last.UTC().AddDate(0, 0, 1).Format("2006-01-02")}}, "[]"},
				{"record type", url.Values{"record_type": {"entity"}, "record": {record}, "limit": {"2"}}, "[entity.delete entity.update]"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if got := fmt.Sprint(actionsOf(auditQuery(t, admin, tc.q))); got != tc.want {
						t.Errorf("GET /api/v1/audit?%s: got %s, want %s", tc.q.Encode(), got, tc.want)
					}
				})
			}
			tokens := auditQuery(t, admin, url.Values{"record_type": {"token"}})
			if len(tokens.Items) == 0 {
				t.Error("record_type=token: got no entries, want the token creation")
			}
			for _, e := range tokens.Items {
				if e.RecordType != "token" || e.Actor != "user:admin@example.com" {
					t.Errorf("record_type=token: got %s by %s, want token entries by user:admin@example.com", e.RecordType, e.Actor)
				}
			}
			for _, tc := range []struct{ query, field string }{
				{"since=31%2F01%2F2026", "since"},
				{"until=yesterday", "until"},
				{"since=" + url.QueryEscape(last.Format(time.RFC3339)) + "&until=" + url.QueryEscape(first.Format(time.RFC3339)), "until"},
				{"limit=1000", "limit"},
				{"before=x", "before"},
			} {
				wantAPIError(t, "GET /api/v1/audit?"+tc.query, admin.get("/api/v1/audit?"+tc.query), http.StatusUnprocessableEntity, "invalid", tc.field)
			}
		})

		t.Run("paging", func(t *testing.T) {
			var got []int64
			q := url.Values{"record": {record}, "limit": {"1"}}
			for range 10 {
				p := auditQuery(t, admin, q)
				for _, e := range p.Items {
					got = append(got, e.ID)
				}
				if p.NextBefore == 0 {
					break
				}
				q.Set("before", fmt.Sprint(p.NextBefore))
			}
			want := []int64{del.ID, formUpd.ID, apiUpd.ID, create.ID}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("paging one by one: got ids %v, want %v", got, want)
			}
		})

		t.Run("audit page", func(t *testing.T) {
			wantPage(t, admin, "/audit?record="+url.QueryEscape(record), "entity.create", "entity.update", "entity.delete",
				"component:default/audited", "user:admin@example.com", tokenActor, "<del>First</del>", "<ins>Second</ins>", "<code>spec.lifecycle</code>")
			wantPage(t, admin, "/audit?actor="+url.QueryEscape("user:nobody@example.com"), "No entries")
			if r := admin.get("/audit?since=not-a-date"); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "is not a date") {
				t.Errorf("GET /audit?since=not-a-date: got %d, want 400 with the error shown", r.Status)
			}
		})
	})
}

// An admin must not be able to lock themselves out, whatever the case or
// spacing of their email in the URL. Each case acts as an admin of its own,
// so that one lock-out does not hide the next.
func TestAdminCannotLockThemselvesOut(t *testing.T) {
	t.Parallel()
	stillAdmin := func(t *testing.T, c *client) {
		t.Helper()
		if role, status := me(t, c); status != http.StatusOK || role != "admin" {
			t.Errorf("afterwards: got /api/v1/me %d role %q, want 200 admin (the admin locked themselves out)", status, role)
		}
	}
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		admin := s.setupAdmin(t)
		t.Run("exact email", func(t *testing.T) {
			wantStatus(t, "page disable self", admin.postForm("/admin/users/admin@example.com/disable", url.Values{}), http.StatusConflict)
			wantStatus(t, "page demote self", admin.postForm("/admin/users/admin@example.com/role", url.Values{"role": {"viewer"}}), http.StatusConflict)
			wantAPIError(t, "API disable self", admin.json(http.MethodPatch, "/api/v1/users/admin@example.com", map[string]any{"disabled": true}, nil),
				http.StatusUnprocessableEntity, "invalid", "disabled")
			wantAPIError(t, "API demote self in capitals", admin.json(http.MethodPatch, "/api/v1/users/ADMIN@example.com", map[string]any{"role": "viewer"}, nil),
				http.StatusUnprocessableEntity, "invalid", "role")
			stillAdmin(t, admin)
		})
		for i, tc := range []struct {
			name string
			do   func(c *client, email string) response
			want int
		}{
			{"page disable in capitals", func(c *client, email string) response {
				return c.postForm("/admin/users/"+strings.ToUpper(email[:1])+email[1:]+"/disable", url.Values{})
			}, http.StatusConflict},
			{"page demote in capitals", func(c *client, email string) response {
				return c.postForm("/admin/users/"+strings.ToUpper(email)+"/role", url.Values{"role": {"viewer"}})
			}, http.StatusConflict},
			{"API disable with a space", func(c *client, email string) response {
				return c.json(http.MethodPatch, "/api/v1/users/%20"+email, map[string]any{"disabled": true}, nil)
			}, http.StatusUnprocessableEntity},
		} {
			t.Run(tc.name, func(t *testing.T) {
				email := fmt.Sprintf("admin%d@example.com", i)
				self := s.addUser(t, email, "admin")
				wantStatus(t, tc.name, tc.do(self, email), tc.want)
				stillAdmin(t, self)
			})
		}
		stillAdmin(t, admin)
	})
}
