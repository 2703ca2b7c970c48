// Package audit records who changed what, when, in the same transaction as
// the change, and answers questions about that record.
package audit

import (
	"context"
	"encoding/json"
	"time"
)

// Actor is who makes a change: a signed-in user, an API token, or the CLI.
type Actor struct {
	// Name is what the audit log shows, e.g. "user:ana@example.com",
	// "token:7 (ci)" or "cli:root".
	Name string
}

type actorKey struct{}

// WithActor returns a context that carries who is acting.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, or "system" when none is.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok && a.Name != "" {
		return a
	}
	return Actor{Name: "system"}
}

// Change is the old and new value of one field.
type Change struct {
	Old any `json:"old"`
	New any `json:"new"`
}

// Entry is one audited change.
type Entry struct {
	ID         int64             `json:"id"`
	At         time.Time         `json:"at"`
	Actor      string            `json:"actor"`
	Action     string            `json:"action"`
	RecordType string            `json:"record_type"`
	RecordID   string            `json:"record_id"`
	Changes    map[string]Change `json:"changes"`
}

// Diff returns the fields whose values differ between old and new, which map
// field names to comparable values (strings, numbers, booleans, or JSON text
// for nested values).
func Diff(old, new map[string]any) map[string]Change {
	out := map[string]Change{}
	for k, nv := range new {
		ov, ok := old[k]
		if !ok || !equal(ov, nv) {
			out[k] = Change{Old: ov, New: nv}
		}
	}
	for k, ov := range old {
		if _, ok := new[k]; !ok {
			out[k] = Change{Old: ov, New: nil}
		}
	}
	return out
}

func equal(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
