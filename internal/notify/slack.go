package notify

import (
	"context"
	"encoding/json"
	"strings"
)

// slack posts to a Slack incoming webhook, or to anything that accepts
// Slack's format (Mattermost, Rocket.Chat): a text for notifications and
// one attachment whose colour bar shows the state.
type slack struct{}

func (slack) urlIsCredential() {}

func (slack) Validate(s *Settings) error { return validateURL("settings.url", &s.URL) }

func (slack) Send(ctx context.Context, s *Settings, m *Message) error {
	body, err := json.Marshal(slackPayload(m))
	if err != nil {
		return err
	}
	return postJSON(ctx, "slack", s.URL, body, nil)
}

type slackMessage struct {
	Text        string            `json:"text"`
	Attachments []slackAttachment `json:"attachments"`
}

type slackAttachment struct {
	Color     string       `json:"color"`
	Fallback  string       `json:"fallback"`
	Title     string       `json:"title"`
	TitleLink string       `json:"title_link,omitempty"`
	Text      string       `json:"text,omitempty"`
	Fields    []slackField `json:"fields,omitempty"`
	Footer    string       `json:"footer"`
	Ts        int64        `json:"ts,omitempty"`
}

type slackField struct {
	Title string `json:"title"`
	Value string `json:"value"`
	Short bool   `json:"short"`
}

func slackPayload(m *Message) slackMessage {
	st := m.style()
	a := slackAttachment{
		Color:     st.colour,
		Fallback:  st.label + ": " + m.Title,
		Title:     slackEscape(m.Title),
		TitleLink: m.URL,
		Text:      slackEscape(m.Text),
		Footer:    "Chief",
	}
	if !m.At.IsZero() {
		a.Ts = m.At.Unix()
	}
	add := func(k, v string) {
		if v != "" {
			a.Fields = append(a.Fields, slackField{Title: k, Value: slackEscape(v), Short: true})
		}
	}
	add("State", st.label)
	add("Severity", m.Severity)
	add("Entity", m.Entity)
	add("Team", m.Team)
	for _, k := range m.sortedFields() {
		add(k, m.Fields[k])
	}
	return slackMessage{Text: slackEscape(st.label + ": " + m.Title), Attachments: []slackAttachment{a}}
}

// slackEscape escapes the three characters Slack reads as markup, so that
// a title such as "<500 ms" is shown as written.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
