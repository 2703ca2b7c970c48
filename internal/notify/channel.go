// Package notify sends alerts to people: a generic signed webhook, Slack and
// Microsoft Teams incoming webhooks, and email over SMTP. Messages go through
// a durable outbox, so an alert survives a restart and a receiver that is
// down, and is enqueued once per event.
package notify

import "github.com/chief-hq/chief/internal/dur"

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
	// Email.
	SMTPHost string   `json:"smtp_host,omitempty" yaml:"smtp_host,omitempty"`
	SMTPPort int      `json:"smtp_port,omitempty" yaml:"smtp_port,omitempty"`
	Username string   `json:"username,omitempty" yaml:"username,omitempty"`
	Password string   `json:"password,omitempty" yaml:"password,omitempty"`
	From     string   `json:"from,omitempty" yaml:"from,omitempty"`
	To       []string `json:"to,omitempty" yaml:"to,omitempty"`
	// StartTLS requires STARTTLS before authenticating (default on when
	// the server offers it).
	NoTLS bool `json:"no_tls,omitempty" yaml:"no_tls,omitempty"`
}
