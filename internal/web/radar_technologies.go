package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/radar"
)

type technologyListPage struct {
	URL       url.Values
	Radar     radar.Radar
	Rows      []technologyRow
	Quadrants []string
	Rings     []string
	Tags      []string
	Owners    []string
	Search    string
	Quadrant  string
	Ring      string
	Tag       string
	Owner     string
	Review    bool
	Error     string
	Sorts     []relSort
	Pager     relPager
	Filters   bool
	Empty     bool
	CanEdit   bool
}

type technologyRow struct {
	radar.Technology
	Users     int
	ReviewDue bool
	// Decided is the date of the last ring decision.
	Decided string
}

var technologyColumns = []relColumn{
	{"name", "Name", false}, {"quadrant", "Quadrant", false}, {"ring", "Ring", false}, {"users", "Users", true},
	{"owner", "Owner", false}, {"decided", "Last decision", false},
}

// technologyList lists the technologies, filtered, sorted and paged by the
// query string.
func (s *Server) technologyList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := r.URL.Query()
	p := technologyListPage{URL: v, Search: strings.TrimSpace(v.Get("q")), Quadrant: v.Get("quadrant"), Ring: v.Get("ring"),
		Tag: strings.ToLower(strings.TrimSpace(v.Get("tag"))), Owner: strings.TrimSpace(v.Get("owner")), Review: v.Get("review") == "due",
		CanEdit: radarCanEdit(r)}
	p.Filters = p.Search != "" || p.Quadrant != "" || p.Ring != "" || p.Tag != "" || p.Owner != "" || p.Review
	var err error
	if p.Radar, err = s.radar.Radar(ctx); err != nil {
		return err
	}
	for _, q := range p.Radar.Quadrants {
		p.Quadrants = append(p.Quadrants, q.Name)
	}
	for _, g := range p.Radar.Rings {
		p.Rings = append(p.Rings, g.Name)
	}
	all, err := s.radar.Technologies(ctx, radar.TechnologyQuery{})
	if err != nil {
		return err
	}
	p.Empty = len(all) == 0
	tags, owners := map[string]bool{}, map[string]bool{}
	for _, t := range all {
		for _, tag := range t.Tags {
			if !tags[tag] {
				tags[tag] = true
				p.Tags = append(p.Tags, tag)
			}
		}
		if o := radarOwnerName(t.Owner); t.Owner != "" && !owners[o] {
			owners[o] = true
			p.Owners = append(p.Owners, o)
		}
	}
	list, err := s.radar.Technologies(ctx, radar.TechnologyQuery{Quadrant: p.Quadrant, Ring: p.Ring, Tag: p.Tag, Owner: p.Owner, Search: p.Search})
	status := http.StatusOK
	if apperr.Is(err, apperr.Invalid) {
		p.Error, list, status = apperr.As(err).Error(), nil, http.StatusUnprocessableEntity
	} else if err != nil {
		return err
	}
	now := time.Now()
	stats, err := s.radar.TechnologyStats(ctx)
	if err != nil {
		return err
	}
	reviews, err := s.radar.ReviewsDue(ctx, now)
	if err != nil {
		return err
	}
	due := map[string]bool{}
	for _, c := range reviews {
		due[c.Technology] = true
	}
	var rows []technologyRow
	for _, t := range list {
		if p.Review && !due[t.Name] {
			continue
		}
		st := stats[t.ID]
		decided := st.Decided
		if decided.IsZero() {
			decided = t.CreatedAt // history entered before its current ring is unknown
		}
		rows = append(rows, technologyRow{Technology: t, Users: st.Users, ReviewDue: due[t.Name], Decided: decided.Format(time.DateOnly)})
	}
	key, desc := relSortKey(v, "name", technologyColumns)
	relSortRows(rows, desc, func(a, b technologyRow) int {
		switch key {
		case "quadrant":
			return cmp.Compare(a.Quadrant, b.Quadrant)
		case "ring":
			return cmp.Compare(a.Ring, b.Ring)
		case "users":
			// Most used first: the ones that matter most to move.
			return cmp.Compare(b.Users, a.Users)
		case "owner":
			return cmp.Compare(a.Owner, b.Owner)
		case "decided":
			// Most recent first.
			return cmp.Compare(b.Decided, a.Decided)
		}
		return cmp.Compare(a.Slug, b.Slug)
	})
	p.Sorts = relSorts(v, "name", technologyColumns)
	p.Pager = relPageOf(v, len(rows), pageSize)
	p.Rows = rows[p.Pager.From:p.Pager.To]
	return s.renderStatus(w, r, status, "radar_technologies", "Technologies", "radar", p)
}
