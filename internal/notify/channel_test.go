package notify_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/notify"
)

func webhookInput(name string) notify.ChannelInput {
	return notify.ChannelInput{Name: name, Type: "webhook", Settings: notify.Settings{URL: "https://hooks.example.com/chief", Secret: "s3cret"}}
}

func emailInput(name string) notify.ChannelInput {
	return notify.ChannelInput{Name: name, Type: "email", Settings: notify.Settings{
		SMTPHost: "smtp.example.com", Username: "chief", Password: "pa55word", From: "chief@example.com", To: []string{"oncall@example.com"},
	}}
}

func TestChannelInputValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(in *notify.ChannelInput)
		base  func(string) notify.ChannelInput
		field string // "" when valid
	}{
		{"webhook", func(in *notify.ChannelInput) {}, webhookInput, ""},
		{"email", func(in *notify.ChannelInput) {}, emailInput, ""},
		{"slack", func(in *notify.ChannelInput) { in.Type = "slack"; in.Settings.Secret = "" }, webhookInput, ""},
		{"teams", func(in *notify.ChannelInput) { in.Type = "teams" }, webhookInput, ""},
		{"empty name", func(in *notify.ChannelInput) { in.Name = " " }, webhookInput, "name"},
		{"upper-case name", func(in *notify.ChannelInput) { in.Name = "Ops" }, webhookInput, "name"},
		{"name with a space", func(in *notify.ChannelInput) { in.Name = "on call" }, webhookInput, "name"},
		{"name of 64", func(in *notify.ChannelInput) { in.Name = strings.Repeat("a", 64) }, webhookInput, "name"},
		{"name with dots and dashes", func(in *notify.ChannelInput) { in.Name = "ops.pager_1-a" }, webhookInput, ""},
		{"unknown type", func(in *notify.ChannelInput) { in.Type = "pager" }, webhookInput, "type"},
		{"unknown severity", func(in *notify.ChannelInput) { in.MinSeverity = "high" }, webhookInput, "min_severity"},
		{"severity critical", func(in *notify.ChannelInput) { in.MinSeverity = "critical" }, webhookInput, ""},
		{"team not a ref", func(in *notify.ChannelInput) { in.Teams = []string{"group:default/pay ments"} }, webhookInput, "teams[0]"},
		{"second team bad", func(in *notify.ChannelInput) { in.Teams = []string{"payments", "a/b/c"} }, webhookInput, "teams[1]"},
		{"negative reminder", func(in *notify.ChannelInput) { in.ReminderEvery = dur.Duration(-time.Minute) }, webhookInput, "reminder_every"},
		{"reminder too often", func(in *notify.ChannelInput) { in.ReminderEvery = dur.Duration(30 * time.Second) }, webhookInput, "reminder_every"},
		{"webhook without url", func(in *notify.ChannelInput) { in.Settings.URL = "" }, webhookInput, "settings.url"},
		{"webhook ftp url", func(in *notify.ChannelInput) { in.Settings.URL = "ftp://example.com/x" }, webhookInput, "settings.url"},
		{"webhook url without host", func(in *notify.ChannelInput) { in.Settings.URL = "https:///x" }, webhookInput, "settings.url"},
		{"slack without url", func(in *notify.ChannelInput) { in.Type = "slack"; in.Settings.URL = "" }, webhookInput, "settings.url"},
		{"teams bad url", func(in *notify.ChannelInput) { in.Type = "teams"; in.Settings.URL = "teams.example.com" }, webhookInput, "settings.url"},
		{"email without host", func(in *notify.ChannelInput) { in.Settings.SMTPHost = "" }, emailInput, "settings.smtp_host"},
		{"email host with port", func(in *notify.ChannelInput) { in.Settings.SMTPHost = "smtp.example.com:25" }, emailInput, "settings.smtp_host"},
		{"email bad port", func(in *notify.ChannelInput) { in.Settings.SMTPPort = 70000 }, emailInput, "settings.smtp_port"},
		{"email without from", func(in *notify.ChannelInput) { in.Settings.From = "" }, emailInput, "settings.from"},
		{"email bad from", func(in *notify.ChannelInput) { in.Settings.From = "chief" }, emailInput, "settings.from"},
		{"email without to", func(in *notify.ChannelInput) { in.Settings.To = nil }, emailInput, "settings.to"},
		{"email only blank to", func(in *notify.ChannelInput) { in.Settings.To = []string{" "} }, emailInput, "settings.to"},
		{"email bad second to", func(in *notify.ChannelInput) { in.Settings.To = []string{"a@example.com", "nobody"} }, emailInput, "settings.to[1]"},
		{"email no_tls with a password to a remote host", func(in *notify.ChannelInput) { in.Settings.NoTLS = true }, emailInput, "settings.no_tls"},
		{"email no_tls with a password to localhost", func(in *notify.ChannelInput) { in.Settings.NoTLS = true; in.Settings.SMTPHost = "127.0.0.1" }, emailInput, ""},
		{"email no_tls without a password", func(in *notify.ChannelInput) {
			in.Settings.NoTLS = true
			in.Settings.Username = ""
			in.Settings.Password = ""
		}, emailInput, ""},
		{"email password without username", func(in *notify.ChannelInput) { in.Settings.Username = "" }, emailInput, "settings.username"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.base("ops")
			tc.edit(&in)
			err := in.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: got %v, want nil", err)
				}
				return
			}
			if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || e.Field != tc.field {
				t.Fatalf("Validate: got %v (%#v), want invalid field %q", err, e, tc.field)
			}
		})
	}
}

func TestChannelInputValidateNormalizes(t *testing.T) {
	in := webhookInput(" ops ")
	in.Settings.URL = " https://hooks.example.com/chief "
	in.Teams = []string{"payments", "group:default/payments", "Group:platform/SRE", "user:default/ana"}
	in.ReminderEvery = dur.Duration(90*time.Minute + 500*time.Millisecond)
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	want := notify.ChannelInput{
		Name:          "ops",
		Type:          "webhook",
		Settings:      notify.Settings{URL: "https://hooks.example.com/chief", Secret: "s3cret"},
		Teams:         []string{"group:default/payments", "group:platform/SRE", "user:default/ana"},
		MinSeverity:   "minor",
		ReminderEvery: dur.Duration(90 * time.Minute),
	}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("after Validate: got %+v, want %+v", in, want)
	}
}

func TestRedacted(t *testing.T) {
	cases := []struct {
		name string
		typ  string
		in   notify.Settings
		want notify.Settings
	}{
		{"webhook keeps its path", "webhook",
			notify.Settings{URL: "https://hooks.example.com/chief", Secret: "s3cret"},
			notify.Settings{URL: "https://hooks.example.com/chief", Secret: notify.Redaction}},
		{"webhook loses query and user info", "webhook",
			notify.Settings{URL: "https://bot:pw@hooks.example.com/chief?token=abc"},
			notify.Settings{URL: "https://" + notify.Redaction + "@hooks.example.com/chief?" + notify.Redaction}},
		{"slack url is a credential", "slack",
			notify.Settings{URL: "https://hooks.slack.com/services/T0/B0/XYZ"},
			notify.Settings{URL: "https://hooks.slack.com/" + notify.Redaction}},
		{"teams url is a credential", "teams",
			notify.Settings{URL: "https://example.webhook.office.com/webhookb2/abc"},
			notify.Settings{URL: "https://example.webhook.office.com/" + notify.Redaction}},
		{"email password", "email",
			notify.Settings{SMTPHost: "smtp.example.com", Username: "chief", Password: "pw", From: "a@example.com", To: []string{"b@example.com"}},
			notify.Settings{SMTPHost: "smtp.example.com", Username: "chief", Password: notify.Redaction, From: "a@example.com", To: []string{"b@example.com"}}},
		{"empty secrets stay empty", "webhook",
			notify.Settings{URL: "https://hooks.example.com/chief"},
			notify.Settings{URL: "https://hooks.example.com/chief"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := notify.Channel{ChannelInput: notify.ChannelInput{Name: "x", Type: tc.typ, Settings: tc.in}}
			got := c.Redacted()
			if !reflect.DeepEqual(got.Settings, tc.want) {
				t.Errorf("Redacted settings: got %+v, want %+v", got.Settings, tc.want)
			}
			if !reflect.DeepEqual(c.Settings, tc.in) {
				t.Errorf("Redacted changed the original: got %+v, want %+v", c.Settings, tc.in)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	cases := []struct {
		attempts int
		want     time.Duration
	}{
		{1, 10 * time.Second},
		{2, 20 * time.Second},
		{3, 40 * time.Second},
		{6, 320 * time.Second},
		{7, 10 * time.Minute},
		{8, 10 * time.Minute},
		{1000, 10 * time.Minute},
	}
	for _, tc := range cases {
		for range 50 {
			got := notify.Backoff(tc.attempts)
			if got > tc.want || got < tc.want*4/5 {
				t.Fatalf("Backoff(%d): got %v, want between %v and %v", tc.attempts, got, tc.want*4/5, tc.want)
			}
		}
	}
}
