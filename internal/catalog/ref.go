package catalog

import (
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
)

// DefaultNamespace is the namespace of an entity that names none.
const DefaultNamespace = "default"

// Ref names an entity as Backstage does: [kind:][namespace/]name.
type Ref struct {
	Kind      string
	Namespace string
	Name      string
}

// String gives the canonical form, kind in lower case: "component:default/checkout".
func (r Ref) String() string {
	return strings.ToLower(r.Kind) + ":" + r.Namespace + "/" + r.Name
}

// Key is the case-insensitive identity of the entity, used in storage.
func (r Ref) Key() string { return strings.ToLower(r.String()) }

// Short leaves out the kind and the default namespace where the reader can
// infer them, as Backstage shows references.
func (r Ref) Short(defaultKind string) string {
	s := r.Name
	if !strings.EqualFold(r.Namespace, DefaultNamespace) {
		s = r.Namespace + "/" + s
	}
	if !strings.EqualFold(r.Kind, defaultKind) {
		s = strings.ToLower(r.Kind) + ":" + s
	}
	return s
}

// ParseRef reads "[kind:][namespace/]name". The kind and namespace fall back
// to the defaults given; a reference without a kind and no default kind is
// invalid. The kind is returned in its canonical spelling when known.
func ParseRef(s, defaultKind, defaultNamespace string) (Ref, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Ref{}, apperr.New(apperr.Invalid, "empty entity reference")
	}
	var r Ref
	rest := s
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		r.Kind, rest = rest[:i], rest[i+1:]
		if r.Kind == "" {
			return Ref{}, apperr.New(apperr.Invalid, "reference %q has an empty kind before ':'", s)
		}
	} else {
		r.Kind = defaultKind
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		r.Namespace, rest = rest[:i], rest[i+1:]
		if r.Namespace == "" {
			return Ref{}, apperr.New(apperr.Invalid, "reference %q has an empty namespace before '/'", s)
		}
	} else {
		r.Namespace = defaultNamespace
	}
	if r.Namespace == "" {
		r.Namespace = DefaultNamespace
	}
	r.Name = rest
	if r.Kind == "" {
		return Ref{}, apperr.New(apperr.Invalid, "reference %q needs a kind, e.g. component:%s", s, s)
	}
	if strings.ContainsAny(r.Name, ":/") {
		return Ref{}, apperr.New(apperr.Invalid, "reference %q: want [kind:][namespace/]name", s)
	}
	if !validKind(r.Kind) {
		return Ref{}, apperr.New(apperr.Invalid, "reference %q: kind %q is not valid", s, r.Kind)
	}
	if !validNamespace(r.Namespace) {
		return Ref{}, apperr.New(apperr.Invalid, "reference %q: namespace %q is not valid (lower-case letters, digits and dashes, at most 63)", s, r.Namespace)
	}
	if !validName(r.Name) {
		return Ref{}, apperr.New(apperr.Invalid, "reference %q: name %q is not valid (letters, digits and -_. between them, at most 63)", s, r.Name)
	}
	if k, ok := canonicalKind(r.Kind); ok {
		r.Kind = k
	}
	return r, nil
}
