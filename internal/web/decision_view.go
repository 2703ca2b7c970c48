package web

import (
	"net/http"
	"strconv"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/radar"
)

type decisionPage struct {
	Decision radar.Decision
	// SupersededBy is the decision that replaced this one; Supersedes
	// those this one replaced.
	SupersededBy *radar.Decision
	Supersedes   []radar.Decision
	// Changes are the ring changes that cite this decision.
	Changes []radar.RingChange
	Radar   radar.Radar
	CanEdit bool
}

// decisionNumber reads {number} from the path; anything but a positive
// number is a page that does not exist.
func decisionNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n <= 0 {
		return 0, apperr.New(apperr.NotFound, "no decision number %q", r.PathValue("number"))
	}
	return n, nil
}

// decisionView shows a decision record: its text, status, the decisions
// it replaced or that replaced it, and what it concerns.
func (s *Server) decisionView(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	n, err := decisionNumber(r)
	if err != nil {
		return err
	}
	d, err := s.radar.Decision(ctx, n)
	if err != nil {
		return err
	}
	p := decisionPage{Decision: d, CanEdit: radarCanEdit(r)}
	all, err := s.radar.Decisions(ctx, radar.DecisionQuery{})
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.SupersededBy == d.Number {
			p.Supersedes = append(p.Supersedes, o)
		}
		if o.Number == d.SupersededBy {
			p.SupersededBy = &o
		}
	}
	if p.Radar, err = s.radar.Radar(ctx); err != nil {
		return err
	}
	if p.Changes, err = s.radar.DecisionRingChanges(ctx, d.Number); err != nil {
		return err
	}
	return s.render(w, r, "decision", "ADR "+strconv.Itoa(d.Number)+": "+d.Title, "radar", p)
}
