package web

import (
	"net/http"

	"github.com/chief-hq/chief/internal/apperr"
)

// maintenanceAdd plans a maintenance window.
func (s *Server) maintenanceAdd(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f := newMaintenanceForm()
	in, ok := f.read(r.PostForm)
	if ok {
		mw, err := s.rel.AddMaintenance(r.Context(), in)
		if err == nil {
			http.Redirect(w, r, "/maintenance?notice="+urlQuery("Planned “"+mw.Title+"”."), http.StatusSeeOther)
			return nil
		}
		if !f.setError(err, in) {
			return err
		}
	}
	p, err := s.maintenanceListPage(r, f)
	if err != nil {
		return err
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "maintenance_list", "Maintenance", "reliability", p)
}
