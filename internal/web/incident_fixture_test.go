package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// incFixture is a server over a fresh SQLite database with a few catalog
// entities, for the incident, status page, badge and channel handlers.
type incFixture struct {
	s       *Server
	h       http.Handler
	ctx     context.Context
	session string
}

func newIncFixture(t *testing.T, components ...string) *incFixture {
	t.Helper()
	s, err := New(Options{DB: dbtest.OpenSQLite(t), Logger: slog.New(slog.DiscardHandler), Version: "test"})
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	f := &incFixture{s: s, h: s.Handler(), ctx: audit.WithActor(context.Background(), audit.Actor{Name: "user:test@example.com"})}
	for _, name := range components {
		e := catalog.Entity{APIVersion: catalog.APIVersion, Kind: "Component",
			Metadata: catalog.Metadata{Name: name, Namespace: catalog.DefaultNamespace},
			Spec:     map[string]any{"type": "service", "owner": "payments", "lifecycle": "production"}}
		if _, err := s.catalog.Create(f.ctx, e); err != nil {
			t.Fatalf("create component %s: %v", name, err)
		}
	}
	return f
}

// signIn makes the fixture's requests those of a user with the role.
func (f *incFixture) signIn(t *testing.T, role auth.Role) {
	t.Helper()
	u, err := f.s.auth.CreateUser(f.ctx, auth.NewUser{Email: string(role) + "@example.com", Password: "correct horse battery", Role: role})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	if f.session, err = f.s.auth.CreateSession(f.ctx, u.ID); err != nil {
		t.Fatalf("create session: %v", err)
	}
}

type incResponse struct {
	status int
	header http.Header
	body   string
}

func (f *incFixture) do(t *testing.T, method, target string, form url.Values) incResponse {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if f.session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.session})
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return incResponse{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

func (f *incFixture) get(t *testing.T, target string) incResponse {
	t.Helper()
	return f.do(t, http.MethodGet, target, nil)
}

func (f *incFixture) post(t *testing.T, target string, form url.Values) incResponse {
	t.Helper()
	return f.do(t, http.MethodPost, target, form)
}

func wantHTTPStatus(t *testing.T, what string, r incResponse, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: got status %d, want %d\n%.600s", what, r.status, status, r.body)
	}
}

func TestIncidentViewsParse(t *testing.T) {
	v, err := parseViews()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"incidents", "incident_new", "incident", "status", "status_admin", "channels", "channel_edit", "outbox"} {
		if v.pages[name] == nil {
			t.Errorf("view %s: got none, want it parsed", name)
		}
	}
}
