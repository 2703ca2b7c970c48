package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/radar"
)

// holdGroup is one technology on hold with the entities still using it.
type holdGroup struct {
	Technology string
	Slug       string
	Quadrant   string
	Since      time.Time
	Entries    []radar.HoldEntry
	Owners     int
}

type holdPage struct {
	URL        url.Values
	Radar      radar.Radar
	HoldName   string
	Groups     []holdGroup
	Unused     []radar.Technology
	OnHold     int
	Entries    int
	Entities   int
	Teams      int
	Owner      string
	Lifecycle  string
	Owners     []string
	Lifecycles []string
	Sort       string
	Filters    bool
	// Known says which owners are in the catalog.
	Known map[string]bool
}

// radarHold is the migration backlog: every entity still using a
// technology in the outermost ring, grouped by technology, with its owner
// and lifecycle. ?owner= and ?lifecycle= filter; ?sort= orders the groups
// by users (most first), name or since (longest on hold first).
func (s *Server) radarHold(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := r.URL.Query()
	p := holdPage{URL: v, Owner: strings.TrimSpace(v.Get("owner")), Lifecycle: v.Get("lifecycle"), Sort: v.Get("sort")}
	p.Filters = p.Owner != "" || p.Lifecycle != ""
	if p.Sort != "name" && p.Sort != "since" {
		p.Sort = "users"
	}
	var err error
	if p.Radar, err = s.radar.Radar(ctx); err != nil {
		return err
	}
	if p.Radar.HoldRing() < 0 {
		// A radar of one ring: nothing says to stop using a technology.
		return s.render(w, r, "radar_hold", "Hold report", "radar", p)
	}
	p.HoldName = p.Radar.Rings[p.Radar.HoldRing()].Name
	onHold, err := s.radar.Technologies(ctx, radar.TechnologyQuery{Ring: p.HoldName})
	if err != nil {
		return err
	}
	p.OnHold = len(onHold)
	entries, err := s.radar.HoldReport(ctx)
	if err != nil {
		return err
	}
	var ownerKeys []string
	for _, e := range entries {
		ownerKeys = append(ownerKeys, e.Owner)
	}
	if p.Known, err = s.radarKnown(ctx, ownerKeys); err != nil {
		return err
	}
	owners, lifecycles := map[string]bool{}, map[string]bool{}
	used := map[string]bool{}
	byTech := map[string]*holdGroup{}
	var order []string
	entities, teams := map[string]bool{}, map[string]bool{}
	for _, e := range entries {
		used[e.Technology] = true
		owner := radarOwnerName(e.Owner)
		if e.Owner != "" && !owners[owner] {
			owners[owner] = true
			p.Owners = append(p.Owners, owner)
		}
		if e.Lifecycle != "" && !lifecycles[e.Lifecycle] {
			lifecycles[e.Lifecycle] = true
			p.Lifecycles = append(p.Lifecycles, e.Lifecycle)
		}
		if (p.Owner != "" && owner != p.Owner) || (p.Lifecycle != "" && e.Lifecycle != p.Lifecycle) {
			continue
		}
		g := byTech[e.Technology]
		if g == nil {
			g = &holdGroup{Technology: e.Technology, Slug: radar.Slug(e.Technology), Quadrant: e.Quadrant, Since: e.OnHoldSince}
			byTech[e.Technology] = g
			order = append(order, e.Technology)
		}
		g.Entries = append(g.Entries, e)
		p.Entries++
		entities[e.Entity] = true
		if e.Owner != "" {
			teams[e.Owner] = true
		}
	}
	p.Entities, p.Teams = len(entities), len(teams)
	slices.Sort(p.Owners)
	slices.Sort(p.Lifecycles)
	for _, name := range order {
		g := byTech[name]
		seen := map[string]bool{}
		for _, e := range g.Entries {
			seen[e.Owner] = true
		}
		g.Owners = len(seen)
		p.Groups = append(p.Groups, *g)
	}
	slices.SortFunc(p.Groups, func(a, b holdGroup) int {
		switch p.Sort {
		case "since":
			if c := a.Since.Compare(b.Since); c != 0 {
				return c
			}
		case "users":
			if c := cmp.Compare(len(b.Entries), len(a.Entries)); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Slug, b.Slug)
	})
	for _, t := range onHold {
		if !used[t.Name] {
			p.Unused = append(p.Unused, t)
		}
	}
	return s.render(w, r, "radar_hold", "Hold report", "radar", p)
}
