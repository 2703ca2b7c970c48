package web

import "net/http"

// sloDelete removes an SLO; the checks it counted stay.
func (s *Server) sloDelete(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if err := s.rel.DeleteSLO(r.Context(), name); err != nil {
		return err
	}
	http.Redirect(w, r, "/slos?notice="+urlQuery("Deleted SLO "+name+"."), http.StatusSeeOther)
	return nil
}
