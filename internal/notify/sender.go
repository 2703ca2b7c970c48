package notify

import (
	"context"
	"sort"
)

// Sender delivers messages to one kind of channel. Adding a channel type is
// one file with its Sender and one line in senders.
type Sender interface {
	// Validate checks and trims the sender's settings, returning invalid
	// errors that name the field ("settings.url").
	Validate(s *Settings) error
	// Send delivers m once; an error means the outbox tries again later.
	Send(ctx context.Context, s *Settings, m *Message) error
}

var senders = map[string]Sender{
	"webhook": webhook{},
	"slack":   slack{},
	"teams":   teams{},
	"email":   email{},
}

// Types lists the channel types, for forms and error messages.
func Types() []string {
	out := make([]string, 0, len(senders))
	for t := range senders {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
