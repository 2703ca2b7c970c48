package catalog

import (
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
)

// Validate checks the descriptor against Backstage's rules and Chief's kinds,
// and fills defaults (namespace, canonical kind spelling). The error names
// the field at fault, e.g. "spec.owner".
func (e *Entity) Validate() error {
	switch e.APIVersion {
	case "":
		return apperr.Field("apiVersion", "is required (use %s)", APIVersion)
	case "backstage.io/v1alpha1", "backstage.io/v1beta1":
	default:
		return apperr.Field("apiVersion", "%q is not supported: use %s", e.APIVersion, APIVersion)
	}
	if e.Kind == "" {
		return apperr.Field("kind", "is required")
	}
	kind, ok := KindByName(e.Kind)
	if !ok {
		return apperr.Field("kind", "unknown kind %q: use one of %s", e.Kind, kindNames())
	}
	e.Kind = kind.Name
	if err := e.Metadata.validate(); err != nil {
		return err
	}
	if e.Spec == nil {
		e.Spec = map[string]any{}
	}
	if field := nonFinite(e.Spec, "spec"); field != "" {
		return apperr.Field(field, "is not a finite number (JSON has no NaN or infinity)")
	}
	for _, f := range kind.Fields {
		v, present := e.Spec[f.Name]
		if !present || v == nil {
			if f.Required && f.Shape == List {
				// Backstage requires these lists but an empty one is fine;
				// treat a missing list as empty rather than reject it.
				continue
			}
			if f.Required {
				return apperr.Field("spec."+f.Name, "is required for a %s", kind.Name)
			}
			delete(e.Spec, f.Name)
			continue
		}
		if err := checkShape(f, v, e.Ref().Namespace); err != nil {
			return err
		}
	}
	e.normalise()
	return nil
}

func checkShape(f SpecField, v any, namespace string) error {
	field := "spec." + f.Name
	switch f.Shape {
	case Text:
		if _, ok := PlaceholderTarget(v); ok && f.Placeholder {
			return nil
		}
		s, ok := v.(string)
		if !ok {
			return apperr.Field(field, "must be a string, got %s", shapeName(v))
		}
		if f.Required && strings.TrimSpace(s) == "" {
			return apperr.Field(field, "must not be empty")
		}
		if f.Ref() {
			if _, err := ParseRef(s, f.RefKind, namespace); err != nil {
				return apperr.Field(field, "%s", apperr.As(err).Message)
			}
		}
	case List:
		list, ok := v.([]any)
		if !ok {
			return apperr.Field(field, "must be a list, got %s", shapeName(v))
		}
		for i, item := range list {
			s, ok := item.(string)
			if !ok {
				return apperr.Field(fmt.Sprintf("%s[%d]", field, i), "must be a string, got %s", shapeName(item))
			}
			if f.Ref() {
				if _, err := ParseRef(s, f.RefKind, namespace); err != nil {
					return apperr.Field(fmt.Sprintf("%s[%d]", field, i), "%s", apperr.As(err).Message)
				}
			}
		}
	case Object:
		if _, ok := v.(map[string]any); !ok {
			return apperr.Field(field, "must be a mapping, got %s", shapeName(v))
		}
	}
	return nil
}

func (m *Metadata) validate() error {
	if m.Name == "" {
		return apperr.Field("metadata.name", "is required")
	}
	if !validName(m.Name) {
		return apperr.Field("metadata.name", "%q is not valid: 1-63 letters, digits, and -_. between them", m.Name)
	}
	if m.Namespace == "" {
		m.Namespace = DefaultNamespace
	}
	if !validNamespace(m.Namespace) {
		return apperr.Field("metadata.namespace", "%q is not valid: 1-63 lower-case letters, digits and dashes", m.Namespace)
	}
	if len(m.Title) > 1000 {
		return apperr.Field("metadata.title", "must be at most 1000 characters")
	}
	for _, k := range sortedKeys(m.Labels) {
		if !validKey(k) {
			return apperr.Field("metadata.labels", "key %q is not valid: [prefix/]name, name 1-63 letters, digits, -_.", k)
		}
		if !validLabelValue(m.Labels[k]) {
			return apperr.Field("metadata.labels."+k, "value %q is not valid: 1-63 letters, digits, and -_. between them", m.Labels[k])
		}
	}
	for _, k := range sortedKeys(m.Annotations) {
		if !validKey(k) {
			return apperr.Field("metadata.annotations", "key %q is not valid: [prefix/]name, name 1-63 letters, digits, -_.", k)
		}
	}
	seen := map[string]bool{}
	for i, t := range m.Tags {
		if !validTag(t) {
			return apperr.Field(fmt.Sprintf("metadata.tags[%d]", i), "%q is not valid: 1-63 lower-case letters, digits and :+# in dash-separated words", t)
		}
		if seen[t] {
			return apperr.Field(fmt.Sprintf("metadata.tags[%d]", i), "%q is listed twice", t)
		}
		seen[t] = true
	}
	for i, l := range m.Links {
		u, err := url.Parse(l.URL)
		if l.URL == "" || err != nil || u.Scheme == "" {
			return apperr.Field(fmt.Sprintf("metadata.links[%d].url", i), "%q is not an absolute URL", l.URL)
		}
	}
	return nil
}

func kindNames() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

func shapeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	case bool:
		return "a boolean"
	case nil:
		return "nothing"
	default:
		return "a number"
	}
}

// PlaceholderTarget returns the target of a Backstage substitution such as
// {$text: https://example.com/openapi.yaml}.
func PlaceholderTarget(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	for _, k := range []string{"$text", "$json", "$yaml"} {
		if t, ok := m[k].(string); ok {
			return t, true
		}
	}
	return "", false
}

// nonFinite returns the path of the first NaN or infinite number in v.
func nonFinite(v any, path string) string {
	switch t := v.(type) {
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return path
		}
	case float32:
		return nonFinite(float64(t), path)
	case map[string]any:
		for _, k := range sortedKeys(t) {
			if p := nonFinite(t[k], path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		for i, x := range t {
			if p := nonFinite(x, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	}
	return ""
}
