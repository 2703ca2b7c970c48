// Package notify sends alerts to people: a generic signed webhook, Slack and
// Microsoft Teams incoming webhooks, and email over SMTP. Messages go through
// a durable outbox, so an alert survives a restart and a receiver that is
// down, and is enqueued once per event.
package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/dur"
)

// ChannelInput is a notification channel as a user or an import gives it.
type ChannelInput struct {
	// Name is unique among channels.
	Name string `json:"name" yaml:"name"`
	// Type is one of the registered senders: webhook, slack, teams, email.
	Type string `json:"type" yaml:"type"`
	// Settings are the sender's own settings (url, secret, smtp host, ...).
	Settings Settings `json:"settings" yaml:"settings"`
	// Teams limits the channel to alerts about entities owned by these
	// teams (catalog refs such as group:default/payments); empty means all.
	Teams []string `json:"teams,omitempty" yaml:"teams,omitempty"`
	// MinSeverity is the least severe alert the channel receives:
	// minor, major or critical (default minor: everything).
	MinSeverity string `json:"min_severity,omitempty" yaml:"min_severity,omitempty"`
	// ReminderEvery repeats a down alert while the entity stays down; 0 means never.
	ReminderEvery dur.Duration `json:"reminder_every,omitempty" yaml:"reminder_every,omitempty"`
	// SendRecovery sends a message when the entity is back up (default true
	// when imported from a config that says so).
	SendRecovery bool `json:"send_recovery" yaml:"send_recovery"`
}

// Settings are one channel's sender settings. Each sender reads what it needs.
type Settings struct {
	// URL is the webhook address (webhook, slack, teams).
	URL string `json:"url,omitempty" yaml:"url,omitempty"`
	// Secret signs webhook bodies with HMAC-SHA256.
	Secret string `json:"secret,omitempty" yaml:"secret,omitempty"`
	// Email. SMTPPort 0 means 587, the submission port.
	SMTPHost string   `json:"smtp_host,omitempty" yaml:"smtp_host,omitempty"`
	SMTPPort int      `json:"smtp_port,omitempty" yaml:"smtp_port,omitempty"`
	Username string   `json:"username,omitempty" yaml:"username,omitempty"`
	Password string   `json:"password,omitempty" yaml:"password,omitempty"`
	From     string   `json:"from,omitempty" yaml:"from,omitempty"`
	To       []string `json:"to,omitempty" yaml:"to,omitempty"`
	// NoTLS skips STARTTLS even when the server offers it, for a relay
	// whose certificate cannot be checked. Without TLS, net/smtp sends a
	// password only to a server on localhost.
	NoTLS bool `json:"no_tls,omitempty" yaml:"no_tls,omitempty"`
}

// Channel is a stored channel with its last delivery status, so that a
// broken channel shows on its page before anyone misses an alert.
type Channel struct {
	ID int64 `json:"id"`
	ChannelInput
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// LastSentAt is the last successful delivery; LastErrorAt and
	// LastError the last failed attempt. The channel works when LastSentAt
	// is after LastErrorAt.
	LastSentAt  *time.Time `json:"last_sent_at,omitempty"`
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
}

// minReminder keeps reminders from turning into a flood.
const minReminder = time.Minute

// Validate checks the input and puts it in canonical form (trimmed, teams
// as full refs, default severity, whole-second reminder), so that an
// unchanged re-import compares equal. It returns invalid errors naming the
// field; a taken name is found only on writing (conflict). Redacted
// secrets pass: the store puts the stored ones back before saving.
func (in *ChannelInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if err := validName(in.Name); err != nil {
		return err
	}
	in.Type = strings.TrimSpace(in.Type)
	sender, ok := senders[in.Type]
	if !ok {
		return apperr.Field("type", "unknown channel type %q: use one of %s", in.Type, strings.Join(Types(), ", "))
	}
	if in.MinSeverity == "" {
		in.MinSeverity = SeverityMinor
	}
	if severityRank[in.MinSeverity] == 0 {
		return apperr.Field("min_severity", "unknown severity %q: use minor, major or critical", in.MinSeverity)
	}
	if err := in.normalTeams(); err != nil {
		return err
	}
	switch every := in.ReminderEvery.D(); {
	case every < 0:
		return apperr.Field("reminder_every", "must not be negative; 0 means no reminders")
	case every > 0 && every < minReminder:
		return apperr.Field("reminder_every", "is %s; the least is %s (0 means no reminders)", every, minReminder)
	default:
		in.ReminderEvery = dur.Duration(every.Truncate(time.Second))
	}
	return sender.Validate(&in.Settings)
}

func validName(name string) error {
	if name == "" {
		return apperr.Field("name", "is required")
	}
	if len(name) > 63 {
		return apperr.Field("name", "is %d characters long; the most is 63", len(name))
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return apperr.Field("name", "%q has %q: use lower-case letters, digits, '.', '_' and '-'", name, c)
		}
	}
	return nil
}

// normalTeams writes each team as a full catalog ref (group is the default
// kind) and drops duplicates.
func (in *ChannelInput) normalTeams() error {
	var out []string
	seen := map[string]bool{}
	for i, t := range in.Teams {
		r, err := catalog.ParseRef(t, "group", catalog.DefaultNamespace)
		if err != nil {
			return apperr.Field(fmt.Sprintf("teams[%d]", i), "%s; write a team as group:default/payments or payments", apperr.As(err).Message)
		}
		if seen[r.Key()] {
			continue
		}
		seen[r.Key()] = true
		out = append(out, r.String())
	}
	in.Teams = out
	return nil
}

// teamKey is the case-insensitive form a team is matched by, falling back
// to the text itself for a message whose team is not a valid ref.
func teamKey(team string) string {
	if r, err := catalog.ParseRef(team, "group", catalog.DefaultNamespace); err == nil {
		return r.Key()
	}
	return strings.ToLower(strings.TrimSpace(team))
}

// receives reports whether the channel wants m, by team, severity and kind.
func (in *ChannelInput) receives(m *Message) bool {
	switch m.Kind {
	case KindUp:
		if !in.SendRecovery {
			return false
		}
	case KindReminder:
		if in.ReminderEvery <= 0 {
			return false
		}
	}
	if severityRank[m.Severity] < severityRank[in.MinSeverity] {
		return false
	}
	if len(in.Teams) == 0 {
		return true
	}
	if m.Team == "" {
		return false
	}
	want := teamKey(m.Team)
	for _, t := range in.Teams {
		if teamKey(t) == want {
			return true
		}
	}
	return false
}

// encodeTeams is the teams column: a JSON array, [] for all teams.
func encodeTeams(teams []string) string {
	if len(teams) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(teams)
	return string(b)
}
