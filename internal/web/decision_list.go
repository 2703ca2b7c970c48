package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/chief-hq/chief/internal/radar"
)

type decisionListPage struct {
	URL          url.Values
	Rows         []radar.Decision
	Statuses     []radar.DecisionStatus
	Technologies []string
	Status       string
	Technology   string
	Search       string
	Sorts        []relSort
	Pager        relPager
	Filters      bool
	Empty        bool
	CanEdit      bool
}

var decisionColumns = []relColumn{
	{"number", "No.", true}, {"title", "Title", false}, {"status", "Status", false}, {"date", "Date", false},
	{"deciders", "Deciders", false}, {"technologies", "Technologies", false},
}

// decisionList is the decision log, filtered by status, technology and a
// search of titles, sorted by number unless the query string says
// otherwise, and paged.
func (s *Server) decisionList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := r.URL.Query()
	p := decisionListPage{URL: v, Statuses: radar.DecisionStatuses, Status: v.Get("status"), Technology: v.Get("technology"),
		Search: strings.TrimSpace(v.Get("q")), CanEdit: radarCanEdit(r)}
	if !slices.Contains(radar.DecisionStatuses, radar.DecisionStatus(p.Status)) {
		p.Status = ""
	}
	p.Filters = p.Status != "" || p.Technology != "" || p.Search != ""
	all, err := s.radar.Decisions(ctx, radar.DecisionQuery{})
	if err != nil {
		return err
	}
	p.Empty = len(all) == 0
	seen := map[string]bool{}
	for _, d := range all {
		for _, t := range d.Technologies {
			if !seen[t] {
				seen[t] = true
				p.Technologies = append(p.Technologies, t)
			}
		}
	}
	slices.SortFunc(p.Technologies, func(a, b string) int { return cmp.Compare(radar.Slug(a), radar.Slug(b)) })
	list, err := s.radar.Decisions(ctx, radar.DecisionQuery{Status: radar.DecisionStatus(p.Status), Technology: p.Technology})
	if err != nil {
		return err
	}
	q := strings.ToLower(p.Search)
	var rows []radar.Decision
	for _, d := range list {
		if q == "" || strings.Contains(strings.ToLower(d.Title), q) || strings.Contains(strings.ToLower(d.Body), q) {
			rows = append(rows, d)
		}
	}
	key, desc := relSortKey(v, "number", decisionColumns)
	relSortRows(rows, desc, func(a, b radar.Decision) int {
		switch key {
		case "title":
			return cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
		case "status":
			return cmp.Compare(slices.Index(radar.DecisionStatuses, a.Status), slices.Index(radar.DecisionStatuses, b.Status))
		case "date":
			return a.Date.Compare(b.Date)
		case "deciders":
			return cmp.Compare(strings.Join(a.Deciders, ","), strings.Join(b.Deciders, ","))
		case "technologies":
			return cmp.Compare(strings.Join(a.Technologies, ","), strings.Join(b.Technologies, ","))
		}
		return cmp.Compare(a.Number, b.Number)
	})
	p.Sorts = relSorts(v, "number", decisionColumns)
	p.Pager = relPageOf(v, len(rows), pageSize)
	p.Rows = rows[p.Pager.From:p.Pager.To]
	return s.render(w, r, "decisions", "Decisions", "radar", p)
}
