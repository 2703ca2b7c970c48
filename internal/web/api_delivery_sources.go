package web

import (
	"net/http"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
	"github.com/chief-hq/chief/internal/delivery/hooks"
)

// createSource checks the provider against the parsers there are and
// stores the source; its secret is in the answer, and only there.
func (s *Server) createSource(r *http.Request, in delivery.SourceInput) (delivery.Source, error) {
	in.Provider = strings.ToLower(strings.TrimSpace(in.Provider))
	if _, ok := hooks.Lookup(in.Provider); !ok && in.Provider != "" {
		return delivery.Source{}, apperr.Field("provider", "must be one of %s", strings.Join(hooks.Names(), ", "))
	}
	return s.delivery.CreateSource(r.Context(), in)
}

func (s *Server) apiSourceList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.delivery.Sources(r.Context())
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Secret = ""
	}
	if list == nil {
		list = []delivery.Source{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list, "providers": hooks.Names()})
	return nil
}

func (s *Server) apiSourceCreate(w http.ResponseWriter, r *http.Request) error {
	var in delivery.SourceInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	src, err := s.createSource(r, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, src)
	return nil
}

func (s *Server) apiSourceDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.delivery.DeleteSource(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
