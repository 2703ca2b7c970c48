package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/reliability"
)

// publicFixture puts checkout on the status page and keeps vault private,
// each with an open incident that has public and internal updates.
func publicFixture(t *testing.T) *incFixture {
	t.Helper()
	f := newIncFixture(t, "checkout", "vault")
	if err := f.s.rel.SetStatusPage(f.ctx, []reliability.StatusEntry{{Entity: "checkout", DisplayName: "Checkout"}}); err != nil {
		t.Fatalf("set status page: %v", err)
	}
	inc, err := f.s.rel.OpenIncident(f.ctx, reliability.IncidentInput{Title: "Slow checkout", Severity: "major", Entity: "checkout",
		Message: "Some payments take longer than usual.", Public: true})
	if err != nil {
		t.Fatalf("open incident: %v", err)
	}
	if _, err := f.s.rel.UpdateIncident(f.ctx, inc.ID, reliability.UpdateInput{Status: "identified",
		Body: "Internal: the primary database at 10.0.0.5 failed over."}); err != nil {
		t.Fatalf("update incident: %v", err)
	}
	if _, err := f.s.rel.OpenIncident(f.ctx, reliability.IncidentInput{Title: "Vault sealed", Severity: "critical", Entity: "vault",
		Message: "The secrets vault is sealed.", Public: true}); err != nil {
		t.Fatalf("open incident: %v", err)
	}
	return f
}

func TestStatusPageShowsOnlyWhatIsPublic(t *testing.T) {
	f := publicFixture(t)
	r := f.get(t, "/status")
	wantHTTPStatus(t, "GET /status", r, http.StatusOK)
	for _, want := range []string{"Checkout", "Slow checkout", "Some payments take longer than usual.", "Some systems are degraded"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("status page: got no %q, want it shown", want)
		}
	}
	for _, hidden := range []string{"10.0.0.5", "Vault sealed", "secrets vault", "vault"} {
		if strings.Contains(strings.ToLower(r.body), strings.ToLower(hidden)) {
			t.Errorf("status page: got %q, want it hidden", hidden)
		}
	}
	if strings.Contains(r.body, `class="sidebar"`) {
		t.Error("status page: got the app's navigation, want its own layout")
	}
	if got := r.header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control: got %q, want no-cache, so an update just posted shows", got)
	}
}

func TestStatusJSONShowsOnlyWhatIsPublic(t *testing.T) {
	f := publicFixture(t)
	r := f.get(t, "/status.json")
	wantHTTPStatus(t, "GET /status.json", r, http.StatusOK)
	var ps reliability.PublicStatus
	if err := json.Unmarshal([]byte(r.body), &ps); err != nil {
		t.Fatalf("decode: %v\n%s", err, r.body)
	}
	if len(ps.Systems) != 1 || ps.Systems[0].Name != "Checkout" {
		t.Fatalf("systems: got %+v, want Checkout alone", ps.Systems)
	}
	if len(ps.Open) != 1 || ps.Open[0].Title != "Slow checkout" {
		t.Fatalf("open incidents: got %+v, want Slow checkout alone", ps.Open)
	}
	for _, u := range ps.Open[0].Updates {
		if strings.Contains(u.Body, "10.0.0.5") {
			t.Errorf("update %q: got an internal update, want public ones only", u.Body)
		}
	}
	if strings.Contains(r.body, `"author"`) || strings.Contains(r.body, "@") {
		t.Errorf("got an author in the public status JSON, want none:\n%s", r.body)
	}
	if ps.Past == nil || ps.Maintenance == nil {
		t.Errorf("past and maintenance: got %v and %v, want empty lists rather than null", ps.Past, ps.Maintenance)
	}
}

func TestStatusPageEmptySaysWhereToChooseSystems(t *testing.T) {
	f := newIncFixture(t, "checkout")
	r := f.get(t, "/status")
	wantHTTPStatus(t, "GET /status", r, http.StatusOK)
	if !strings.Contains(r.body, "/admin/status-page") {
		t.Errorf("empty status page: got no link to /admin/status-page\n%.400s", r.body)
	}
}

func TestBadges(t *testing.T) {
	f := publicFixture(t)
	for _, tc := range []struct {
		name, path string
		status     int
		want       string
	}{
		{"status on the page", "/badge/component/default/checkout/status.svg", http.StatusOK, ">unknown<"},
		{"uptime on the page", "/badge/component/default/checkout/uptime.svg?window=7d", http.StatusOK, ">no data<"},
		{"uptime default window", "/badge/component/default/checkout/uptime.svg", http.StatusOK, "uptime 30d"},
		{"private entity", "/badge/component/default/vault/status.svg", http.StatusNotFound, ""},
		{"private entity uptime", "/badge/component/default/vault/uptime.svg", http.StatusNotFound, ""},
		{"unknown entity", "/badge/component/default/nothing/status.svg", http.StatusNotFound, ""},
		{"unknown kind", "/badge/gadget/default/checkout/status.svg", http.StatusNotFound, ""},
		{"bad window", "/badge/component/default/checkout/uptime.svg?window=1y", http.StatusUnprocessableEntity, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.get(t, tc.path)
			wantHTTPStatus(t, tc.path, r, tc.status)
			if tc.status != http.StatusOK {
				if strings.Contains(r.body, "<svg") {
					t.Errorf("got a badge, want none")
				}
				return
			}
			if got := r.header.Get("Content-Type"); !strings.HasPrefix(got, "image/svg+xml") {
				t.Errorf("Content-Type: got %q, want image/svg+xml", got)
			}
			if got := r.header.Get("Cache-Control"); !strings.Contains(got, "max-age=60") {
				t.Errorf("Cache-Control: got %q, want max-age=60", got)
			}
			if !strings.Contains(r.body, tc.want) {
				t.Errorf("badge: got %s, want it to contain %q", r.body, tc.want)
			}
		})
	}
}

func TestPercentCutsRatherThanRounds(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{1, "100.00"}, {0.99999, "99.99"}, {0.9995, "99.95"}, {0.5, "50.00"}, {0, "0.00"}} {
		if got := badgePercent(tc.in); got != tc.want {
			t.Errorf("badgePercent(%v): got %s, want %s", tc.in, got, tc.want)
		}
	}
}
