package web

import (
	"net/http"

	"github.com/chief-hq/chief/internal/radar"
)

// apiTechnologyList lists technologies, filtered by ?quadrant=, ?ring=,
// ?tag=, ?owner= and ?q= (part of the name).
func (s *Server) apiTechnologyList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	list, err := s.radar.Technologies(r.Context(), radar.TechnologyQuery{Quadrant: q.Get("quadrant"), Ring: q.Get("ring"),
		Tag: q.Get("tag"), Owner: q.Get("owner"), Search: q.Get("q")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) apiTechnologyCreate(w http.ResponseWriter, r *http.Request) error {
	var in radar.TechnologyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.radar.CreateTechnology(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1"+radarTechURL(t.Name))
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) apiTechnologyGet(w http.ResponseWriter, r *http.Request) error {
	t, err := s.radar.Technology(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// apiTechnologyUpdate changes everything but the ring, which changes
// through a ring change.
func (s *Server) apiTechnologyUpdate(w http.ResponseWriter, r *http.Request) error {
	var in radar.TechnologyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.radar.UpdateTechnology(r.Context(), r.PathValue("name"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) apiTechnologyDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.radar.DeleteTechnology(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiRingChangeList is a technology's ring history, oldest first.
func (s *Server) apiRingChangeList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.radar.RingChanges(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// apiRingChangeCreate moves a technology to another ring.
func (s *Server) apiRingChangeCreate(w http.ResponseWriter, r *http.Request) error {
	var in radar.RingChangeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.radar.ChangeRing(r.Context(), r.PathValue("name"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// apiTechnologyUsers lists the entities using a technology.
func (s *Server) apiTechnologyUsers(w http.ResponseWriter, r *http.Request) error {
	list, err := s.radar.TechnologyUsers(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
