package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/markdown"
	"github.com/chief-hq/chief/internal/radar"
)

// The radar pages' views and template functions join the shared lists
// here, so that the pages stay in files of their own.
func init() {
	pageNames = append(pageNames, "radar", "radar_hold", "radar_technologies", "radar_technology", "radar_technology_form",
		"radar_usage", "decisions", "decision", "decision_form", "experiments", "experiment", "experiment_form",
		"radar_import", "decision_import", "radar_settings")
	funcs["markdown"] = markdown.Render
	funcs["radarTechURL"] = radarTechURL
	funcs["radarRing"] = radarRingBadge
	funcs["radarDay"] = radarDay
	funcs["radarMarker"] = radarMarkerText
	funcs["radarMarkerIcon"] = radarMarkerIcon
	funcs["adrStatus"] = decisionStatusBadge
	funcs["expStatus"] = experimentStatusBadge
	funcs["radarOwner"] = radarOwnerName
	funcs["radarPerson"] = radarPersonName
}

// radarDayLayout is how the radar pages read and write dates.
const radarDayLayout = "2006-01-02"

// radarDay writes a date, "" for the zero time.
func radarDay(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format(radarDayLayout)
	case *time.Time:
		if v == nil || v.IsZero() {
			return ""
		}
		return v.UTC().Format(radarDayLayout)
	}
	return ""
}

// radarParseDay reads a date input (YYYY-MM-DD); empty is the zero time.
func radarParseDay(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(radarDayLayout, s)
	if err != nil {
		return time.Time{}, apperr.Field(field, "%q is not a date: write it as 2025-03-31", s)
	}
	return t, nil
}

// radarTechURL is the page of a technology, by its slug so that any
// spelling of the name lands on the same page.
func radarTechURL(name string) string {
	return "/radar/technologies/" + url.PathEscape(radar.Slug(name))
}

// radarRingBadge shows a ring as its colour and its name. The hold ring's
// swatch is a square rather than a dot, so that it stands out without
// colour.
func radarRingBadge(r radar.Radar, ring int) template.HTML {
	if ring < 0 || ring >= len(r.Rings) {
		return `<span class="muted">–</span>`
	}
	g := r.Rings[ring]
	shape := `<circle cx="5" cy="5" r="4.5" fill="` + chartEsc(g.Color) + `"/>`
	cls := "ring-badge"
	if r.IsHold(ring) {
		shape = `<rect x="0.5" y="0.5" width="9" height="9" rx="1" fill="` + chartEsc(g.Color) + `"/>`
		cls += " ring-hold"
	}
	return template.HTML(`<span class="` + cls + `"><svg class="ring-dot" viewBox="0 0 10 10" aria-hidden="true">` + shape + `</svg>` +
		template.HTMLEscapeString(g.Name) + `</span>`)
}

// radarMarkerText says what a marker means, in words.
func radarMarkerText(m radar.Marker) string {
	switch m {
	case radar.MarkerNew:
		return "new"
	case radar.MarkerIn:
		return "moved in"
	case radar.MarkerOut:
		return "moved out"
	}
	return ""
}

var decisionStatusShapes = map[radar.DecisionStatus]string{
	radar.StatusProposed: "◇", radar.StatusAccepted: "●", radar.StatusRejected: "✕",
	radar.StatusDeprecated: "▽", radar.StatusSuperseded: "↻",
}

// decisionStatusBadge shows a decision's status as a shape and a word.
func decisionStatusBadge(st radar.DecisionStatus) template.HTML {
	return template.HTML(`<span class="badge adr-` + template.HTMLEscapeString(string(st)) + `"><span aria-hidden="true">` +
		decisionStatusShapes[st] + `</span> ` + template.HTMLEscapeString(string(st)) + `</span>`)
}

var experimentStatusShapes = map[radar.ExperimentStatus]string{
	radar.ExperimentPlanned: "○", radar.ExperimentRunning: "▶", radar.ExperimentConcluded: "●", radar.ExperimentAbandoned: "✕",
}

// experimentStatusBadge shows an experiment's status as a shape and a word.
func experimentStatusBadge(st radar.ExperimentStatus) template.HTML {
	return template.HTML(`<span class="badge exp-` + template.HTMLEscapeString(string(st)) + `"><span aria-hidden="true">` +
		experimentStatusShapes[st] + `</span> ` + template.HTMLEscapeString(string(st)) + `</span>`)
}

// radarOwnerName is the short form of an owner key: "team-platform" for
// a group, "user:ana" for a person.
func radarOwnerName(key string) string {
	ref, err := catalog.ParseRef(key, "Group", catalog.DefaultNamespace)
	if err != nil {
		return key
	}
	return ref.Short("Group")
}

// radarKnown reports which of the catalog keys given are in the catalog,
// so that pages link only to entities that exist. It reads them in one go.
func (s *Server) radarKnown(ctx context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	refKeys := map[string]string{}
	var lookup []string
	for _, k := range keys {
		if _, done := out[k]; done || k == "" {
			continue
		}
		out[k] = false
		if ref, err := catalog.ParseRef(k, "Group", catalog.DefaultNamespace); err == nil {
			refKeys[k] = ref.Key()
			lookup = append(lookup, ref.Key())
		}
	}
	found, err := s.catalog.ByKeys(ctx, lookup)
	if err != nil {
		return nil, err
	}
	for k, key := range refKeys {
		_, out[k] = found[key]
	}
	return out, nil
}

// radarPersonName is the name of a user key: "ana" for user:default/ana.
func radarPersonName(key string) string {
	ref, err := catalog.ParseRef(key, "User", catalog.DefaultNamespace)
	if err != nil {
		return key
	}
	return ref.Short("User")
}

// radarCanEdit reports whether the signed-in user may change radar records.
func radarCanEdit(r *http.Request) bool {
	p := principalFrom(r.Context())
	return p != nil && p.user.Role.Allows(auth.Editor)
}

// radarCanAdmin reports whether the signed-in user may configure the radar.
func radarCanAdmin(r *http.Request) bool {
	p := principalFrom(r.Context())
	return p != nil && p.user.Role.Allows(auth.Admin)
}

// radarWho is how a decision names the signed-in user by default.
func radarWho(r *http.Request) string {
	if p := principalFrom(r.Context()); p != nil {
		return p.user.Email
	}
	return ""
}

// radarForm is the state of a radar form: what the user typed, and an
// error per input ("form" for one that belongs to no input).
type radarForm struct {
	Action string
	Back   string
	Values map[string]string
	Errors map[string]string
}

func newRadarForm(action, back string) *radarForm {
	return &radarForm{Action: action, Back: back, Values: map[string]string{}, Errors: map[string]string{}}
}

// read takes the posted values of keys into the form, trimmed.
func (f *radarForm) read(form url.Values, keys ...string) {
	for _, k := range keys {
		f.Values[k] = strings.TrimSpace(form.Get(k))
	}
}

// day reads a date input, noting an error next to it.
func (f *radarForm) day(key string) time.Time {
	t, err := radarParseDay(key, f.Values[key])
	if err != nil {
		f.Errors[key] = apperr.As(err).Message
	}
	return t
}

// number reads a whole-number input; empty is 0.
func (f *radarForm) number(key string) int {
	s := f.Values[key]
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, "#"))
	if err != nil || n < 0 {
		f.Errors[key] = fmt.Sprintf("%q is not a number: write the decision's number, such as 12", s)
	}
	return n
}

// setError puts an error from the store next to the input it names: an
// indexed field such as tags[2] goes to its input, tags. It reports false
// for errors that are not the user's to fix in the form.
func (f *radarForm) setError(err error) bool {
	e := apperr.As(err)
	// A conflict about no field in particular (an experiment that has
	// moved on) is no input's to fix: the error page says it.
	if e == nil || (e.Code != apperr.Invalid && e.Code != apperr.Conflict) || (e.Code == apperr.Conflict && e.Field == "") {
		return false
	}
	field := e.Field
	if i := strings.IndexAny(field, "[."); i > 0 {
		field = field[:i]
	}
	if _, shown := f.Values[field]; !shown || field == "" {
		f.Errors["form"] = e.Error()
		return true
	}
	f.Errors[field] = e.Message
	return true
}

// splitList reads a list typed as commas or lines.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
