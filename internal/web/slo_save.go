package web

import (
	"net/http"

	"github.com/chief-hq/chief/internal/apperr"
)

// sloSave creates an SLO, or replaces the one with the same name.
func (s *Server) sloSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f := newSLOForm()
	f.Editing = r.PostForm.Get("editing") != ""
	in, ok := f.read(r.PostForm)
	if ok {
		o, err := s.rel.SaveSLO(r.Context(), in)
		if err == nil {
			http.Redirect(w, r, "/slos?notice="+urlQuery("Saved SLO "+o.Name+".")+"#slo-"+o.Name, http.StatusSeeOther)
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	p, err := s.sloListPage(r, f)
	if err != nil {
		return err
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "slo_list", "SLOs", "reliability", p)
}
