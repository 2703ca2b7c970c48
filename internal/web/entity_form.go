package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
)

// entityForm is the state of the create and edit forms: what the user
// typed, and an error per field.
type entityForm struct {
	Kind    catalog.KindDef
	Editing bool
	Action  string
	Values  map[string]string
	Errors  map[string]string
	// Extra keeps spec fields the form does not show, so editing keeps them.
	Extra map[string]any
	Back  string
	// Suggest offers values for spec inputs, by input name.
	Suggest map[string][]string
}

// profileFields are the parts of a Group's or User's spec.profile the form
// shows; other profile keys are kept as they are.
var profileFields = []string{"displayName", "email", "picture"}

// formField is one spec input of the form.
type formField struct {
	Name, Label, Help, Value, Error string
	Multiline, Required             bool
	Suggest                         []string
}

// SpecFields lists the kind's spec inputs with their values and errors.
func (f *entityForm) SpecFields() []formField {
	var out []formField
	for _, sf := range f.Kind.Fields {
		if sf.Shape == catalog.Object {
			for _, p := range profileFields {
				key := "spec.profile." + p
				out = append(out, formField{Name: key, Label: "Profile " + p, Value: f.Values[key], Error: f.Errors[key]})
			}
			continue
		}
		key := "spec." + sf.Name
		out = append(out, formField{Name: key, Label: sf.Name, Help: sf.Help, Value: f.Values[key], Error: f.Errors[key],
			Multiline: sf.Shape == catalog.List || sf.Name == "definition", Required: sf.Required && sf.Shape != catalog.List,
			Suggest: f.Suggest[key]})
	}
	return out
}

func newEntityForm(kind catalog.KindDef) *entityForm {
	return &entityForm{Kind: kind, Values: map[string]string{"metadata.namespace": catalog.DefaultNamespace}, Errors: map[string]string{}}
}

// fill puts an entity's values into the form.
func (f *entityForm) fill(e catalog.Entity) {
	m := e.Metadata
	f.Values["metadata.name"] = m.Name
	f.Values["metadata.namespace"] = m.Namespace
	f.Values["metadata.title"] = m.Title
	f.Values["metadata.description"] = m.Description
	f.Values["metadata.tags"] = strings.Join(m.Tags, " ")
	f.Values["metadata.labels"] = pairs(m.Labels)
	f.Values["metadata.annotations"] = pairs(m.Annotations)
	var links []string
	for _, l := range m.Links {
		links = append(links, strings.TrimSpace(l.URL+" "+l.Title))
	}
	f.Values["metadata.links"] = strings.Join(links, "\n")
	f.Extra = map[string]any{}
	for k, v := range e.Spec {
		f.Extra[k] = v
	}
	for _, sf := range f.Kind.Fields {
		delete(f.Extra, sf.Name)
		switch sf.Shape {
		case catalog.Text:
			if v, ok := e.Spec[sf.Name].(string); ok {
				f.Values["spec."+sf.Name] = v
			} else if _, ok := catalog.PlaceholderTarget(e.Spec[sf.Name]); ok {
				// Kept as written unless the user types a value.
				f.Extra[sf.Name] = e.Spec[sf.Name]
			}
		case catalog.List:
			f.Values["spec."+sf.Name] = strings.Join(e.List(sf.Name), "\n")
		case catalog.Object:
			for _, p := range profileFields {
				f.Values["spec.profile."+p] = e.Profile(p)
			}
			if prof, ok := e.Spec["profile"].(map[string]any); ok {
				for k, v := range prof {
					if !slices.Contains(profileFields, k) {
						if f.Extra["profile"] == nil {
							f.Extra["profile"] = map[string]any{}
						}
						f.Extra["profile"].(map[string]any)[k] = v
					}
				}
			}
		}
	}
}

// read takes the posted values and builds the entity they describe.
func (f *entityForm) read(form url.Values) catalog.Entity {
	for k := range form {
		if strings.HasPrefix(k, "metadata.") || strings.HasPrefix(k, "spec.") {
			f.Values[k] = strings.TrimSpace(form.Get(k))
		}
	}
	e := catalog.Entity{APIVersion: catalog.APIVersion, Kind: f.Kind.Name, Spec: map[string]any{}}
	for k, v := range f.Extra {
		e.Spec[k] = v
	}
	e.Metadata = catalog.Metadata{
		Name:        f.Values["metadata.name"],
		Namespace:   f.Values["metadata.namespace"],
		Title:       f.Values["metadata.title"],
		Description: f.Values["metadata.description"],
		Tags:        strings.Fields(strings.ReplaceAll(f.Values["metadata.tags"], ",", " ")),
		Labels:      parsePairs(f.Values["metadata.labels"]),
		Annotations: parsePairs(f.Values["metadata.annotations"]),
	}
	for _, line := range lines(f.Values["metadata.links"]) {
		u, title, _ := strings.Cut(line, " ")
		e.Metadata.Links = append(e.Metadata.Links, catalog.Link{URL: u, Title: strings.TrimSpace(title)})
	}
	for _, sf := range f.Kind.Fields {
		key := "spec." + sf.Name
		switch sf.Shape {
		case catalog.Text:
			if v := f.Values[key]; v != "" {
				e.Spec[sf.Name] = v
			}
		case catalog.List:
			list := []any{}
			for _, l := range lines(f.Values[key]) {
				list = append(list, l)
			}
			if len(list) > 0 || sf.Required {
				e.Spec[sf.Name] = list
			}
		case catalog.Object:
			prof := map[string]any{}
			if extra, ok := f.Extra["profile"].(map[string]any); ok {
				for k, v := range extra {
					prof[k] = v
				}
			}
			for _, p := range profileFields {
				if v := f.Values["spec.profile."+p]; v != "" {
					prof[p] = v
				}
			}
			if len(prof) > 0 {
				e.Spec["profile"] = prof
			}
		}
	}
	return e
}

var indexSuffix = regexp.MustCompile(`\[\d+\].*$`)

// setError puts a validation error next to the input it concerns.
func (f *entityForm) setError(err error) bool {
	e := apperr.As(err)
	if e == nil || (e.Code != apperr.Invalid && e.Code != apperr.Conflict) {
		return false
	}
	field := indexSuffix.ReplaceAllString(e.Field, "")
	if strings.HasPrefix(field, "metadata.labels.") {
		field = "metadata.labels"
	}
	if _, shown := f.Values[field]; !shown && field != "" && !f.hasInput(field) {
		field = ""
	}
	if e.Code == apperr.Conflict {
		field = "metadata.name"
	}
	if field == "" {
		field = "form"
	}
	f.Errors[field] = e.Message
	return true
}

func (f *entityForm) hasInput(field string) bool {
	if strings.HasPrefix(field, "metadata.") {
		return true
	}
	for _, sf := range f.SpecFields() {
		if sf.Name == field {
			return true
		}
	}
	return false
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func pairs(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + m[k] + "\n")
	}
	return strings.TrimSpace(b.String())
}

func parsePairs(s string) map[string]string {
	out := map[string]string{}
	for _, l := range lines(s) {
		k, v, _ := strings.Cut(l, "=")
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out
}

// refFromPath reads the entity reference of an entity URL.
func refFromPath(r *http.Request) (catalog.Ref, error) {
	kind, ok := catalog.KindByName(r.PathValue("kind"))
	if !ok {
		return catalog.Ref{}, apperr.New(apperr.NotFound, "unknown kind %q", r.PathValue("kind"))
	}
	return catalog.Ref{Kind: kind.Name, Namespace: r.PathValue("namespace"), Name: r.PathValue("name")}, nil
}

// suggest fills the values the form offers for owner, system, domain, type
// and lifecycle, from what the catalog holds.
func (s *Server) suggest(ctx context.Context, f *entityForm) error {
	facets, err := s.catalog.Facets(ctx)
	if err != nil {
		return err
	}
	f.Suggest = map[string][]string{
		"spec.lifecycle": {"production", "experimental", "deprecated"},
		"spec.type":      facets.Types,
	}
	for input, kind := range map[string]string{"spec.owner": "Group", "spec.system": "System", "spec.domain": "Domain", "spec.parent": "Group"} {
		p, err := s.catalog.List(ctx, catalog.Query{Kind: kind, Limit: catalog.MaxLimit})
		if err != nil {
			return err
		}
		for _, r := range p.Items {
			f.Suggest[input] = append(f.Suggest[input], r.Entity.Ref().Short(kind))
		}
	}
	return nil
}

// entityAt loads the entity an entity URL names; not found when it does not
// exist.
func (s *Server) entityAt(r *http.Request) (catalog.Ref, catalog.Record, error) {
	ref, err := refFromPath(r)
	if err != nil {
		return catalog.Ref{}, catalog.Record{}, err
	}
	rec, err := s.catalog.Get(r.Context(), ref)
	return ref, rec, err
}
