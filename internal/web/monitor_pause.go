package web

import (
	"net/http"
	"net/url"
)

// monitorPause stops a monitor's checks until it is resumed.
func (s *Server) monitorPause(w http.ResponseWriter, r *http.Request) error {
	return s.setMonitorPaused(w, r, true)
}

// monitorResume starts a paused monitor's checks again.
func (s *Server) monitorResume(w http.ResponseWriter, r *http.Request) error {
	return s.setMonitorPaused(w, r, false)
}

func (s *Server) setMonitorPaused(w http.ResponseWriter, r *http.Request, paused bool) error {
	m, err := s.rel.SetPaused(r.Context(), r.PathValue("name"), paused)
	if err != nil {
		return err
	}
	notice := "Resumed " + m.Name + "; it is checked again from now."
	if paused {
		notice = "Paused " + m.Name + "; it is not checked until resumed."
	}
	back := relSafeBack(r.PostFormValue("back"), "/monitors/"+url.PathEscape(m.Name))
	sep := "?"
	if u, err := url.Parse(back); err == nil && u.RawQuery != "" {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"notice="+urlQuery(notice), http.StatusSeeOther)
	return nil
}
