package notify

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
)

// Kind says what happened, which decides routing (recoveries and reminders
// go only to channels that want them) and how a message looks.
type Kind string

// The kinds of message.
const (
	KindDown             Kind = "down"
	KindUp               Kind = "up"
	KindReminder         Kind = "reminder"
	KindIncidentOpened   Kind = "incident_opened"
	KindIncidentUpdated  Kind = "incident_updated"
	KindIncidentResolved Kind = "incident_resolved"
	KindSLOPage          Kind = "slo_page"
	KindSLOTicket        Kind = "slo_ticket"
	KindTest             Kind = "test"
)

// The severities, least severe first. A channel receives messages at or
// above its MinSeverity.
const (
	SeverityMinor    = "minor"
	SeverityMajor    = "major"
	SeverityCritical = "critical"
)

// severityRank orders severities; a message without one counts as minor.
var severityRank = map[string]int{"": 1, SeverityMinor: 1, SeverityMajor: 2, SeverityCritical: 3}

// kindStyle is how a kind looks in chat: a hex colour for Slack, a named
// colour for Teams (which takes no hex) and a word, so that readers who do
// not tell colours apart still see the state.
type kindStyle struct {
	colour string
	teams  string
	label  string
}

var kinds = map[Kind]kindStyle{
	KindDown:             {"#cf222e", "Attention", "Down"},
	KindUp:               {"#1a7f37", "Good", "Up"},
	KindReminder:         {"#bc4c00", "Warning", "Still down"},
	KindIncidentOpened:   {"#cf222e", "Attention", "Incident opened"},
	KindIncidentUpdated:  {"#9a6700", "Warning", "Incident updated"},
	KindIncidentResolved: {"#1a7f37", "Good", "Incident resolved"},
	KindSLOPage:          {"#cf222e", "Attention", "SLO burning fast"},
	KindSLOTicket:        {"#bc4c00", "Warning", "SLO burning"},
	KindTest:             {"#0969da", "Accent", "Test"},
}

// Message is one alert as every sender receives it; the webhook sender
// posts it as it is, so its JSON form is part of Chief's interface.
type Message struct {
	// EventKey is unique per event, e.g. "monitor:12:down:2026-11-28T02:00:00Z":
	// the outbox enqueues an event once per channel, and webhook receivers
	// drop duplicates by it.
	EventKey string `json:"event_key"`
	Kind     Kind   `json:"kind"`
	// Severity is minor, major or critical; empty counts as minor.
	Severity string `json:"severity,omitempty"`
	Title    string `json:"title"`
	Text     string `json:"text,omitempty"`
	// Entity is the catalog ref of what the message is about.
	Entity string `json:"entity,omitempty"`
	// Team is the catalog ref of the group owning Entity, which routing
	// matches against channel teams; empty reaches only channels for all teams.
	Team string `json:"team,omitempty"`
	// URL links back to the page in Chief.
	URL    string            `json:"url,omitempty"`
	At     time.Time         `json:"at"`
	Fields map[string]string `json:"fields,omitempty"`
}

// Validate checks what routing and the senders rely on. It returns invalid
// errors naming the field.
func (m *Message) Validate() error {
	switch {
	case strings.TrimSpace(m.EventKey) == "":
		return apperr.Field("event_key", "is required: a key unique to the event, such as monitor:12:down:2026-11-28T02:00:00Z")
	case len(m.EventKey) > 500:
		return apperr.Field("event_key", "is %d bytes long; the most is 500", len(m.EventKey))
	}
	if _, ok := kinds[m.Kind]; !ok {
		return apperr.Field("kind", "unknown kind %q: use one of %s", m.Kind, strings.Join(kindNames(), ", "))
	}
	if _, ok := severityRank[m.Severity]; !ok {
		return apperr.Field("severity", "unknown severity %q: use minor, major or critical", m.Severity)
	}
	if strings.TrimSpace(m.Title) == "" {
		return apperr.Field("title", "is required")
	}
	if m.Kind == KindReminder && m.Entity == "" {
		return apperr.Field("entity", "is required for a reminder: reminders are spaced per entity")
	}
	return nil
}

func kindNames() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, string(k))
	}
	sort.Strings(out)
	return out
}

// sortedFields returns the field names in order, so that every sender
// shows them the same way each time.
func (m *Message) sortedFields() []string {
	keys := make([]string, 0, len(m.Fields))
	for k := range m.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// style returns how m's kind looks; unknown kinds look like a test.
func (m *Message) style() kindStyle {
	if s, ok := kinds[m.Kind]; ok {
		return s
	}
	return kinds[KindTest]
}

// plainText is the message as text, for email and for chat fallbacks.
func (m *Message) plainText() string {
	var b strings.Builder
	b.WriteString(m.Title + "\n")
	if m.Text != "" {
		b.WriteString("\n" + m.Text + "\n")
	}
	b.WriteString("\n")
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	line("State", m.style().label)
	line("Severity", m.Severity)
	line("Entity", m.Entity)
	line("Team", m.Team)
	if !m.At.IsZero() {
		line("At", m.At.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	for _, k := range m.sortedFields() {
		line(k, m.Fields[k])
	}
	if m.URL != "" {
		b.WriteString("\n" + m.URL + "\n")
	}
	return b.String()
}
