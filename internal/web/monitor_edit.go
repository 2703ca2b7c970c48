package web

import (
	"net/http"
	"net/url"

	"github.com/chief-hq/chief/internal/apperr"
)

// monitorEditForm shows a monitor's settings for change.
func (s *Server) monitorEditForm(w http.ResponseWriter, r *http.Request) error {
	m, err := s.rel.Monitor(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	f := editMonitorForm(m.Name)
	f.Origin = m.Origin
	f.fill(m.MonitorInput)
	if err := s.suggestMonitorEntities(r.Context(), f); err != nil {
		return err
	}
	return s.render(w, r, "monitor_form", "Edit "+m.Name, "reliability", f)
}

func editMonitorForm(name string) *monitorForm {
	f := newMonitorForm()
	f.Editing, f.Name = true, name
	f.Action = "/monitors/" + url.PathEscape(name) + "/edit"
	f.Back = "/monitors/" + url.PathEscape(name)
	return f
}

// monitorEdit saves a monitor's settings; the name may change.
func (s *Server) monitorEdit(w http.ResponseWriter, r *http.Request) error {
	old, err := s.rel.Monitor(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f := editMonitorForm(old.Name)
	f.Origin = old.Origin
	in, ok := f.read(r.PostForm)
	if ok {
		m, err := s.rel.UpdateMonitor(r.Context(), old.Name, in)
		if err == nil {
			http.Redirect(w, r, "/monitors/"+url.PathEscape(m.Name)+"?notice="+urlQuery("Saved."), http.StatusSeeOther)
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	if err := s.suggestMonitorEntities(r.Context(), f); err != nil {
		return err
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "monitor_form", "Edit "+old.Name, "reliability", f)
}
