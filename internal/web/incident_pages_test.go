package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/db"
)

// openByForm opens an incident through the new-incident form and returns
// its page's path.
func openByForm(t *testing.T, f *incFixture, form url.Values) string {
	t.Helper()
	r := f.post(t, "/incidents/new", form)
	wantHTTPStatus(t, "POST /incidents/new", r, http.StatusSeeOther)
	loc, _, _ := strings.Cut(r.header.Get("Location"), "?")
	if !strings.HasPrefix(loc, "/incidents/") {
		t.Fatalf("redirect: got %q, want an incident page", loc)
	}
	return loc
}

func TestIncidentForms(t *testing.T) {
	f := newIncFixture(t, "checkout", "payments")
	f.signIn(t, auth.Editor)

	t.Run("new incident keeps input and shows the error at the field", func(t *testing.T) {
		r := f.post(t, "/incidents/new", url.Values{"title": {"Card payments fail"}, "entity": {"no-such-thing"}, "severity": {"critical"}})
		wantHTTPStatus(t, "POST /incidents/new", r, http.StatusUnprocessableEntity)
		for _, want := range []string{`value="Card payments fail"`, `value="no-such-thing"`, "is not in the catalog", `<option selected>critical</option>`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("form: got no %q, want it", want)
			}
		}
	})

	page := openByForm(t, f, url.Values{"title": {"Card payments fail"}, "entity": {"checkout"}, "severity": {"critical"},
		"affected_entities": {"payments"}, "message": {"Investigating."}, "public": {"on"}})

	t.Run("incident page", func(t *testing.T) {
		r := f.get(t, page)
		wantHTTPStatus(t, "GET "+page, r, http.StatusOK)
		for _, want := range []string{"Card payments fail", "critical", "investigating", `href="/catalog/component/default/payments"`, "Investigating.", "public"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("page: got no %q, want it", want)
			}
		}
		if strings.Contains(r.body, `action="`+page+`/acknowledge"`) {
			t.Error("page: got an Acknowledge button on an incident a person opened, want none")
		}
	})

	t.Run("an update without a body is refused and keeps the input", func(t *testing.T) {
		r := f.post(t, page+"/updates", url.Values{"status": {"monitoring"}, "severity": {"major"}, "body": {"  "}})
		wantHTTPStatus(t, "POST updates", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.body, "say what changed") || !strings.Contains(r.body, "<option selected>monitoring</option>") {
			t.Errorf("update form: got no error or lost the status\n%.2000s", r.body)
		}
	})

	t.Run("resolving by update", func(t *testing.T) {
		r := f.post(t, page+"/updates", url.Values{"status": {"resolved"}, "severity": {"critical"}, "body": {"Fixed the card processor."}})
		wantHTTPStatus(t, "POST updates", r, http.StatusSeeOther)
		r = f.get(t, "/incidents?state=resolved")
		if !strings.Contains(r.body, "Card payments fail") {
			t.Errorf("resolved list: got no incident, want it")
		}
		r = f.get(t, "/incidents")
		if strings.Contains(r.body, "Card payments fail") {
			t.Errorf("open list: got the resolved incident, want it gone")
		}
	})

	t.Run("details: an action item without an owner is shown at its row", func(t *testing.T) {
		form := url.Values{"title": {"Card payments failed"}, "rows": {"4"}, "summary": {"The processor timed out."},
			"ai-0-title": {"Add a timeout alarm"}, "ai-0-owner": {"ana"}, "ai-0-due": {"2026-12-31"},
			"ai-2-title": {"Write a runbook"}, "ai-2-due": {"2026-12-31"}}
		r := f.post(t, page+"/details", form)
		wantHTTPStatus(t, "POST details", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.body, "Action item 3: an action item needs an owner") {
			t.Errorf("details: got no error naming row 3\n%.400s", r.body)
		}
		if !strings.Contains(r.body, `value="Write a runbook"`) || !strings.Contains(r.body, ">The processor timed out.</textarea>") {
			t.Errorf("details: lost what was typed")
		}
		form.Set("ai-2-owner", "bo")
		r = f.post(t, page+"/details", form)
		wantHTTPStatus(t, "POST details", r, http.StatusSeeOther)
		id := strings.TrimPrefix(page, "/incidents/")
		inc, err := f.s.rel.Incident(f.ctx, mustID(t, id))
		if err != nil {
			t.Fatal(err)
		}
		if got := inc.Postmortem.ActionItems; len(got) != 2 || got[1].Owner != "bo" || inc.Title != "Card payments failed" {
			t.Errorf("saved: got title %q and items %+v, want the new title and 2 items", inc.Title, got)
		}
	})

	t.Run("more rows adds blank rows without saving", func(t *testing.T) {
		r := f.post(t, page+"/details", url.Values{"title": {"Unsaved title"}, "rows": {"0"}, "more_rows": {"1"}})
		wantHTTPStatus(t, "POST details more rows", r, http.StatusOK)
		if !strings.Contains(r.body, `name="ai-2-title"`) || !strings.Contains(r.body, `value="Unsaved title"`) {
			t.Errorf("more rows: got no third row or lost the title")
		}
	})
}

func TestAutoIncidentTakeOver(t *testing.T) {
	f := newIncFixture(t, "checkout")
	f.signIn(t, auth.Editor)
	// An incident as a monitor opens it; the recorder that does so needs a
	// running engine, so the row is written as it would write it.
	var id int64
	err := f.s.db.Write(f.ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(f.ctx, `INSERT INTO incidents (title, severity, status, entity_ref, auto, opened_at, created_by, updated_at)
			VALUES ('checkout is down', 'major', 'investigating', 'component:default/checkout', TRUE, $1, 'monitor:checkout-http', $1) RETURNING id`,
			time.Now().Add(-10*time.Minute).Unix()).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	page := "/incidents/" + strconv.FormatInt(id, 10)
	r := f.get(t, page)
	wantHTTPStatus(t, "GET "+page, r, http.StatusOK)
	for _, want := range []string{"Opened by monitor", "checkout-http", "resolves on its own", `action="` + page + `/acknowledge"`, "not acknowledged"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("auto incident page: got no %q, want it", want)
		}
	}
	r = f.post(t, page+"/acknowledge", url.Values{})
	wantHTTPStatus(t, "POST acknowledge", r, http.StatusSeeOther)
	inc, err := f.s.rel.Incident(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if inc.AcknowledgedAt == nil || !inc.Managed {
		t.Errorf("after acknowledging: got acknowledged %v managed %v, want both", inc.AcknowledgedAt, inc.Managed)
	}
	r = f.get(t, page)
	if strings.Contains(r.body, `action="`+page+`/acknowledge"`) || !strings.Contains(r.body, "taken over by a person") {
		t.Errorf("acknowledged auto incident page: got the button or no take-over note")
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("incident id %q: %v", s, err)
	}
	return id
}
