package web

import (
	"net/http"
)

// monitorDeleteForm asks before a monitor and its history go.
func (s *Server) monitorDeleteForm(w http.ResponseWriter, r *http.Request) error {
	m, err := s.rel.Monitor(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return s.render(w, r, "monitor_delete", "Delete "+m.Name, "reliability", m)
}

func (s *Server) monitorDelete(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if err := s.rel.DeleteMonitor(r.Context(), name); err != nil {
		return err
	}
	http.Redirect(w, r, "/monitors?notice="+urlQuery("Deleted monitor "+name+" and its check history."), http.StatusSeeOther)
	return nil
}
