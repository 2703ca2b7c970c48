package web

import (
	"fmt"
	"net/http"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/reliability"
)

// incidentDraft is the new-incident form: what the user typed and an
// error per field.
type incidentDraft struct {
	Values     map[string]string
	Public     bool
	Errors     map[string]string
	Severities []string
	Entities   []entityOption
}

func (s *Server) incidentNewPage(w http.ResponseWriter, r *http.Request, status int, f incidentDraft) error {
	var err error
	if f.Entities, err = s.entityOptions(r.Context()); err != nil {
		return err
	}
	f.Severities = reliability.Severities
	return s.renderStatus(w, r, status, "incident_new", "New incident", "incidents", f)
}

// incidentNew shows the form; ?entity= fills in the affected entity, so an
// entity's page can link here.
func (s *Server) incidentNew(w http.ResponseWriter, r *http.Request) error {
	f := incidentDraft{Values: map[string]string{"severity": "major", "entity": r.URL.Query().Get("entity")}, Errors: map[string]string{}}
	return s.incidentNewPage(w, r, http.StatusOK, f)
}

func (s *Server) incidentCreate(w http.ResponseWriter, r *http.Request) error {
	f := incidentDraft{Values: map[string]string{}, Errors: map[string]string{}, Public: r.PostFormValue("public") != ""}
	for _, k := range []string{"title", "severity", "entity", "affected_entities", "message", "deployment"} {
		f.Values[k] = r.PostFormValue(k)
	}
	inc, err := s.rel.OpenIncident(r.Context(), reliability.IncidentInput{
		Title: f.Values["title"], Severity: f.Values["severity"], Entity: f.Values["entity"],
		Entities: typedRefs(f.Values["affected_entities"]), Message: f.Values["message"],
		Public: f.Public, Deployment: f.Values["deployment"],
	})
	if e := apperr.As(err); e != nil && e.Code != apperr.Internal {
		field := formFieldOf(e.Field)
		if _, shown := f.Values[field]; !shown {
			field = "form"
		}
		f.Errors[field] = e.Message
		return s.incidentNewPage(w, r, apperr.HTTPStatus(e.Code), f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d?notice=%s", inc.ID, urlQuery("Opened incident #"+fmt.Sprint(inc.ID)+".")), http.StatusSeeOther)
	return nil
}
