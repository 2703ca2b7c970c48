// Package hooks turns webhook deliveries from code hosts (GitHub, GitLab)
// into the records the delivery package stores. It is pure: it verifies and
// parses, and leaves storage and HTTP to its callers.
package hooks

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/chief-hq/chief/internal/delivery"
)

// Provider is one webhook source (github, gitlab). A new provider is one
// file plus one line in the registry map.
type Provider interface {
	// Name is the provider's key in the registry, as used in URLs.
	Name() string
	// Verify checks the delivery's signature or token against secret. A
	// mismatch, a missing header or an empty secret returns an
	// apperr.Unauthorized error (the handler answers 401).
	Verify(header http.Header, body []byte, secret string) error
	// Event returns the event type from the headers ("push", "Push Hook"),
	// "" when missing.
	Event(header http.Header) string
	// DeliveryID returns the provider's unique id for the delivery, "" if
	// none; the handler uses it to drop replays.
	DeliveryID(header http.Header) string
	// Parse turns one delivery body into a Batch. Unknown event types, and
	// known ones that carry nothing Chief records, return a Batch with
	// Ignored set and a nil error. Malformed JSON, or a known event missing
	// a field it needs, returns an apperr.Invalid error whose Field is the
	// JSON path ("deployment.sha"), and an empty Batch. Records leave
	// Component empty and name their Repository; every record returned
	// passes its Validate once a component or repository is known.
	Parse(event string, body []byte) (delivery.Batch, error)
}

// providers is the registry: one line per provider.
var providers = map[string]Provider{
	sourceGitHub: github{},
	sourceGitLab: gitlab{},
}

// Lookup returns the provider registered under name (case-insensitive).
func Lookup(name string) (Provider, bool) {
	p, ok := providers[strings.ToLower(strings.TrimSpace(name))]
	return p, ok
}

// Names lists the registered providers, sorted, for help text and errors.
func Names() []string {
	names := make([]string, 0, len(providers))
	for name := range providers {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// ignored is a batch that carries nothing, with the reason why.
func ignored(format string, args ...any) delivery.Batch {
	return delivery.Batch{Ignored: fmt.Sprintf(format, args...)}
}

// unknownEvent is the batch for an event type a provider does not read.
func unknownEvent(event string) delivery.Batch {
	if event == "" {
		return ignored("the delivery names no event type")
	}
	return ignored("%q events are not read", event)
}

// parser reads one event type's body.
type parser func(body []byte) (delivery.Batch, error)

// parseEvent runs the parser registered for event, and ignores events
// with none.
func parseEvent(parsers map[string]parser, event string, body []byte) (delivery.Batch, error) {
	parse, ok := parsers[event]
	if !ok {
		return unknownEvent(event), nil
	}
	b, err := parse(body)
	if err != nil {
		return delivery.Batch{}, err
	}
	return b, nil
}
