package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/radar"
)

type experimentPage struct {
	Card    experimentCard
	Radar   radar.Radar
	CanEdit bool
	// Conclude, Abandon and Apply are the forms of the actions the
	// experiment's status allows.
	Conclude *radarForm
	Abandon  *radarForm
	Apply    *radarForm
	Rings    []string
	Records  []radar.Decision
}

// experimentID reads {id} from the path.
func experimentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "no experiment %q", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) experimentPage(r *http.Request) (*experimentPage, error) {
	ctx := r.Context()
	id, err := experimentID(r)
	if err != nil {
		return nil, err
	}
	e, err := s.radar.Experiment(ctx, id)
	if err != nil {
		return nil, err
	}
	base := fmt.Sprintf("/experiments/%d", e.ID)
	p := &experimentPage{Card: newExperimentCard(e, radar.Day(time.Now())), CanEdit: radarCanEdit(r),
		Conclude: newRadarForm(base+"/conclude", base), Abandon: newRadarForm(base+"/abandon", base), Apply: newRadarForm(base+"/apply", base)}
	if p.Radar, err = s.radar.Radar(ctx); err != nil {
		return nil, err
	}
	for _, g := range p.Radar.Rings {
		p.Rings = append(p.Rings, g.Name)
	}
	p.Apply.Values["decided_by"] = radarWho(r)
	if p.CanEdit && e.Status == radar.ExperimentConcluded && e.ProposedRing >= 0 && !e.ProposalApplied {
		if p.Records, err = s.radar.Decisions(ctx, radar.DecisionQuery{}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// experimentView shows an experiment and the actions its status allows.
func (s *Server) experimentView(w http.ResponseWriter, r *http.Request) error {
	p, err := s.experimentPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "experiment", "Experiment "+strconv.FormatInt(p.Card.ID, 10), "radar", p)
}

// experimentDone redirects to the experiment with a notice.
func experimentDone(w http.ResponseWriter, r *http.Request, id int64, notice string) {
	http.Redirect(w, r, fmt.Sprintf("/experiments/%d?notice=%s", id, urlQuery(notice)), http.StatusSeeOther)
}

// experimentStart marks a planned experiment running.
func (s *Server) experimentStart(w http.ResponseWriter, r *http.Request) error {
	id, err := experimentID(r)
	if err != nil {
		return err
	}
	if _, err := s.radar.StartExperiment(r.Context(), id); err != nil {
		return err
	}
	experimentDone(w, r, id, "Started.")
	return nil
}

// experimentConclude ends a running experiment with its outcome and,
// optionally, the ring it proposes.
func (s *Server) experimentConclude(w http.ResponseWriter, r *http.Request) error {
	return s.experimentEnd(w, r, true)
}

// experimentAbandon stops a planned or running experiment, saying why.
func (s *Server) experimentAbandon(w http.ResponseWriter, r *http.Request) error {
	return s.experimentEnd(w, r, false)
}

func (s *Server) experimentEnd(w http.ResponseWriter, r *http.Request, conclude bool) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	p, err := s.experimentPage(r)
	if err != nil {
		return err
	}
	f := p.Abandon
	if conclude {
		f = p.Conclude
		f.read(r.PostForm, "outcome", "learned", "proposed_ring")
	} else {
		f.read(r.PostForm, "outcome", "learned")
	}
	c := radar.Conclusion{Outcome: f.Values["outcome"], Learned: f.Values["learned"], ProposedRing: f.Values["proposed_ring"]}
	if conclude {
		_, err = s.radar.ConcludeExperiment(r.Context(), p.Card.ID, c)
	} else {
		_, err = s.radar.AbandonExperiment(r.Context(), p.Card.ID, c)
	}
	if err == nil {
		notice := "Abandoned."
		if conclude {
			notice = "Concluded."
			if c.ProposedRing != "" {
				notice += " Apply the proposal to move " + p.Card.Technology + " to " + c.ProposedRing + "."
			}
		}
		experimentDone(w, r, p.Card.ID, notice)
		return nil
	}
	if !f.setError(err) {
		return err
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "experiment", "Experiment "+strconv.FormatInt(p.Card.ID, 10), "radar", p)
}

// proposalNotMoved says that a proposal was marked applied without a ring
// change, the technology being in the proposed ring already.
func proposalNotMoved(c radar.RingChange) string {
	return fmt.Sprintf("%s is in %s already: experiment %d's proposal is marked applied, with no ring change.", c.Technology, c.ToName, c.Experiment)
}

// experimentApply moves the technology to the ring a concluded experiment
// proposes, as a ring change citing the experiment.
func (s *Server) experimentApply(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	p, err := s.experimentPage(r)
	if err != nil {
		return err
	}
	f := p.Apply
	f.read(r.PostForm, "decided_by", "reason", "review_at", "decision")
	in := radar.ProposalInput{DecidedBy: f.Values["decided_by"], Reason: f.Values["reason"], Decision: f.number("decision")}
	if review := f.day("review_at"); !review.IsZero() {
		in.ReviewAt = &review
	}
	if len(f.Errors) == 0 {
		c, err := s.radar.ApplyExperimentProposal(r.Context(), p.Card.ID, in)
		if err == nil && c.ID == 0 {
			experimentDone(w, r, p.Card.ID, proposalNotMoved(c))
			return nil
		}
		if err == nil {
			http.Redirect(w, r, radarTechURL(c.Technology)+"?notice="+urlQuery("Moved "+c.Technology+" from "+c.FromName+" to "+c.ToName+", as experiment "+
				strconv.FormatInt(p.Card.ID, 10)+" proposed."), http.StatusSeeOther)
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "experiment", "Experiment "+strconv.FormatInt(p.Card.ID, 10), "radar", p)
}
