package web

import (
	"fmt"
	"net/http"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/reliability"
)

// incidentUpdate posts a timeline entry, which may move the status or the
// severity. Whoever posts takes the incident over from its monitor.
func (s *Server) incidentUpdate(w http.ResponseWriter, r *http.Request) error {
	inc, err := s.incidentAt(r)
	if err != nil {
		return err
	}
	f := incidentUpdateForm{Status: r.PostFormValue("status"), Severity: r.PostFormValue("severity"), Body: r.PostFormValue("body"),
		Public: r.PostFormValue("public") != "", Errors: map[string]string{}}
	updated, err := s.rel.UpdateIncident(r.Context(), inc.ID, reliability.UpdateInput{Status: f.Status, Severity: f.Severity, Body: f.Body, Public: f.Public})
	if e := apperr.As(err); e != nil && (e.Code == apperr.Invalid || e.Code == apperr.Conflict) {
		field := e.Field
		if field != "status" && field != "severity" && field != "body" {
			field = "form"
		}
		f.Errors[field] = e.Message
		return s.incidentPageOf(w, r, apperr.HTTPStatus(e.Code), inc, &f, nil)
	}
	if err != nil {
		return err
	}
	notice := "Update posted."
	if updated.Status == "resolved" && inc.Status != "resolved" {
		notice = "Resolved. Consider writing the postmortem below."
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d?notice=%s#timeline", inc.ID, urlQuery(notice)), http.StatusSeeOther)
	return nil
}

// incidentAcknowledge records that someone is on it; it takes the
// incident over from its monitor too.
func (s *Server) incidentAcknowledge(w http.ResponseWriter, r *http.Request) error {
	inc, err := s.incidentAt(r)
	if err != nil {
		return err
	}
	notice := "Acknowledged."
	if inc.Auto && !inc.Managed {
		notice = "Acknowledged. The incident is yours now: it no longer resolves on its own."
	}
	if inc.AcknowledgedAt != nil {
		notice = "Someone acknowledged it already."
	}
	if _, err := s.rel.Acknowledge(r.Context(), inc.ID); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d?notice=%s", inc.ID, urlQuery(notice)), http.StatusSeeOther)
	return nil
}
