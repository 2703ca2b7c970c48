package web

import (
	"net/http"
	"time"

	"github.com/chief-hq/chief/internal/reliability"
)

// apiMaintenance is a maintenance window with whether it is on now and
// when it next starts (null when it will not again).
type apiMaintenance struct {
	reliability.MaintenanceWindow
	Active       bool       `json:"active"`
	NextStartsAt *time.Time `json:"next_starts_at"`
}

func apiMaintenanceOf(mw reliability.MaintenanceWindow, now time.Time) apiMaintenance {
	if mw.Entities == nil {
		mw.Entities = []string{}
	}
	if mw.Until != nil {
		u := mw.Until.UTC()
		mw.Until = &u
	}
	out := apiMaintenance{MaintenanceWindow: mw}
	_, _, out.Active = mw.Occurrence(now)
	if next, ok := mw.Next(now); ok {
		next = next.UTC()
		out.NextStartsAt = &next
	}
	return out
}

func (s *Server) apiMaintenanceList(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.rel.Maintenance(r.Context())
	if err != nil {
		return err
	}
	now := apiNow()
	out := make([]apiMaintenance, len(ws))
	for i, mw := range ws {
		out[i] = apiMaintenanceOf(mw, now)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiMaintenanceCreate(w http.ResponseWriter, r *http.Request) error {
	var in reliability.MaintenanceInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	mw, err := s.rel.AddMaintenance(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiMaintenanceOf(mw, apiNow()))
	return nil
}

func (s *Server) apiMaintenanceDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, "maintenance window")
	if err != nil {
		return err
	}
	if err := s.rel.DeleteMaintenance(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
