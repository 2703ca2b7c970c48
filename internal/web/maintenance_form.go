package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/reliability"
)

// maintenanceForm plans a window: what the user typed and an error per
// input. Times are UTC, as a datetime-local input without a zone.
type maintenanceForm struct {
	Values      map[string]string
	Errors      map[string]string
	Recurrences []string
}

// maintenanceTime is the datetime-local input's format.
const maintenanceTime = "2006-01-02T15:04"

var maintenanceFields = []string{"title", "starts_at", "duration", "recurrence", "until", "entities"}

func newMaintenanceForm() *maintenanceForm {
	start := time.Now().UTC().Add(time.Hour).Truncate(time.Hour)
	return &maintenanceForm{
		Values:      map[string]string{"starts_at": start.Format(maintenanceTime), "duration": "60"},
		Errors:      map[string]string{},
		Recurrences: reliability.Recurrences,
	}
}

// read takes the posted values; ok is false when a time or number cannot
// be read.
func (f *maintenanceForm) read(form url.Values) (in reliability.MaintenanceInput, ok bool) {
	for _, k := range maintenanceFields {
		f.Values[k] = strings.TrimSpace(form.Get(k))
	}
	v := f.Values
	in.Title, in.Recurrence = v["title"], v["recurrence"]
	if s := v["starts_at"]; s != "" {
		t, err := time.Parse(maintenanceTime, s)
		if err != nil {
			f.Errors["starts_at"] = fmt.Sprintf("%q is not a date and time such as 2026-05-01T22:00 (UTC)", s)
		}
		in.StartsAt = t
	}
	if s := v["duration"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			f.Errors["duration"] = fmt.Sprintf("%q is not a whole number of minutes", s)
		}
		in.Duration = reliability.Seconds(n * 60)
	}
	if s := v["until"]; s != "" {
		t, err := time.Parse(maintenanceTime, s)
		if err != nil {
			f.Errors["until"] = fmt.Sprintf("%q is not a date and time such as 2026-12-31T23:59 (UTC)", s)
		}
		in.Until = &t
	}
	for _, e := range strings.FieldsFunc(v["entities"], func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if e = strings.TrimSpace(e); e != "" {
			in.Entities = append(in.Entities, e)
		}
	}
	return in, len(f.Errors) == 0
}

// setError puts a store validation error next to its input; an error on
// one of several entities says which.
func (f *maintenanceForm) setError(err error, in reliability.MaintenanceInput) bool {
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid {
		return false
	}
	field, msg := e.Field, e.Message
	switch field {
	case "duration_seconds":
		field = "duration"
		msg = fmt.Sprintf("%s minutes is outside 1 minute to 7 days (10080 minutes)", f.Values["duration"])
		if f.Values["duration"] == "" {
			msg = "say how many minutes the window lasts"
		}
	case "recurrence":
		msg = "choose once, daily, weekly or monthly"
	}
	if base, i, ok := relIndexedField(field); ok && base == "entities" {
		field = "entities"
		if i < len(in.Entities) {
			msg = fmt.Sprintf("Entity %d (%s): %s", i+1, in.Entities[i], msg)
		}
	}
	if _, shown := f.Values[field]; !shown {
		field = "form"
	}
	f.Errors[field] = msg
	return true
}
