package notify

import (
	"net/url"
	"strings"

	"github.com/chief-hq/chief/internal/audit"
)

// Redaction stands in for a secret wherever a channel is shown. Sent back
// unchanged in an update or import, it keeps the stored secret.
const Redaction = "••••"

// urlCredential marks senders whose URL is itself the credential (Slack and
// Teams webhook addresses carry their token in the path), so the URL is
// redacted like a secret.
type urlCredential interface{ urlIsCredential() }

// Redacted returns the channel with secrets, passwords and credential URLs
// replaced by Redaction, for pages and API answers.
func (c Channel) Redacted() Channel {
	c.Settings = c.Settings.redacted(c.Type)
	c.Teams = append([]string(nil), c.Teams...)
	return c
}

func (s Settings) redacted(typ string) Settings {
	if s.Secret != "" {
		s.Secret = Redaction
	}
	if s.Password != "" {
		s.Password = Redaction
	}
	s.URL = redactURL(typ, s.URL)
	s.To = append([]string(nil), s.To...)
	return s
}

// redactURL keeps the scheme and host of a URL, enough to tell which
// service it points at. Credential URLs lose their path; other URLs keep
// it but lose user info and query, where receivers often take a token.
func redactURL(typ, raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Redaction
	}
	if _, ok := senders[typ].(urlCredential); ok {
		return u.Scheme + "://" + u.Host + "/" + Redaction
	}
	out := u.Scheme + "://"
	if u.User != nil {
		out += Redaction + "@"
	}
	out += u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		out += "?" + Redaction
	}
	return out
}

// keepSecrets puts back the stored secrets where the input carries their
// redacted form, so a form that showed a redacted channel can save it.
func (s *Settings) keepSecrets(typ string, old Settings) {
	if s.Secret == Redaction {
		s.Secret = old.Secret
	}
	if s.Password == Redaction {
		s.Password = old.Password
	}
	if strings.Contains(s.URL, Redaction) && s.URL == redactURL(typ, old.URL) {
		s.URL = old.URL
	}
}

// auditFields is the channel as the audit log shows it, secrets redacted.
func (in *ChannelInput) auditFields() map[string]any {
	r := in.Settings.redacted(in.Type)
	return map[string]any{
		"name":               in.Name,
		"type":               in.Type,
		"teams":              strings.Join(in.Teams, ", "),
		"min_severity":       in.MinSeverity,
		"reminder_every":     in.ReminderEvery.String(),
		"send_recovery":      in.SendRecovery,
		"settings.url":       r.URL,
		"settings.secret":    r.Secret,
		"settings.smtp_host": r.SMTPHost,
		"settings.smtp_port": r.SMTPPort,
		"settings.username":  r.Username,
		"settings.password":  r.Password,
		"settings.from":      r.From,
		"settings.to":        strings.Join(r.To, ", "),
		"settings.no_tls":    r.NoTLS,
	}
}

// auditChanges lists what changed from old to in (old nil for a new
// channel). A secret replaced by another shows as changed without either
// value.
func auditChanges(old, in *ChannelInput) map[string]audit.Change {
	var before map[string]any
	if old == nil {
		old = &ChannelInput{}
	} else {
		before = old.auditFields()
	}
	changes := audit.Diff(before, in.auditFields())
	secret := func(field, o, n string) {
		if o != "" && n != "" && o != n {
			if _, shown := changes[field]; !shown {
				changes[field] = audit.Change{Old: Redaction, New: Redaction + " (changed)"}
			}
		}
	}
	secret("settings.secret", old.Settings.Secret, in.Settings.Secret)
	secret("settings.password", old.Settings.Password, in.Settings.Password)
	secret("settings.url", old.Settings.URL, in.Settings.URL)
	return changes
}
