package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/radar"
)

// decisionForm is the new and edit decision form.
type decisionForm struct {
	*radarForm
	Editing      bool
	Number       int
	Statuses     []string
	Technologies []string
}

var decisionFields = []string{"number", "title", "date", "status", "superseded_by", "deciders", "technologies", "entities", "body"}

func (s *Server) newDecisionForm(r *http.Request, action, back string) (*decisionForm, error) {
	f := &decisionForm{radarForm: newRadarForm(action, back)}
	for _, st := range radar.DecisionStatuses {
		f.Statuses = append(f.Statuses, string(st))
	}
	techs, err := s.radar.Technologies(r.Context(), radar.TechnologyQuery{})
	if err != nil {
		return nil, err
	}
	for _, t := range techs {
		f.Technologies = append(f.Technologies, t.Name)
	}
	slices.SortFunc(f.Technologies, func(a, b string) int { return strings.Compare(radar.Slug(a), radar.Slug(b)) })
	return f, nil
}

func (f *decisionForm) fill(d radar.Decision) {
	v := f.Values
	v["number"], v["title"], v["date"], v["status"] = strconv.Itoa(d.Number), d.Title, radarDay(d.Date), string(d.Status)
	if d.SupersededBy > 0 {
		v["superseded_by"] = strconv.Itoa(d.SupersededBy)
	}
	v["deciders"] = strings.Join(d.Deciders, ", ")
	v["technologies"] = strings.Join(d.Technologies, ", ")
	var ents []string
	for _, e := range d.Entities {
		ents = append(ents, relKeyName(e))
	}
	v["entities"] = strings.Join(ents, "\n")
	v["body"] = d.Body
}

func (f *decisionForm) input(r *http.Request) radar.DecisionInput {
	f.read(r.PostForm, decisionFields...)
	f.Values["body"] = strings.TrimRight(r.PostForm.Get("body"), " \t\r\n")
	v := f.Values
	in := radar.DecisionInput{Title: v["title"], Date: f.day("date"), Status: radar.DecisionStatus(v["status"]),
		SupersededBy: f.number("superseded_by"), Deciders: splitList(v["deciders"]), Technologies: splitList(v["technologies"]),
		Entities: splitList(v["entities"]), Body: v["body"]}
	if f.Editing {
		in.Number = f.Number
	} else {
		in.Number = f.number("number")
	}
	return in
}

// setError is radarForm's, saying which entity line was refused.
func (f *decisionForm) setError(err error) bool {
	if e := apperr.As(err); e != nil {
		if base, i, ok := relIndexedField(e.Field); ok && base == "entities" {
			err = apperr.Field("entities", "Line %d: %s", i+1, e.Message)
		}
	}
	return f.radarForm.setError(err)
}

// decisionNewForm shows an empty decision form; ?technology= names a
// technology it concerns, as the technology page's link does.
func (s *Server) decisionNewForm(w http.ResponseWriter, r *http.Request) error {
	f, err := s.newDecisionForm(r, "/decisions/new", "/decisions")
	if err != nil {
		return err
	}
	f.Values["status"] = string(radar.StatusProposed)
	f.Values["technologies"] = r.URL.Query().Get("technology")
	f.Values["deciders"] = radarWho(r)
	f.Values["body"] = "## Context\n\n\n## Decision\n\n\n## Consequences\n"
	return s.render(w, r, "decision_form", "New decision", "radar", f)
}

func (s *Server) decisionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f, err := s.newDecisionForm(r, "/decisions/new", "/decisions")
	if err != nil {
		return err
	}
	in := f.input(r)
	if len(f.Errors) == 0 {
		d, err := s.radar.CreateDecision(r.Context(), in)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/decisions/%d?notice=%s", d.Number, urlQuery(fmt.Sprintf("Recorded decision %d.", d.Number))), http.StatusSeeOther)
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "decision_form", "New decision", "radar", f)
}

func (s *Server) editDecisionForm(r *http.Request) (*decisionForm, radar.Decision, error) {
	n, err := decisionNumber(r)
	if err != nil {
		return nil, radar.Decision{}, err
	}
	d, err := s.radar.Decision(r.Context(), n)
	if err != nil {
		return nil, d, err
	}
	back := fmt.Sprintf("/decisions/%d", d.Number)
	f, err := s.newDecisionForm(r, back+"/edit", back)
	if err != nil {
		return nil, d, err
	}
	f.Editing, f.Number = true, d.Number
	return f, d, nil
}

func (s *Server) decisionEditForm(w http.ResponseWriter, r *http.Request) error {
	f, d, err := s.editDecisionForm(r)
	if err != nil {
		return err
	}
	f.fill(d)
	return s.render(w, r, "decision_form", fmt.Sprintf("Edit ADR %d", d.Number), "radar", f)
}

func (s *Server) decisionEdit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f, d, err := s.editDecisionForm(r)
	if err != nil {
		return err
	}
	in := f.input(r)
	if len(f.Errors) == 0 {
		_, err := s.radar.UpdateDecision(r.Context(), d.Number, in)
		if err == nil {
			http.Redirect(w, r, f.Back+"?notice="+urlQuery("Saved."), http.StatusSeeOther)
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "decision_form", fmt.Sprintf("Edit ADR %d", d.Number), "radar", f)
}
