package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/reliability"
)

// apiSLOSeriesPoints is how many points of the budget chart a single SLO
// comes with.
const apiSLOSeriesPoints = 30

// apiSLONow is the end of SLO windows, in whole seconds so that
// window_end and the series read as plain RFC 3339; an SLO does not miss
// the checks of the last second.
func apiSLONow() time.Time { return apiNow().Truncate(time.Second) }

// apiSLO is an SLO with where it stands now. The series of budget points
// comes with a single SLO only: each point costs a count of checks.
type apiSLO struct {
	reliability.SLOStatus
	Series []reliability.BudgetPoint `json:"series,omitempty"`
}

func (s *Server) apiSLOList(w http.ResponseWriter, r *http.Request) error {
	key := ""
	if raw := r.URL.Query().Get("entity"); raw != "" {
		ref, err := apiRef("entity", raw)
		if err != nil {
			return err
		}
		key = ref.Key()
	}
	slos, err := s.rel.SLOs(r.Context(), key)
	if err != nil {
		return err
	}
	now := apiSLONow()
	out := make([]apiSLO, len(slos))
	for i, o := range slos {
		st, err := s.rel.SLOStatus(r.Context(), o, now, 0)
		if err != nil {
			return err
		}
		out[i] = apiSLO{SLOStatus: st}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiSLOSave creates the SLO or replaces the one of the same name.
func (s *Server) apiSLOSave(w http.ResponseWriter, r *http.Request) error {
	var in reliability.SLOInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	status := http.StatusOK
	if _, err := s.rel.SLO(r.Context(), strings.TrimSpace(in.Name)); apperr.Is(err, apperr.NotFound) {
		status = http.StatusCreated
	} else if err != nil {
		return err
	}
	o, err := s.rel.SaveSLO(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/slos/"+url.PathEscape(o.Name))
	return s.apiWriteSLO(w, r, status, o)
}

func (s *Server) apiSLOGet(w http.ResponseWriter, r *http.Request) error {
	o, err := s.rel.SLO(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return s.apiWriteSLO(w, r, http.StatusOK, o)
}

func (s *Server) apiSLODelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.rel.DeleteSLO(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiWriteSLO(w http.ResponseWriter, r *http.Request, status int, o reliability.SLO) error {
	st, err := s.rel.SLOStatus(r.Context(), o, apiSLONow(), apiSLOSeriesPoints)
	if err != nil {
		return err
	}
	writeJSON(w, status, apiSLO{SLOStatus: st, Series: st.Series})
	return nil
}
