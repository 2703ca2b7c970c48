package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/delivery"
)

type deliveryLogPage struct {
	URL     url.Values
	F       dlvFilter
	Since   []dlvSinceChoice
	Options dlvScopeOptions
	// Environment is as asked; "" and "all" mean every environment.
	Environment, Result string
	Failed, Rework      bool
	// Finished leaves out pending deployments, as the keys' links ask.
	Finished   bool
	Sort       string
	Sorts      []sortLink
	Rows       []dlvLogRow
	Total      int
	Page, Last int
	From, To   int
	Prev, Next string
	// Empty is set when Chief holds no deployment at all; Filtered when
	// anything narrows the log.
	Empty, Filtered bool
	OverviewURL     string
}

type dlvLogRow struct {
	delivery.Deployment
	Entity entityLink
}

// dlvLogSorts are the log's sortable columns; the store sorts each one way.
var dlvLogSorts = []struct{ key, label string }{{"finished", "Finished"}, {"component", "Component"}, {"changes", "Changes"}}

// deliveryLog lists deployments, filtered, sorted and paged through the
// query string.
func (s *Server) deliveryLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := r.URL.Query()
	now := time.Now()
	p := deliveryLogPage{URL: v, F: dlvParseFilter(v, now, ""), Environment: strings.TrimSpace(v.Get("environment")),
		Result: v.Get("result"), Failed: isTrue(v.Get("failed")), Rework: isTrue(v.Get("rework")), Finished: isTrue(v.Get("finished")),
		Sort: v.Get("sort"), Page: 1}
	p.Since = p.F.SinceChoices(now, "")
	switch p.Result {
	case "", delivery.ResultSuccess, delivery.ResultFailure, delivery.ResultPending:
	default:
		p.F.Errors["result"] = "must be success, failure or pending, got " + strconv.Quote(p.Result)
		p.Result = ""
	}
	if p.Sort == "" {
		p.Sort = "finished"
	}
	if p.Sort != "finished" && p.Sort != "started" && p.Sort != "component" && p.Sort != "changes" {
		p.F.Errors["sort"] = "sort by finished, started, component or changes, not " + strconv.Quote(p.Sort)
		p.Sort = "finished"
	}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 {
		p.Page = n
	}
	q := delivery.DeploymentQuery{Scope: p.F.Scope(), Environment: p.Environment, Result: p.Result, Failed: p.Failed, Rework: p.Rework,
		Finished: p.Finished, Sort: p.Sort, Limit: pageSize, Offset: (p.Page - 1) * pageSize}
	if !p.F.All {
		q.Window = p.F.Window
	}
	deps, total, err := s.delivery.Deployments(ctx, q)
	if err != nil {
		return err
	}
	p.Total, p.Last = total, max(1, (total+pageSize-1)/pageSize)
	if p.Page > p.Last && total > 0 {
		// Past the end: show the last page rather than nothing.
		p.Page = p.Last
		q.Offset = (p.Page - 1) * pageSize
		if deps, _, err = s.delivery.Deployments(ctx, q); err != nil {
			return err
		}
	}
	p.From, p.To = q.Offset+1, q.Offset+len(deps)
	if p.Page > 1 {
		p.Prev = withQuery(v, "page", strconv.Itoa(p.Page-1))
	}
	if p.Page < p.Last {
		p.Next = withQuery(v, "page", strconv.Itoa(p.Page+1))
	}
	for _, d := range deps {
		p.Rows = append(p.Rows, dlvLogRow{Deployment: d, Entity: entityLinkOf(d.Component)})
	}
	for _, c := range dlvLogSorts {
		l := sortLink{Label: c.label, Href: withQuery(v, "sort", c.key)}
		if c.key == p.Sort {
			l.Aria, l.Arrow = "descending", " ▼"
			if c.key == "component" {
				l.Aria, l.Arrow = "ascending", " ▲"
			}
		}
		p.Sorts = append(p.Sorts, l)
	}
	p.Filtered = p.F.Team != "" || p.F.System != "" || p.F.Component != "" || !p.F.All || (p.Environment != "" && p.Environment != "all") ||
		p.Result != "" || p.Failed || p.Rework
	if total == 0 && !p.Filtered {
		p.Empty = true
	}
	if p.Options, err = s.dlvScopeOptions(ctx); err != nil {
		return err
	}
	oq := p.F.Query()
	if p.F.All {
		oq.Del("since")
	}
	p.OverviewURL = "/delivery"
	if len(oq) > 0 {
		p.OverviewURL += "?" + oq.Encode()
	}
	status := http.StatusOK
	if len(p.F.Errors) > 0 {
		status = http.StatusBadRequest
	}
	return s.renderStatus(w, r, status, "delivery_log", "Deployments", "delivery", p)
}
