package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/radar"
)

// experimentForm is the new and edit experiment form.
type experimentForm struct {
	*radarForm
	Editing      bool
	ID           int64
	Technologies []string
	Users        []string
	Groups       []string
}

var experimentFields = []string{"hypothesis", "technology", "owner", "team", "start", "end", "success_criteria"}

func (s *Server) newExperimentForm(r *http.Request, action, back string) (*experimentForm, error) {
	ctx := r.Context()
	f := &experimentForm{radarForm: newRadarForm(action, back)}
	techs, err := s.radar.Technologies(ctx, radar.TechnologyQuery{})
	if err != nil {
		return nil, err
	}
	for _, t := range techs {
		f.Technologies = append(f.Technologies, t.Name)
	}
	slices.SortFunc(f.Technologies, func(a, b string) int { return strings.Compare(radar.Slug(a), radar.Slug(b)) })
	for _, kind := range []string{"User", "Group"} {
		page, err := s.catalog.List(ctx, catalog.Query{Kind: kind, Limit: catalog.MaxLimit, Sort: "name"})
		if err != nil {
			return nil, err
		}
		for _, rec := range page.Items {
			if kind == "User" {
				f.Users = append(f.Users, rec.Entity.Ref().Short("User"))
			} else {
				f.Groups = append(f.Groups, rec.Entity.Ref().Short("Group"))
			}
		}
	}
	return f, nil
}

func (f *experimentForm) input(r *http.Request) radar.ExperimentInput {
	f.read(r.PostForm, experimentFields...)
	v := f.Values
	return radar.ExperimentInput{Hypothesis: v["hypothesis"], Technology: v["technology"], Owner: v["owner"], Team: v["team"],
		Start: f.day("start"), End: f.day("end"), SuccessCriteria: v["success_criteria"]}
}

// experimentNewForm shows an empty experiment form, with a time box of six
// weeks from today; ?technology= chooses the technology.
func (s *Server) experimentNewForm(w http.ResponseWriter, r *http.Request) error {
	f, err := s.newExperimentForm(r, "/experiments/new", "/experiments")
	if err != nil {
		return err
	}
	today := radar.Day(time.Now())
	f.Values["technology"] = r.URL.Query().Get("technology")
	f.Values["start"], f.Values["end"] = radarDay(today), radarDay(today.AddDate(0, 0, 42))
	return s.render(w, r, "experiment_form", "New experiment", "radar", f)
}

func (s *Server) experimentCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f, err := s.newExperimentForm(r, "/experiments/new", "/experiments")
	if err != nil {
		return err
	}
	in := f.input(r)
	if len(f.Errors) == 0 {
		e, err := s.radar.CreateExperiment(r.Context(), in)
		if err == nil {
			experimentDone(w, r, e.ID, "Planned. Start it when the time box begins.")
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "experiment_form", "New experiment", "radar", f)
}

func (s *Server) editExperimentForm(r *http.Request) (*experimentForm, radar.Experiment, error) {
	id, err := experimentID(r)
	if err != nil {
		return nil, radar.Experiment{}, err
	}
	e, err := s.radar.Experiment(r.Context(), id)
	if err != nil {
		return nil, e, err
	}
	if e.Status != radar.ExperimentPlanned && e.Status != radar.ExperimentRunning {
		return nil, e, apperr.New(apperr.Conflict, "experiment %d is %s; it can no longer change", id, e.Status)
	}
	back := fmt.Sprintf("/experiments/%d", e.ID)
	f, err := s.newExperimentForm(r, back+"/edit", back)
	if err != nil {
		return nil, e, err
	}
	f.Editing, f.ID = true, e.ID
	return f, e, nil
}

func (s *Server) experimentEditForm(w http.ResponseWriter, r *http.Request) error {
	f, e, err := s.editExperimentForm(r)
	if err != nil {
		return err
	}
	v := f.Values
	v["hypothesis"], v["technology"], v["success_criteria"] = e.Hypothesis, e.Technology, e.SuccessCriteria
	v["owner"], v["team"] = radarPersonName(e.Owner), radarOwnerName(e.Team)
	v["start"], v["end"] = radarDay(e.Start), radarDay(e.End)
	return s.render(w, r, "experiment_form", fmt.Sprintf("Edit experiment %d", e.ID), "radar", f)
}

func (s *Server) experimentEdit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f, e, err := s.editExperimentForm(r)
	if err != nil {
		return err
	}
	in := f.input(r)
	if len(f.Errors) == 0 {
		_, err := s.radar.UpdateExperiment(r.Context(), e.ID, in)
		if err == nil {
			experimentDone(w, r, e.ID, "Saved.")
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "experiment_form", fmt.Sprintf("Edit experiment %d", e.ID), "radar", f)
}
