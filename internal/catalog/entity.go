// Package catalog is Chief's software catalog: domains, systems, components,
// APIs, resources, groups (teams) and users (people), in Backstage's
// descriptor format, with the relations between them.
package catalog

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// APIVersion is the descriptor version Chief writes.
const APIVersion = "backstage.io/v1alpha1"

// Entity is one descriptor: what a catalog-info.yaml document holds.
type Entity struct {
	APIVersion string         `json:"apiVersion" yaml:"apiVersion"`
	Kind       string         `json:"kind" yaml:"kind"`
	Metadata   Metadata       `json:"metadata" yaml:"metadata"`
	Spec       map[string]any `json:"spec,omitempty" yaml:"spec,omitempty"`
}

// Metadata is the part every kind shares.
type Metadata struct {
	Name        string            `json:"name" yaml:"name"`
	Namespace   string            `json:"namespace,omitempty" yaml:"namespace,omitempty"`
	Title       string            `json:"title,omitempty" yaml:"title,omitempty"`
	Description string            `json:"description,omitempty" yaml:"description,omitempty"`
	Labels      map[string]string `json:"labels,omitempty" yaml:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
	Tags        []string          `json:"tags,omitempty" yaml:"tags,omitempty"`
	Links       []Link            `json:"links,omitempty" yaml:"links,omitempty"`
}

// Link is an external link shown on the entity page.
type Link struct {
	URL   string `json:"url" yaml:"url"`
	Title string `json:"title,omitempty" yaml:"title,omitempty"`
	Icon  string `json:"icon,omitempty" yaml:"icon,omitempty"`
	Type  string `json:"type,omitempty" yaml:"type,omitempty"`
}

// Ref returns the entity's reference.
func (e Entity) Ref() Ref {
	ns := e.Metadata.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	return Ref{Kind: e.Kind, Namespace: ns, Name: e.Metadata.Name}
}

// Text returns a string spec field, "" when absent.
func (e Entity) Text(field string) string {
	s, _ := e.Spec[field].(string)
	return s
}

// List returns a list spec field, nil when absent.
func (e Entity) List(field string) []string {
	raw, _ := e.Spec[field].([]any)
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Profile returns a field of spec.profile (Groups and Users).
func (e Entity) Profile(field string) string {
	p, _ := e.Spec["profile"].(map[string]any)
	s, _ := p[field].(string)
	return s
}

// DisplayName is the title, the profile's display name, or the name.
func (e Entity) DisplayName() string {
	if e.Metadata.Title != "" {
		return e.Metadata.Title
	}
	if d := e.Profile("displayName"); d != "" {
		return d
	}
	return e.Metadata.Name
}

// Relation is a typed link from one entity to another, which may not exist.
type Relation struct {
	Type   string `json:"type"`
	Source Ref    `json:"-"`
	Target Ref    `json:"-"`
	// TargetRef is Target in canonical form, for JSON.
	TargetRef string `json:"targetRef"`
	// Resolved is true when the target exists in the catalog.
	Resolved bool `json:"resolved"`
	// TargetTitle is the target's display name when resolved.
	TargetTitle string `json:"targetTitle,omitempty"`
}

// Declared returns the relations the entity's spec declares, from the
// entity to each target; Inverse names the other direction. References that
// do not parse are left out; Validate reports them.
func (e Entity) Declared() []Relation {
	kind, ok := KindByName(e.Kind)
	if !ok {
		return nil
	}
	self := e.Ref()
	var out []Relation
	add := func(f SpecField, raw string) {
		target, err := ParseRef(raw, f.RefKind, self.Namespace)
		if err != nil {
			return
		}
		out = append(out, Relation{Type: f.Relation, Source: self, Target: target})
	}
	for _, f := range kind.Fields {
		if !f.Ref() {
			continue
		}
		switch f.Shape {
		case Text:
			if v := e.Text(f.Name); v != "" {
				add(f, v)
			}
		case List:
			for _, v := range e.List(f.Name) {
				add(f, v)
			}
		}
	}
	return out
}

// Record is an entity as stored, with what Chief knows about it.
type Record struct {
	ID     int64  `json:"-"`
	Entity Entity `json:"entity"`
	// Raw is the stored descriptor as JSON, for answers that pass it on;
	// listings fill it when asked (Query.Raw).
	Raw json.RawMessage `json:"-"`
	// Location is where the descriptor was read from ("" when made in Chief).
	Location string `json:"location,omitempty"`
	// Origin is the import root that brought it in.
	Origin string `json:"origin,omitempty"`
	// Orphaned is set when the entity vanished from its origin.
	Orphaned  bool       `json:"orphaned"`
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
	Relations []Relation `json:"relations,omitempty"`
}

// fields flattens the entity and its bookkeeping into comparable values for
// the audit log: one key per metadata field and per spec field.
func (r *Record) fields() map[string]any {
	e := &r.Entity
	m := map[string]any{
		"apiVersion":           e.APIVersion,
		"metadata.name":        e.Metadata.Name,
		"metadata.namespace":   e.Metadata.Namespace,
		"metadata.title":       e.Metadata.Title,
		"metadata.description": e.Metadata.Description,
		"location":             r.Location,
		"origin":               r.Origin,
		"orphaned":             r.Orphaned,
	}
	if len(e.Metadata.Labels) > 0 {
		m["metadata.labels"] = e.Metadata.Labels
	}
	if len(e.Metadata.Annotations) > 0 {
		m["metadata.annotations"] = e.Metadata.Annotations
	}
	if len(e.Metadata.Tags) > 0 {
		m["metadata.tags"] = e.Metadata.Tags
	}
	if len(e.Metadata.Links) > 0 {
		m["metadata.links"] = e.Metadata.Links
	}
	for k, v := range m {
		if s, ok := v.(string); ok && s == "" {
			delete(m, k)
		}
	}
	// Spec values are kept even when empty: "" is a value the descriptor
	// holds, and its change must be written and recorded.
	for k, v := range e.Spec {
		m["spec."+k] = v
	}
	return m
}

// normalise makes two equal descriptors compare equal: the spec goes
// through JSON (so YAML integers and JSON numbers agree), tags are kept in
// their order, empty collections become nil.
func (e *Entity) normalise() {
	if len(e.Spec) == 0 {
		e.Spec = nil
	} else {
		b, _ := json.Marshal(e.Spec)
		var spec map[string]any
		_ = json.Unmarshal(b, &spec)
		e.Spec = spec
	}
	if len(e.Metadata.Labels) == 0 {
		e.Metadata.Labels = nil
	}
	if len(e.Metadata.Annotations) == 0 {
		e.Metadata.Annotations = nil
	}
	if len(e.Metadata.Tags) == 0 {
		e.Metadata.Tags = nil
	}
	if len(e.Metadata.Links) == 0 {
		e.Metadata.Links = nil
	}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// lower is strings.ToLower, named for how it is used: keys compare without
// regard to case.
func lower(s string) string { return strings.ToLower(s) }
