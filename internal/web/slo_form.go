package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/reliability"
)

// sloForm is the add-or-replace SLO form: what the user typed and an
// error per input.
type sloForm struct {
	Editing  bool
	Values   map[string]string
	Errors   map[string]string
	Kinds    []string
	Periods  []string
	Entities []string
	Monitors []string
}

var sloFields = []string{"name", "entity", "monitor", "kind", "objective", "threshold_ms", "period"}

func newSLOForm() *sloForm {
	return &sloForm{
		Values:  map[string]string{"kind": "availability", "period": "30d", "objective": "99.9"},
		Errors:  map[string]string{},
		Kinds:   reliability.SLOKinds,
		Periods: reliability.SLOPeriods,
	}
}

// fill puts a stored SLO into the form, to replace it.
func (f *sloForm) fill(o reliability.SLO) {
	f.Editing = true
	v := f.Values
	v["name"], v["entity"], v["monitor"], v["kind"], v["period"] = o.Name, relKeyName(o.Entity), o.Monitor, o.Kind, o.Period
	v["objective"] = strings.TrimSuffix(relShareText(o.Objective), "%")
	v["threshold_ms"] = ""
	if o.ThresholdMS > 0 {
		v["threshold_ms"] = strconv.Itoa(o.ThresholdMS)
	}
}

// read takes the posted values; ok is false when a number cannot be read.
func (f *sloForm) read(form url.Values) (in reliability.SLOInput, ok bool) {
	for _, k := range sloFields {
		f.Values[k] = strings.TrimSpace(form.Get(k))
	}
	v := f.Values
	in = reliability.SLOInput{Name: v["name"], Entity: v["entity"], Monitor: v["monitor"], Kind: v["kind"], Period: v["period"]}
	if s := strings.TrimSuffix(strings.TrimSpace(v["objective"]), "%"); s != "" {
		obj, err := strconv.ParseFloat(s, 64)
		switch {
		case err != nil:
			f.Errors["objective"] = fmt.Sprintf("%q is not a number: write a percentage such as 99.9", v["objective"])
		case obj >= 1:
			// A percentage; a share below 1 such as 0.999 is taken as it is.
			in.Objective = obj / 100
		default:
			in.Objective = obj
		}
	}
	if s := v["threshold_ms"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			f.Errors["threshold_ms"] = fmt.Sprintf("%q is not a whole number of milliseconds", s)
		}
		in.ThresholdMS = n
	}
	return in, len(f.Errors) == 0
}

// setError puts a store validation error next to its input.
func (f *sloForm) setError(err error) bool {
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid {
		return false
	}
	field := e.Field
	if _, shown := f.Values[field]; !shown {
		field = "form"
	}
	msg := e.Message
	if field == "objective" {
		// The store speaks of shares; the form asks for a percentage.
		msg = fmt.Sprintf("%q is not a percentage above 0 and below 100, such as 99.9", f.Values["objective"])
		if f.Values["objective"] == "" {
			msg = "an objective is required: a percentage such as 99.9"
		}
	}
	f.Errors[field] = msg
	return true
}

// suggestSLOInputs fills the entity and monitor lists with what is watched.
func (s *Server) suggestSLOInputs(r *http.Request, f *sloForm) error {
	mons, err := s.rel.Monitors(r.Context())
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, m := range mons {
		f.Monitors = append(f.Monitors, m.Name)
		if !seen[m.EntityKey] {
			seen[m.EntityKey] = true
			f.Entities = append(f.Entities, relKeyName(m.EntityKey))
		}
	}
	return nil
}
