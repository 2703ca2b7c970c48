package web

import (
	"net/http"
	"strings"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/radar"
)

// entityTechnologies is the Technologies section of a component's, an
// API's or a resource's page.
type entityTechnologies struct {
	Key     string
	Radar   radar.Radar
	Uses    []entityTechnology
	Hold    int
	CanEdit bool
}

type entityTechnology struct {
	radar.Usage
	Hold bool
}

// entityTechnologies gathers what an entity uses, flagging what is on
// hold; nil for kinds that use no technologies (groups, users, systems).
func (s *Server) entityTechnologies(r *http.Request, ref catalog.Ref, canEdit bool) (*entityTechnologies, error) {
	switch strings.ToLower(ref.Kind) {
	case "component", "api", "resource":
	default:
		return nil, nil
	}
	ctx := r.Context()
	rd, err := s.radar.Radar(ctx)
	if err != nil {
		return nil, err
	}
	uses, err := s.radar.ComponentTechnologies(ctx, ref.Key())
	if err != nil {
		return nil, err
	}
	out := &entityTechnologies{Key: ref.Key(), Radar: rd, CanEdit: canEdit}
	for _, u := range uses {
		hold := rd.IsHold(u.Ring)
		if hold {
			out.Hold++
		}
		out.Uses = append(out.Uses, entityTechnology{Usage: u, Hold: hold})
	}
	return out, nil
}
