package web

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/reliability"
)

// sloPageSize is smaller than other lists: each SLO on the page draws its
// budget chart, which costs a query per point.
const sloPageSize = 20

// sloChartPoints is how many points a budget chart has across the window.
const sloChartPoints = 31

type sloListPage struct {
	URL     url.Values
	Items   []sloItem
	Search  string
	Entity  string
	Alert   string
	Sorts   []relSort
	Pager   relPager
	Filters bool
	Empty   bool
	CanEdit bool
	Form    *sloForm
}

type sloItem struct {
	reliability.SLOStatus
	Spark template.HTML
	Chart template.HTML
}

var relSLOColumns = []relColumn{
	{"name", "SLO", false}, {"entity", "Entity", false}, {"objective", "Objective", true}, {"attainment", "Attainment", true},
	{"budget", "Budget left", true}, {"burn", "Burn rate", true}, {"alert", "Alert", false},
}

// sloList shows every SLO with where it stands and its budget chart, and
// the form to add or replace one.
func (s *Server) sloList(w http.ResponseWriter, r *http.Request) error {
	f := newSLOForm()
	q := r.URL.Query()
	if name := q.Get("edit"); name != "" {
		o, err := s.rel.SLO(r.Context(), name)
		if err != nil {
			return err
		}
		f.fill(o)
	} else if e := q.Get("entity"); e != "" {
		f.Values["entity"] = relKeyName(e)
	}
	p, err := s.sloListPage(r, f)
	if err != nil {
		return err
	}
	return s.render(w, r, "slo_list", "SLOs", "reliability", p)
}

func (s *Server) sloListPage(r *http.Request, f *sloForm) (*sloListPage, error) {
	ctx := r.Context()
	now := time.Now()
	slos, err := s.rel.SLOs(ctx, "")
	if err != nil {
		return nil, err
	}
	v := r.URL.Query()
	p := &sloListPage{URL: v, Search: strings.TrimSpace(v.Get("q")), Entity: strings.TrimSpace(v.Get("entity")), Alert: v.Get("alert"),
		Empty: len(slos) == 0, CanEdit: principalFrom(ctx).user.Role.Allows(auth.Editor), Form: f}
	p.Filters = p.Search != "" || p.Entity != "" || p.Alert != ""
	entityKey := p.Entity
	if ref, err := catalog.ParseRef(p.Entity, "Component", catalog.DefaultNamespace); err == nil {
		entityKey = ref.Key()
	}
	q := strings.ToLower(p.Search)
	var rows []reliability.SLOStatus
	for _, o := range slos {
		if p.Entity != "" && o.Entity != entityKey {
			continue
		}
		if q != "" && !strings.Contains(o.Name, q) && !strings.Contains(o.Entity, q) && !strings.Contains(o.Monitor, q) {
			continue
		}
		switch p.Alert {
		case "any":
			if o.Alert == "" {
				continue
			}
		case "page", "ticket":
			if o.Alert != p.Alert {
				continue
			}
		case "none":
			if o.Alert != "" {
				continue
			}
		}
		st, err := s.rel.SLOStatus(ctx, o, now, 0)
		if err != nil {
			return nil, err
		}
		rows = append(rows, st)
	}
	key, desc := relSortKey(v, "name", relSLOColumns)
	relSortRows(rows, desc, func(a, b reliability.SLOStatus) int {
		switch key {
		case "entity":
			return cmp.Compare(a.Entity, b.Entity)
		case "objective":
			return cmp.Compare(a.Objective, b.Objective)
		case "attainment":
			return relCompareUptime(a.Attainment, b.Attainment)
		case "budget":
			return cmp.Compare(a.BudgetLeft, b.BudgetLeft)
		case "burn":
			// Fastest burn first; no checks last.
			return -relCompareUptime(a.BurnRate, b.BurnRate)
		case "alert":
			return cmp.Compare(relAlertRank(b.Alert), relAlertRank(a.Alert))
		}
		return cmp.Compare(a.Name, b.Name)
	})
	p.Sorts = relSorts(v, "name", relSLOColumns)
	p.Pager = relPageOf(v, len(rows), sloPageSize)
	for _, st := range rows[p.Pager.From:p.Pager.To] {
		full, err := s.rel.SLOStatus(ctx, st.SLO, now, sloChartPoints)
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, sloItem{SLOStatus: full, Spark: sloBudgetSpark(full), Chart: sloBudgetChart(full)})
	}
	if err := s.suggestSLOInputs(r, f); err != nil {
		return nil, err
	}
	return p, nil
}

func relAlertRank(level string) int {
	switch level {
	case "page":
		return 2
	case "ticket":
		return 1
	}
	return 0
}

// sloBudgetChart draws the share of an SLO's error budget left across its
// window, with the zero line (budget spent) drawn in.
func sloBudgetChart(st reliability.SLOStatus) template.HTML {
	series := chartSeries{Name: "budget left", Class: "line-budget"}
	for _, pt := range st.Series {
		series.Points = append(series.Points, chartPoint{At: pt.At, Value: pt.Left})
	}
	window := "last " + st.Period
	if st.Period == "month" {
		window = "this month"
	}
	c := chartLine{
		Title: fmt.Sprintf("Error budget left, %s", window),
		From:  st.WindowStart, To: st.WindowEnd,
		Series: []chartSeries{series},
		Rules:  []chartRule{{Value: 0, Label: "0%: budget spent"}},
		Unit:   chartPct, MinY: 0, MaxY: 1, Width: 480,
	}
	return c.SVG()
}

// sloBudgetSpark is the budget chart in small, for the table.
func sloBudgetSpark(st reliability.SLOStatus) template.HTML {
	values := make([]float64, len(st.Series))
	for i, pt := range st.Series {
		values[i] = pt.Left
	}
	if st.Total == 0 {
		for i := range values {
			values[i] = math.NaN()
		}
	}
	return chartSparkline(values, fmt.Sprintf("Error budget left over the window, now %s", relBudgetText(st.BudgetLeft)))
}
