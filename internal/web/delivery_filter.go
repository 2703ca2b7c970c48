package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/delivery"
)

// dlvFilter is the scope and window that the delivery pages read from the
// query string: ?team=, ?system= or ?component=, and ?since= or ?from=&to=.
type dlvFilter struct {
	Since, From, To         string
	Team, System, Component string
	// Window is what the dates give; All is set on the log when no window
	// is asked for.
	Window delivery.Window
	All    bool
	// Errors hold a message per field, shown next to it.
	Errors map[string]string
	// def is the window used when none is asked for.
	def string
}

// dlvParseFilter reads the filter. def is the window when none is given:
// "90d" on the overview, "" (all time) on the log. A bad window is
// reported on its field and def's window is used instead.
func dlvParseFilter(v url.Values, now time.Time, def string) dlvFilter {
	f := dlvFilter{Since: strings.TrimSpace(v.Get("since")), From: strings.TrimSpace(v.Get("from")), To: strings.TrimSpace(v.Get("to")),
		Team: strings.TrimSpace(v.Get("team")), System: strings.TrimSpace(v.Get("system")), Component: strings.TrimSpace(v.Get("component")),
		Errors: map[string]string{}, def: def}
	// The form sends the dates it kept beside a window picked from the
	// list: the picked window wins.
	if f.Since != "" {
		f.From, f.To = "", ""
	}
	since := f.Since
	if since == "" && f.From == "" && f.To == "" {
		if def == "" {
			f.All = true
			return f
		}
		since = def
	}
	w, err := delivery.ParseWindow(since, f.From, f.To, now)
	if e := apperr.As(err); e != nil {
		field := e.Field
		if field == "" {
			field = "since"
		}
		f.Errors[field] = e.Message
		if def == "" {
			f.All = true
			return f
		}
		w, _ = delivery.ParseWindow(def, "", "", now)
	}
	f.Window = w
	return f
}

// Scope is the filter's scope for the store.
func (f dlvFilter) Scope() delivery.Scope {
	return delivery.Scope{Team: f.Team, System: f.System, Component: f.Component}
}

// ScopeLabel names the scope for people, with its kind.
func (f dlvFilter) ScopeLabel() string {
	switch {
	case f.Component != "":
		return "component " + f.Component
	case f.System != "":
		return "system " + f.System
	case f.Team != "":
		return "team " + f.Team
	}
	return "the whole company"
}

// WindowLabel names the window as it was asked for.
func (f dlvFilter) WindowLabel() string {
	switch {
	case f.All:
		return "all time"
	case f.From != "" || f.To != "":
		return f.Window.Start.Format("2006-01-02") + " to " + f.Window.End.Add(-time.Second).Format("2006-01-02")
	case f.Since == "" || f.Since == "90d":
		return "the last 90 days"
	case strings.HasSuffix(f.Since, "d"):
		return "the last " + strings.TrimSuffix(f.Since, "d") + " days"
	case strings.HasSuffix(f.Since, "w"):
		return "the last " + strings.TrimSuffix(f.Since, "w") + " weeks"
	}
	return strings.ToUpper(f.Since)
}

// Query is the filter as query parameters, for links to other pages that
// show the same records: the window is always named, the default too.
func (f dlvFilter) Query() url.Values {
	q := url.Values{}
	window := map[string]string{"since": f.Since, "from": f.From, "to": f.To}
	if f.Errors["since"] != "" || f.Errors["from"] != "" || f.Errors["to"] != "" {
		window = nil
	}
	for k, v := range window {
		if v != "" {
			q.Set(k, v)
		}
	}
	for k, v := range map[string]string{"team": f.Team, "system": f.System, "component": f.Component} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if !f.All && q.Get("since") == "" && q.Get("from") == "" {
		q.Set("since", f.def)
	}
	return q
}

// dlvSinceChoice is one window the form offers.
type dlvSinceChoice struct {
	Value, Label string
	Selected     bool
}

// SinceChoices are the windows offered: days, then this quarter and the
// three before it, and the one asked for if it is none of those. def is
// the window when none is asked for; "" offers "any time".
func (f dlvFilter) SinceChoices(now time.Time, def string) []dlvSinceChoice {
	out := []dlvSinceChoice{{Value: "7d", Label: "Last 7 days"}, {Value: "30d", Label: "Last 30 days"}, {Value: "90d", Label: "Last 90 days"}}
	if def == "" {
		out = append([]dlvSinceChoice{{Value: "", Label: "Any time"}}, out...)
	}
	now = now.UTC()
	y, q := now.Year(), (int(now.Month())-1)/3+1
	for range 4 {
		v := fmt.Sprintf("%d-Q%d", y, q)
		out = append(out, dlvSinceChoice{Value: v, Label: v})
		if q--; q == 0 {
			y, q = y-1, 4
		}
	}
	cur := f.Since
	switch {
	case f.From != "" || f.To != "":
		cur = "dates"
	case cur == "":
		cur = def
	}
	found := false
	for i := range out {
		if out[i].Value == cur {
			out[i].Selected, found = true, true
		}
	}
	if !found && cur != "dates" {
		out = append(out, dlvSinceChoice{Value: cur, Label: cur, Selected: true})
	}
	if def != "" {
		// With dates given the select must send nothing, or the two clash.
		out = append(out, dlvSinceChoice{Value: "", Label: "From – to dates", Selected: cur == "dates"})
	}
	return out
}

// dlvScopeOptions are the teams, systems and components the form offers.
type dlvScopeOptions struct {
	Teams, Systems []entityOption
	Components     []entityOption
}

func (s *Server) dlvScopeOptions(ctx context.Context) (dlvScopeOptions, error) {
	var o dlvScopeOptions
	for _, k := range []struct {
		kind string
		into *[]entityOption
	}{{"Group", &o.Teams}, {"System", &o.Systems}} {
		p, err := s.catalog.List(ctx, catalog.Query{Kind: k.kind, Limit: catalog.MaxLimit})
		if err != nil {
			return o, err
		}
		for _, r := range p.Items {
			*k.into = append(*k.into, entityOption{Value: r.Entity.Ref().Short(k.kind), Label: r.Entity.DisplayName()})
		}
	}
	cs, err := s.catalog.Components(ctx)
	if err != nil {
		return o, err
	}
	for _, c := range cs {
		ref, err := catalog.ParseRef(c.Key, "component", catalog.DefaultNamespace)
		if err != nil {
			continue
		}
		o.Components = append(o.Components, entityOption{Value: ref.Short("component"), Label: c.Title})
	}
	return o, nil
}
