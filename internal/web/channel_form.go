package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/notify"
)

// channelForm adds or edits an alert channel. Secrets are never put in
// the page: on editing, a secret left empty keeps the stored one.
type channelForm struct {
	Action  string
	Editing bool
	// Values are the inputs by name, settings as "settings.url".
	Values              map[string]string
	SendRecovery, NoTLS bool
	// HasSecret and HasPassword say that a secret is stored, which an
	// empty input keeps.
	HasSecret, HasPassword bool
	Errors                 map[string]string
	Types, Severities      []string
	URLHelp                string
}

// channelTextInputs are the text inputs the form reads as they are.
var channelTextInputs = []string{
	"name", "type", "teams", "min_severity", "reminder_every",
	"settings.url", "settings.smtp_host", "settings.smtp_port", "settings.username", "settings.from", "settings.to",
}

func newChannelForm() *channelForm {
	return &channelForm{Action: "/admin/channels", Values: map[string]string{"type": "webhook", "min_severity": notify.SeverityMinor},
		SendRecovery: true, Errors: map[string]string{}}
}

// channelFormOf fills the form from a stored channel, redacted first so
// that no secret reaches the page.
func channelFormOf(c notify.Channel) *channelForm {
	c = c.Redacted()
	st := c.Settings
	f := &channelForm{Action: "/admin/channels/" + c.Name + "/edit", Editing: true, Errors: map[string]string{},
		SendRecovery: c.SendRecovery, NoTLS: st.NoTLS, HasSecret: st.Secret != "", HasPassword: st.Password != "",
		Values: map[string]string{
			"name": c.Name, "type": c.Type, "teams": strings.Join(teamNames(c.Teams), "\n"), "min_severity": c.MinSeverity,
			"settings.url": st.URL, "settings.smtp_host": st.SMTPHost, "settings.username": st.Username,
			"settings.from": st.From, "settings.to": strings.Join(st.To, "\n"),
		}}
	if c.ReminderEvery > 0 {
		f.Values["reminder_every"] = shortDuration(c.ReminderEvery.D())
	}
	if st.SMTPPort != 0 {
		f.Values["settings.smtp_port"] = strconv.Itoa(st.SMTPPort)
	}
	return f
}

// read takes the posted form into f and the channel it describes. old is
// the stored channel when editing: an empty secret keeps its value unless
// the clear box is ticked. Inputs the store cannot check (numbers,
// durations) are checked here.
func (f *channelForm) read(r *http.Request, old *notify.Channel) notify.ChannelInput {
	for _, k := range channelTextInputs {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	f.SendRecovery = r.PostFormValue("send_recovery") != ""
	f.NoTLS = r.PostFormValue("settings.no_tls") != ""
	v := f.Values
	in := notify.ChannelInput{
		Name: v["name"], Type: v["type"], Teams: typedRefs(v["teams"]), MinSeverity: v["min_severity"], SendRecovery: f.SendRecovery,
		Settings: notify.Settings{
			URL: v["settings.url"], Secret: r.PostFormValue("settings.secret"), SMTPHost: v["settings.smtp_host"],
			Username: v["settings.username"], Password: r.PostFormValue("settings.password"), From: v["settings.from"],
			To: addressList(v["settings.to"]), NoTLS: f.NoTLS,
		},
	}
	if s := v["reminder_every"]; s != "" && s != "0" {
		d, err := time.ParseDuration(s)
		if err != nil {
			f.Errors["reminder_every"] = "“" + s + "” is not a duration such as 30m or 2h; leave it empty for no reminders."
		}
		in.ReminderEvery = dur.Duration(d)
	}
	if s := v["settings.smtp_port"]; s != "" {
		port, err := strconv.Atoi(s)
		if err != nil {
			f.Errors["settings.smtp_port"] = "“" + s + "” is not a port number such as 587."
		}
		in.Settings.SMTPPort = port
	}
	if old != nil {
		f.HasSecret, f.HasPassword = old.Settings.Secret != "", old.Settings.Password != ""
		// The store puts a stored secret back where it receives the
		// redaction placeholder.
		if in.Settings.Secret == "" && f.HasSecret && r.PostFormValue("clear_secret") == "" {
			in.Settings.Secret = notify.Redaction
		}
		if in.Settings.Password == "" && f.HasPassword && r.PostFormValue("clear_password") == "" {
			in.Settings.Password = notify.Redaction
		}
	}
	return in
}

// setError shows a store error at its input, or above the form.
func (f *channelForm) setError(e *apperr.Error) {
	field := formFieldOf(e.Field)
	switch field {
	case "settings.secret", "settings.password", "settings.no_tls":
	default:
		if _, shown := f.Values[field]; !shown {
			field = "form"
		}
	}
	f.Errors[field] = e.Message
}

func (f *channelForm) fill() *channelForm {
	f.URLHelp = "Slack and Teams addresses are secrets: Chief never shows them again."
	if f.Editing {
		f.URLHelp = "Shown without its secret parts; leave it as it is to keep the stored address."
	}
	f.Types = notify.Types()
	f.Severities = []string{notify.SeverityMinor, notify.SeverityMajor, notify.SeverityCritical}
	return f
}

func teamNames(refs []string) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = teamName(r)
	}
	return out
}

// shortDuration writes a duration as people type it: "30m" rather than
// Go's "30m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// addressList reads email addresses one per line or separated by commas;
// spaces stay, for "Ana Lima <ana@example.com>".
func addressList(s string) []string {
	var out []string
	for _, a := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}
