package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/reliability"
)

// apiIncident is an incident with how long it took to acknowledge and to
// resolve. Updates (the timeline) is set for a single incident only; a
// pointer so that an empty timeline still shows as [].
type apiIncident struct {
	reliability.Incident
	Updates           *[]reliability.IncidentUpdate `json:"updates,omitempty"`
	TimeToAcknowledge *int64                        `json:"time_to_acknowledge_seconds"`
	TimeToResolve     *int64                        `json:"time_to_resolve_seconds"`
}

func apiIncidentOf(inc reliability.Incident, withUpdates bool) apiIncident {
	out := apiIncident{Incident: inc, TimeToAcknowledge: apiSeconds(inc.TimeToAcknowledge()), TimeToResolve: apiSeconds(inc.TimeToResolve())}
	if withUpdates {
		ups := inc.Updates
		if ups == nil {
			ups = []reliability.IncidentUpdate{}
		}
		out.Updates = &ups
	}
	return out
}

// apiTeamResponse is how fast one team's incidents were handled.
type apiTeamResponse struct {
	// Team is the owner group's catalog key; "" for entities without one.
	Team      string `json:"team"`
	Incidents int    `json:"incidents"`
	// Medians in seconds; null when no incident was acknowledged or resolved.
	MedianAcknowledge *int64 `json:"median_acknowledge_seconds"`
	MedianResolve     *int64 `json:"median_resolve_seconds"`
}

func apiSeconds(d *time.Duration) *int64 {
	if d == nil {
		return nil
	}
	s := int64(d.Round(time.Second) / time.Second)
	return &s
}

func (s *Server) apiIncidentList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := reliability.IncidentFilter{Open: true, Resolved: true}
	switch st := q.Get("status"); st {
	case "":
	case "open":
		f.Resolved = false
	case "resolved":
		f.Open = false
	default:
		return apperr.Field("status", "%q is not open or resolved (leave it out for both)", st)
	}
	if raw := q.Get("entity"); raw != "" {
		ref, err := apiRef("entity", raw)
		if err != nil {
			return err
		}
		f.Entity = ref.Key()
	}
	if q.Get("since") != "" {
		since, err := apiSince(q, "since", 0, apiNow())
		if err != nil {
			return err
		}
		f.Since = since
	}
	limit, err := apiLimit(q, 100, 1000)
	if err != nil {
		return err
	}
	f.Limit = limit
	incs, err := s.rel.Incidents(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]apiIncident, len(incs))
	for i, inc := range incs {
		out[i] = apiIncidentOf(inc, false)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiIncidentCreate(w http.ResponseWriter, r *http.Request) error {
	var in reliability.IncidentInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	inc, err := s.rel.OpenIncident(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/incidents/%d", inc.ID))
	writeJSON(w, http.StatusCreated, apiIncidentOf(inc, true))
	return nil
}

func (s *Server) apiIncidentGet(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, "incident")
	if err != nil {
		return err
	}
	inc, err := s.rel.Incident(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiIncidentOf(inc, true))
	return nil
}

func (s *Server) apiIncidentUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, "incident")
	if err != nil {
		return err
	}
	var in reliability.UpdateInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	inc, err := s.rel.UpdateIncident(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiIncidentOf(inc, true))
	return nil
}

func (s *Server) apiIncidentAcknowledge(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, "incident")
	if err != nil {
		return err
	}
	inc, err := s.rel.Acknowledge(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiIncidentOf(inc, true))
	return nil
}

func (s *Server) apiIncidentDetails(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, "incident")
	if err != nil {
		return err
	}
	var in reliability.IncidentDetails
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	inc, err := s.rel.SetDetails(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiIncidentOf(inc, true))
	return nil
}

func (s *Server) apiIncidentResponseByTeam(w http.ResponseWriter, r *http.Request) error {
	since, err := apiSince(r.URL.Query(), "since", 90*24*time.Hour, apiNow())
	if err != nil {
		return err
	}
	teams, err := s.rel.ResponseByTeam(r.Context(), since)
	if err != nil {
		return err
	}
	out := make([]apiTeamResponse, len(teams))
	for i, t := range teams {
		out[i] = apiTeamResponse{Team: t.Team, Incidents: t.Incidents,
			MedianAcknowledge: apiSeconds(t.MedianAcknowledge), MedianResolve: apiSeconds(t.MedianResolve)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
