package e2e

import (
	"net/http"
	"strings"
	"testing"
)

func TestServeSetupAndHealth(t *testing.T) {
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		c := s.setupAdmin(t)
		for _, tc := range []struct {
			path   string
			status int
			want   string
		}{
			{"/healthz", 200, `"ok"`},
			{"/readyz", 200, `"ready"`},
			{"/", 200, "The catalog is empty"},
			{"/catalog", 200, "chief import backstage"},
			{"/metrics", 200, "chief_http_requests_total"},
		} {
			t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
				r := c.get(tc.path)
				if r.Status != tc.status || !strings.Contains(r.Body, tc.want) {
					t.Errorf("GET %s: got %d, want %d with %q\n%.400s", tc.path, r.Status, tc.status, tc.want, r.Body)
				}
			})
		}
		anon := s.client(t)
		if r := anon.get("/catalog"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("anonymous /catalog: got %d to %q, want 303 to /login", r.Status, r.Location)
		}
	})
}
