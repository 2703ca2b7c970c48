package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/radar"
)

type experimentBoardPage struct {
	Radar   radar.Radar
	Columns []experimentColumn
	// Teams is the overview: running, overdue and planned per team.
	Teams       []radar.TeamExperiments
	Team        string
	Technology  string
	TeamOptions []string
	TechOptions []string
	Filters     bool
	Empty       bool
	CanEdit     bool
	Running     int
	Overdue     int
	Today       time.Time
}

type experimentColumn struct {
	Status radar.ExperimentStatus
	Cards  []experimentCard
}

// experimentCard is an experiment on the board.
type experimentCard struct {
	radar.Experiment
	// Overdue counts the days a running experiment is past its time box;
	// Left the days until its end.
	Overdue int
	Left    int
}

func newExperimentCard(e radar.Experiment, today time.Time) experimentCard {
	c := experimentCard{Experiment: e}
	days := int(radar.Day(e.End).Sub(today).Hours() / 24)
	if e.Overdue(today) {
		c.Overdue = -days
	} else if e.Status == radar.ExperimentRunning {
		c.Left = days
	}
	return c
}

// experimentBoard shows experiments in columns by status, with overdue ones
// marked, and per team how many run and how many are overdue. ?team= and
// ?technology= filter.
func (s *Server) experimentBoard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := r.URL.Query()
	now := time.Now().UTC()
	p := experimentBoardPage{Team: strings.TrimSpace(v.Get("team")), Technology: strings.TrimSpace(v.Get("technology")),
		CanEdit: radarCanEdit(r), Today: radar.Day(now)}
	p.Filters = p.Team != "" || p.Technology != ""
	var err error
	if p.Radar, err = s.radar.Radar(ctx); err != nil {
		return err
	}
	all, err := s.radar.Experiments(ctx, radar.ExperimentQuery{})
	if err != nil {
		return err
	}
	p.Empty = len(all) == 0
	teams, techs := map[string]bool{}, map[string]bool{}
	for _, e := range all {
		if t := radarOwnerName(e.Team); !teams[t] {
			teams[t] = true
			p.TeamOptions = append(p.TeamOptions, t)
		}
		if !techs[e.Technology] {
			techs[e.Technology] = true
			p.TechOptions = append(p.TechOptions, e.Technology)
		}
	}
	slices.Sort(p.TeamOptions)
	slices.SortFunc(p.TechOptions, func(a, b string) int { return cmp.Compare(radar.Slug(a), radar.Slug(b)) })
	for _, st := range radar.ExperimentStatuses {
		p.Columns = append(p.Columns, experimentColumn{Status: st})
	}
	for _, e := range all {
		if (p.Team != "" && radarOwnerName(e.Team) != p.Team) || (p.Technology != "" && radar.Slug(e.Technology) != radar.Slug(p.Technology)) {
			continue
		}
		i := slices.Index(radar.ExperimentStatuses, e.Status)
		if i < 0 {
			continue
		}
		c := newExperimentCard(e, p.Today)
		p.Columns[i].Cards = append(p.Columns[i].Cards, c)
	}
	// Running experiments end soonest first, overdue ones on top; the
	// others stay newest first.
	slices.SortStableFunc(p.Columns[1].Cards, func(a, b experimentCard) int { return a.End.Compare(b.End) })
	overview, err := s.radar.ExperimentOverview(ctx, now)
	if err != nil {
		return err
	}
	for _, t := range overview {
		if p.Team != "" && radarOwnerName(t.Team) != p.Team {
			continue
		}
		p.Teams = append(p.Teams, t)
		p.Running += len(t.Running)
		p.Overdue += len(t.Overdue)
	}
	return s.render(w, r, "experiments", "Experiments", "radar", p)
}
