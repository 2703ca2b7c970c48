package web

import (
	"net/http"
	"net/url"

	"github.com/chief-hq/chief/internal/apperr"
)

// monitorNewForm shows an empty monitor form; ?entity= fills the entity,
// as the entity page's "Add monitor" link does.
func (s *Server) monitorNewForm(w http.ResponseWriter, r *http.Request) error {
	f := newMonitorForm()
	f.Action, f.Back = "/monitors/new", "/monitors"
	if e := r.URL.Query().Get("entity"); e != "" {
		f.Values["entity"] = e
		if u := relKeyURL(e); u != "" {
			f.Back = u
		}
	}
	if err := s.suggestMonitorEntities(r.Context(), f); err != nil {
		return err
	}
	return s.render(w, r, "monitor_form", "New monitor", "reliability", f)
}

func (s *Server) monitorCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f := newMonitorForm()
	f.Action, f.Back = "/monitors/new", "/monitors"
	in, ok := f.read(r.PostForm)
	if ok {
		m, err := s.rel.CreateMonitor(r.Context(), in)
		if err == nil {
			http.Redirect(w, r, "/monitors/"+url.PathEscape(m.Name)+"?notice="+urlQuery("Created monitor "+m.Name+"."), http.StatusSeeOther)
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	if err := s.suggestMonitorEntities(r.Context(), f); err != nil {
		return err
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "monitor_form", "New monitor", "reliability", f)
}
