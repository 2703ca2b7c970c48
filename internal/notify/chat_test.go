package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func testMessage(kind Kind) *Message {
	return &Message{
		EventKey: "monitor:12:" + string(kind) + ":2026-11-28T02:00:00Z",
		Kind:     kind,
		Severity: SeverityCritical,
		Title:    "checkout is " + string(kind) + " <500 ms & falling>",
		Text:     "HTTP 503 from https://checkout.internal/healthz",
		Entity:   "component:default/checkout",
		Team:     "group:default/payments",
		URL:      "http://127.0.0.1:8080/monitors/12",
		At:       time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC),
		Fields:   map[string]string{"region": "eu-west", "latency": "830 ms"},
	}
}

// capture posts through the sender to a test server and returns the JSON
// body it received, decoded.
func capture(t *testing.T, typ string, m *Message) map[string]any {
	t.Helper()
	var body []byte
	var ctype string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		ctype = r.Header.Get("Content-Type")
	}))
	defer srv.Close()
	s := &Settings{URL: srv.URL + "/services/T0/B0/TOKEN"}
	if err := senders[typ].Validate(s); err != nil {
		t.Fatal(err)
	}
	if err := senders[typ].Send(context.Background(), s, m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if ctype != "application/json" {
		t.Errorf("Content-Type: got %q, want application/json", ctype)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return out
}

// dig walks a decoded JSON value by object keys and array indexes.
func dig(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			obj, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %q: got %T, want an object", k, v)
			}
			v = obj[k]
		case int:
			arr, ok := v.([]any)
			if !ok || k >= len(arr) {
				t.Fatalf("at [%d]: got %v, want an array that long", k, v)
			}
			v = arr[k]
		}
	}
	return v
}

func TestSlackPayload(t *testing.T) {
	cases := []struct {
		kind   Kind
		colour string
		label  string
	}{
		{KindDown, "#cf222e", "Down"},
		{KindUp, "#1a7f37", "Up"},
		{KindReminder, "#bc4c00", "Still down"},
		{KindIncidentResolved, "#1a7f37", "Incident resolved"},
		{KindTest, "#0969da", "Test"},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			m := testMessage(tc.kind)
			body := capture(t, "slack", m)
			wantText := tc.label + ": checkout is " + string(tc.kind) + " &lt;500 ms &amp; falling&gt;"
			if got := dig(t, body, "text"); got != wantText {
				t.Errorf("text: got %q, want %q", got, wantText)
			}
			a := dig(t, body, "attachments", 0)
			if got := dig(t, a, "color"); got != tc.colour {
				t.Errorf("color: got %v, want %s", got, tc.colour)
			}
			if got := dig(t, a, "title_link"); got != m.URL {
				t.Errorf("title_link: got %v, want %s", got, m.URL)
			}
			if got := dig(t, a, "ts"); got != float64(m.At.Unix()) {
				t.Errorf("ts: got %v, want %d", got, m.At.Unix())
			}
			fields := map[string]any{}
			for _, f := range dig(t, a, "fields").([]any) {
				fields[dig(t, f, "title").(string)] = dig(t, f, "value")
			}
			for k, want := range map[string]string{"State": tc.label, "Severity": "critical", "Entity": m.Entity, "Team": m.Team, "region": "eu-west"} {
				if fields[k] != want {
					t.Errorf("field %s: got %v, want %q", k, fields[k], want)
				}
			}
		})
	}
}

func TestTeamsPayload(t *testing.T) {
	cases := []struct {
		kind  Kind
		color string
	}{
		{KindDown, "Attention"},
		{KindUp, "Good"},
		{KindSLOTicket, "Warning"},
		{KindTest, "Accent"},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			m := testMessage(tc.kind)
			body := capture(t, "teams", m)
			if got := dig(t, body, "type"); got != "message" {
				t.Errorf("type: got %v, want message", got)
			}
			att := dig(t, body, "attachments", 0)
			if got := dig(t, att, "contentType"); got != "application/vnd.microsoft.card.adaptive" {
				t.Errorf("contentType: got %v, want the adaptive card type", got)
			}
			card := dig(t, att, "content")
			if dig(t, card, "type") != "AdaptiveCard" || dig(t, card, "version") != "1.4" {
				t.Errorf("card: got type %v version %v, want AdaptiveCard 1.4", dig(t, card, "type"), dig(t, card, "version"))
			}
			head := dig(t, card, "body", 0)
			if got := dig(t, head, "color"); got != tc.color {
				t.Errorf("heading color: got %v, want %s", got, tc.color)
			}
			if got := dig(t, head, "text").(string); !strings.HasSuffix(got, m.Title) {
				t.Errorf("heading: got %q, want it to end in the title", got)
			}
			if got := dig(t, card, "body", 1, "text"); got != m.Text {
				t.Errorf("text block: got %v, want %q", got, m.Text)
			}
			facts := map[string]any{}
			for _, f := range dig(t, card, "body", 2, "facts").([]any) {
				facts[dig(t, f, "title").(string)] = dig(t, f, "value")
			}
			if facts["Entity"] != m.Entity || facts["latency"] != "830 ms" || facts["At"] != "2026-11-28 02:00:00 UTC" {
				t.Errorf("facts: got %v, want entity, latency and time", facts)
			}
			if got := dig(t, card, "actions", 0, "url"); got != m.URL {
				t.Errorf("action url: got %v, want %s", got, m.URL)
			}
		})
	}
}

func TestPostErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/services/T0/B0/TOKEN/gone":
			http.Error(w, "no_service", http.StatusNotFound)
		case "/services/T0/B0/TOKEN/moved":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/elsewhere":
			w.WriteHeader(http.StatusOK)
		case "/accepted":
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	defer srv.Close()
	cases := []struct {
		name    string
		typ     string
		path    string
		wantErr string // "" when it should succeed
	}{
		{"202 is success", "webhook", "/accepted", ""},
		{"404 names the status", "webhook", "/services/T0/B0/TOKEN/gone", "status 404 Not Found: no_service"},
		{"redirect is not followed", "webhook", "/services/T0/B0/TOKEN/moved", "status 302 Found"},
		{"slack error hides the url", "slack", "/services/T0/B0/TOKEN/gone", "/••••: status 404"},
		{"teams error hides the url", "teams", "/services/T0/B0/TOKEN/gone", "/••••: status 404"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := senders[tc.typ].Send(context.Background(), &Settings{URL: srv.URL + tc.path}, testMessage(KindDown))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Send: got %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Send: got nil, want an error with %q", tc.wantErr)
			}
			if tc.typ != "webhook" && strings.Contains(err.Error(), "TOKEN") {
				t.Errorf("error: got %q, which shows the credential URL", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error: got %q, want it to contain %q", err, tc.wantErr)
			}
		})
	}
	// A connection error from net/http names the URL; it must not either.
	err := senders["slack"].Send(context.Background(), &Settings{URL: "http://127.0.0.1:1/services/T0/B0/TOKEN"}, testMessage(KindDown))
	if err == nil || strings.Contains(err.Error(), "TOKEN") {
		t.Errorf("connection error: got %v, want an error without the token", err)
	}
}
