package web

import (
	"net/http"

	"github.com/chief-hq/chief/internal/catalog"
)

type homePage struct {
	Summary    catalog.Summary
	Total      int
	Kinds      []kindCount
	Lifecycles []kindCount
	MaxMembers int
}

type kindCount struct {
	Name  string
	Count int
	Pct   int
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.catalog.Summarize(r.Context())
	if err != nil {
		return err
	}
	p := homePage{Summary: sum}
	for _, k := range catalog.Kinds {
		if k.Name == "Location" {
			continue
		}
		p.Kinds = append(p.Kinds, kindCount{Name: k.Name, Count: sum.ByKind[k.Name]})
		p.Total += sum.ByKind[k.Name]
	}
	lifeTotal := 0
	for _, n := range sum.ByLifecycle {
		lifeTotal += n
	}
	for _, l := range []string{"production", "experimental", "deprecated"} {
		if n := sum.ByLifecycle[l]; n > 0 {
			p.Lifecycles = append(p.Lifecycles, kindCount{Name: l, Count: n, Pct: n * 100 / lifeTotal})
		}
	}
	for l, n := range sum.ByLifecycle {
		if l != "production" && l != "experimental" && l != "deprecated" {
			name := l
			if name == "" {
				name = "(none)"
			}
			p.Lifecycles = append(p.Lifecycles, kindCount{Name: name, Count: n, Pct: n * 100 / lifeTotal})
		}
	}
	for _, t := range sum.Teams {
		p.MaxMembers = max(p.MaxMembers, t.Members)
	}
	return s.render(w, r, "home", "Overview", "home", p)
}
