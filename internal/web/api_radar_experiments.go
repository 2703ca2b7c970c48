package web

import (
	"fmt"
	"net/http"

	"github.com/chief-hq/chief/internal/radar"
)

// apiExperimentList lists experiments, newest time box first, filtered by
// ?status=, ?team= and ?technology=.
func (s *Server) apiExperimentList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	list, err := s.radar.Experiments(r.Context(), radar.ExperimentQuery{Status: radar.ExperimentStatus(q.Get("status")),
		Team: q.Get("team"), Technology: q.Get("technology")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) apiExperimentCreate(w http.ResponseWriter, r *http.Request) error {
	var in radar.ExperimentInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := s.radar.CreateExperiment(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/experiments/%d", e.ID))
	writeJSON(w, http.StatusCreated, e)
	return nil
}

// apiExperimentOverview is, per team, the experiments running and those
// past their time box at ?at= (default today).
func (s *Server) apiExperimentOverview(w http.ResponseWriter, r *http.Request) error {
	at, err := apiRadarAt(r.URL.Query().Get("at"), apiNow())
	if err != nil {
		return err
	}
	list, err := s.radar.ExperimentOverview(r.Context(), at)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) apiExperimentGet(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, "experiment")
	if err != nil {
		return err
	}
	e, err := s.radar.Experiment(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) apiExperimentUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, "experiment")
	if err != nil {
		return err
	}
	var in radar.ExperimentInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := s.radar.UpdateExperiment(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) apiExperimentStart(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, "experiment")
	if err != nil {
		return err
	}
	e, err := s.radar.StartExperiment(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) apiExperimentConclude(w http.ResponseWriter, r *http.Request) error {
	return s.apiExperimentEnd(w, r, true)
}

func (s *Server) apiExperimentAbandon(w http.ResponseWriter, r *http.Request) error {
	return s.apiExperimentEnd(w, r, false)
}

func (s *Server) apiExperimentEnd(w http.ResponseWriter, r *http.Request, conclude bool) error {
	id, err := apiID(r, "experiment")
	if err != nil {
		return err
	}
	var c radar.Conclusion
	if err := decodeJSON(r, &c); err != nil {
		return err
	}
	var e radar.Experiment
	if conclude {
		e, err = s.radar.ConcludeExperiment(r.Context(), id, c)
	} else {
		e, err = s.radar.AbandonExperiment(r.Context(), id, c)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// apiProposalNotMoved is the answer when a proposal is marked applied
// without a ring change, the technology being in the proposed ring already.
type apiProposalNotMoved struct {
	Moved      bool             `json:"moved"`
	Message    string           `json:"message"`
	Experiment radar.Experiment `json:"experiment"`
}

// apiExperimentApply turns a concluded experiment's proposed ring into a
// ring change and answers with it (201). When the technology is in that
// ring already, the proposal is marked applied and the answer (200) says
// so, with the experiment.
func (s *Server) apiExperimentApply(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, "experiment")
	if err != nil {
		return err
	}
	var in radar.ProposalInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.radar.ApplyExperimentProposal(r.Context(), id, in)
	if err != nil {
		return err
	}
	if c.ID == 0 {
		e, err := s.radar.Experiment(r.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, apiProposalNotMoved{Message: proposalNotMoved(c), Experiment: e})
		return nil
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}
