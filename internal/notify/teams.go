package notify

import (
	"context"
	"encoding/json"
)

// teams posts an Adaptive Card to a Microsoft Teams incoming webhook (a
// Workflows "when a webhook request is received" flow; the older Office 365
// connectors take the same envelope).
type teams struct{}

func (teams) urlIsCredential() {}

func (teams) Validate(s *Settings) error { return validateURL("settings.url", &s.URL) }

func (teams) Send(ctx context.Context, s *Settings, m *Message) error {
	body, err := json.Marshal(teamsPayload(m))
	if err != nil {
		return err
	}
	return postJSON(ctx, "teams", s.URL, body, nil)
}

type teamsMessage struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string    `json:"contentType"`
	ContentURL  *string   `json:"contentUrl"`
	Content     teamsCard `json:"content"`
}

type teamsCard struct {
	Schema  string        `json:"$schema"`
	Type    string        `json:"type"`
	Version string        `json:"version"`
	Body    []any         `json:"body"`
	Actions []teamsAction `json:"actions,omitempty"`
}

type teamsText struct {
	Type   string `json:"type"`
	Text   string `json:"text"`
	Wrap   bool   `json:"wrap"`
	Weight string `json:"weight,omitempty"`
	Size   string `json:"size,omitempty"`
	Color  string `json:"color,omitempty"`
}

type teamsFactSet struct {
	Type  string      `json:"type"`
	Facts []teamsFact `json:"facts"`
}

type teamsFact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

type teamsAction struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

func teamsPayload(m *Message) teamsMessage {
	st := m.style()
	card := teamsCard{
		Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
		Type:    "AdaptiveCard",
		Version: "1.4",
		Body: []any{
			teamsText{Type: "TextBlock", Text: st.label + ": " + m.Title, Wrap: true, Weight: "Bolder", Size: "Medium", Color: st.teams},
		},
	}
	if m.Text != "" {
		card.Body = append(card.Body, teamsText{Type: "TextBlock", Text: m.Text, Wrap: true})
	}
	var facts []teamsFact
	add := func(k, v string) {
		if v != "" {
			facts = append(facts, teamsFact{Title: k, Value: v})
		}
	}
	add("Severity", m.Severity)
	add("Entity", m.Entity)
	add("Team", m.Team)
	if !m.At.IsZero() {
		add("At", m.At.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	for _, k := range m.sortedFields() {
		add(k, m.Fields[k])
	}
	if len(facts) > 0 {
		card.Body = append(card.Body, teamsFactSet{Type: "FactSet", Facts: facts})
	}
	if m.URL != "" {
		card.Actions = []teamsAction{{Type: "Action.OpenUrl", Title: "Open in Chief", URL: m.URL}}
	}
	return teamsMessage{
		Type:        "message",
		Attachments: []teamsAttachment{{ContentType: "application/vnd.microsoft.card.adaptive", Content: card}},
	}
}
