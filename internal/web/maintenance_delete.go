package web

import (
	"net/http"
	"strconv"

	"github.com/chief-hq/chief/internal/apperr"
)

// maintenanceDelete removes a maintenance window. Checks it covered stay
// marked as maintenance.
func (s *Server) maintenanceDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "no maintenance window %q", r.PathValue("id"))
	}
	if err := s.rel.DeleteMaintenance(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/maintenance?notice="+urlQuery("Deleted the maintenance window."), http.StatusSeeOther)
	return nil
}
