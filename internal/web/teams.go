package web

import (
	"net/http"

	"github.com/chief-hq/chief/internal/catalog"
)

type teamsPage struct {
	Teams      []catalog.TeamSize
	MaxMembers int
}

// teamList shows every group with its size and what it owns.
func (s *Server) teamList(w http.ResponseWriter, r *http.Request) error {
	teams, err := s.catalog.Teams(r.Context())
	if err != nil {
		return err
	}
	p := teamsPage{Teams: teams}
	for _, t := range teams {
		p.MaxMembers = max(p.MaxMembers, t.Members)
	}
	return s.render(w, r, "teams", "Teams", "teams", p)
}
