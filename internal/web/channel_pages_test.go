package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/auth"
)

func TestChannelSecretsStayHiddenAndKept(t *testing.T) {
	f := newIncFixture(t)
	f.signIn(t, auth.Admin)
	const secret, hookPath = "s3cret-signing-key", "/services/T000/B000/XXXXtoken"

	r := f.post(t, "/admin/channels", url.Values{"name": {"ops"}, "type": {"webhook"}, "min_severity": {"major"},
		"settings.url": {"https://hooks.example.com/chief?token=abc"}, "settings.secret": {secret}, "send_recovery": {"on"}})
	wantHTTPStatus(t, "POST /admin/channels", r, http.StatusSeeOther)
	r = f.post(t, "/admin/channels", url.Values{"name": {"chat"}, "type": {"slack"}, "settings.url": {"https://hooks.slack.com" + hookPath}})
	wantHTTPStatus(t, "POST /admin/channels slack", r, http.StatusSeeOther)

	for _, path := range []string{"/admin/channels", "/admin/channels/ops/edit", "/admin/channels/chat/edit"} {
		r := f.get(t, path)
		wantHTTPStatus(t, "GET "+path, r, http.StatusOK)
		for _, leak := range []string{secret, "token=abc", hookPath} {
			if strings.Contains(r.body, leak) {
				t.Errorf("%s: got %q in the page, want secrets hidden", path, leak)
			}
		}
	}

	t.Run("edit with empty secrets keeps them", func(t *testing.T) {
		edit := f.get(t, "/admin/channels/chat/edit")
		shownURL := textBetween(edit.body, `name="settings.url" value="`, `"`)
		r := f.post(t, "/admin/channels/chat/edit", url.Values{"name": {"chat"}, "type": {"slack"}, "min_severity": {"critical"}, "settings.url": {shownURL}})
		wantHTTPStatus(t, "POST chat edit", r, http.StatusSeeOther)
		c, err := f.s.notify.Get(f.ctx, "chat")
		if err != nil {
			t.Fatal(err)
		}
		if c.Settings.URL != "https://hooks.slack.com"+hookPath || c.MinSeverity != "critical" {
			t.Errorf("chat: got URL %q severity %q, want the stored URL kept and critical", c.Settings.URL, c.MinSeverity)
		}

		edit = f.get(t, "/admin/channels/ops/edit")
		shownURL = textBetween(edit.body, `name="settings.url" value="`, `"`)
		r = f.post(t, "/admin/channels/ops/edit", url.Values{"name": {"ops"}, "type": {"webhook"}, "settings.url": {shownURL}, "settings.secret": {""}})
		wantHTTPStatus(t, "POST ops edit", r, http.StatusSeeOther)
		c, err = f.s.notify.Get(f.ctx, "ops")
		if err != nil {
			t.Fatal(err)
		}
		if c.Settings.Secret != secret || c.Settings.URL != "https://hooks.example.com/chief?token=abc" {
			t.Errorf("ops: got secret %q URL %q, want both kept", c.Settings.Secret, c.Settings.URL)
		}
	})

	t.Run("clearing the secret removes it", func(t *testing.T) {
		r := f.post(t, "/admin/channels/ops/edit", url.Values{"name": {"ops"}, "type": {"webhook"},
			"settings.url": {"https://hooks.example.com/other"}, "clear_secret": {"on"}})
		wantHTTPStatus(t, "POST ops edit", r, http.StatusSeeOther)
		c, err := f.s.notify.Get(f.ctx, "ops")
		if err != nil {
			t.Fatal(err)
		}
		if c.Settings.Secret != "" || c.Settings.URL != "https://hooks.example.com/other" {
			t.Errorf("ops: got secret %q URL %q, want no secret and the new URL", c.Settings.Secret, c.Settings.URL)
		}
	})

	t.Run("errors appear at the field with the input kept", func(t *testing.T) {
		r := f.post(t, "/admin/channels", url.Values{"name": {"mail"}, "type": {"email"}, "settings.smtp_host": {"smtp.example.com"},
			"settings.smtp_port": {"five"}, "settings.from": {"chief@example.com"}, "settings.to": {"ops@example.com"}})
		wantHTTPStatus(t, "POST bad port", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.body, "is not a port number") || !strings.Contains(r.body, `value="smtp.example.com"`) {
			t.Errorf("form: got no port error or lost the host")
		}
		r = f.post(t, "/admin/channels", url.Values{"name": {"mail"}, "type": {"email"}, "settings.smtp_host": {"smtp.example.com"},
			"settings.from": {"chief@example.com"}, "settings.to": {"not an address"}})
		wantHTTPStatus(t, "POST bad address", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.body, `id="c-to-error"`) {
			t.Errorf("form: got no error at the To field\n%.300s", r.body)
		}
	})

	t.Run("test message goes to the outbox", func(t *testing.T) {
		r := f.post(t, "/admin/channels/chat/test", url.Values{})
		wantHTTPStatus(t, "POST test", r, http.StatusSeeOther)
		r = f.get(t, "/admin/outbox?channel=chat")
		wantHTTPStatus(t, "GET outbox", r, http.StatusOK)
		if !strings.Contains(r.body, ">test<") || !strings.Contains(r.body, "pending") {
			t.Errorf("outbox: got no pending test message\n%.300s", r.body)
		}
	})

	t.Run("delete", func(t *testing.T) {
		r := f.post(t, "/admin/channels/chat/delete", url.Values{})
		wantHTTPStatus(t, "POST delete", r, http.StatusSeeOther)
		wantHTTPStatus(t, "GET deleted", f.get(t, "/admin/channels/chat/edit"), http.StatusNotFound)
	})
}

// textBetween returns the text of s after the first from, up to the next to.
func textBetween(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return strings.ReplaceAll(v, "&amp;", "&")
}
