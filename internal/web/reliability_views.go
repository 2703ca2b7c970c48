package web

import (
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/reliability"
)

// The reliability pages' views and template functions join the shared
// lists here, so that the pages stay in files of their own.
func init() {
	pageNames = append(pageNames, "reliability", "monitor_list", "monitor", "monitor_form", "monitor_delete", "slo_list", "maintenance_list")
	funcs["relState"] = relStateBadge
	funcs["relUptime"] = chartUptimeText
	funcs["relMS"] = func(d time.Duration) string { return chartMS(float64(d) / float64(time.Millisecond)) }
	funcs["relDuration"] = relShortDuration
	funcs["relKeyURL"] = relKeyURL
	funcs["relKeyName"] = relKeyName
	funcs["relShare"] = relShareText
	funcs["relBudget"] = relBudgetText
	funcs["relBurn"] = relBurnText
	funcs["relAlert"] = relAlertBadge
	funcs["relEvents"] = func(v float64) string { return thousands(int(v + 0.5)) }
	funcs["relCount"] = func(n int64) string { return thousands(int(n)) }
	funcs["relPlural"] = relPlural
	funcs["relOver"] = func(v *float64, limit float64) bool { return v != nil && *v > limit }
}

// relStateOrder ranks states worst first, for sorting.
var relStateOrder = map[string]int{"down": 0, "degraded": 1, "unknown": 2, "maintenance": 3, "paused": 4, "up": 5}

// relStates are the states a filter offers, in the order shown.
var relStates = []string{"up", "down", "degraded", "maintenance", "paused", "unknown"}

// relStateShapes give each state a shape as well as a colour, for readers who
// cannot tell the colours apart.
var relStateShapes = map[string]string{"up": "●", "down": "▼", "degraded": "▲", "maintenance": "◆", "paused": "‖", "unknown": "○"}

var relStateLabels = map[string]string{"up": "Up", "down": "Down", "degraded": "Degraded", "maintenance": "Maintenance", "paused": "Paused", "unknown": "Unknown"}

// relStateBadge shows a monitor's or an entity's state as shape, colour and word.
func relStateBadge(state string) template.HTML {
	if state == "operational" {
		state = "up"
	}
	shape, ok := relStateShapes[state]
	if !ok {
		state, shape = "unknown", relStateShapes["unknown"]
	}
	return template.HTML(`<span class="state state-` + state + `"><span class="state-shape" aria-hidden="true">` + shape + `</span> ` + relStateLabels[state] + `</span>`)
}

// relEntityState sums up an entity's monitors as the overview shows it.
func relEntityState(sts []reliability.MonitorStatus) string {
	st := reliability.EntityState(sts)
	switch st {
	case "operational":
		return "up"
	case "unknown":
		paused := 0
		for _, m := range sts {
			if m.State == reliability.StatePaused {
				paused++
			}
		}
		if paused > 0 && paused == len(sts) {
			return "paused"
		}
	}
	return st
}

// relShortDuration writes 1m rather than 1m0s.
func relShortDuration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// relKeyURL is the catalog page of an entity key such as component:default/shop.
func relKeyURL(key string) string {
	ref, err := catalog.ParseRef(key, "Component", catalog.DefaultNamespace)
	if err != nil {
		return ""
	}
	return refURL(ref)
}

// relKeyName is the short form of an entity key.
func relKeyName(key string) string {
	ref, err := catalog.ParseRef(key, "Component", catalog.DefaultNamespace)
	if err != nil {
		return key
	}
	return ref.Short("Component")
}

// relShareText shows an attainment or objective such as 0.9995 as 99.95%.
func relShareText(v any) string {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case *float64:
		if x == nil {
			return "no checks"
		}
		f = *x
	default:
		return ""
	}
	s := strconv.FormatFloat(f*100, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// relBudgetText shows the share of an error budget left; negative is overspent.
func relBudgetText(left float64) string {
	return strconv.FormatFloat(left*100, 'f', 1, 64) + "%"
}

func relBurnText(b *float64) string {
	if b == nil {
		return "–"
	}
	return strconv.FormatFloat(*b, 'f', 2, 64) + "×"
}

// relAlertBadge shows an SLO's burn-rate alert level.
func relAlertBadge(level string) template.HTML {
	switch level {
	case "page":
		return `<span class="state state-down"><span class="state-shape" aria-hidden="true">▼</span> Page</span>`
	case "ticket":
		return `<span class="state state-degraded"><span class="state-shape" aria-hidden="true">▲</span> Ticket</span>`
	}
	return `<span class="muted">none</span>`
}

// relSort is a sortable column heading.
type relSort struct {
	Key, Label, Href, Aria, Arrow string
	Num                           bool
}

type relColumn struct {
	key, label string
	num        bool
}

// relSorts links each column to its sort; following the current one
// reverses it. def is the sort in force when the URL names none.
func relSorts(v url.Values, def string, cols []relColumn) []relSort {
	cur := v.Get("sort")
	if cur == "" {
		cur = def
	}
	out := make([]relSort, 0, len(cols))
	for _, c := range cols {
		l := relSort{Key: c.key, Label: c.label, Href: withQuery(v, "sort", c.key), Num: c.num}
		switch cur {
		case c.key:
			l.Aria, l.Arrow, l.Href = "ascending", " ▲", withQuery(v, "sort", "-"+c.key)
		case "-" + c.key:
			l.Aria, l.Arrow = "descending", " ▼"
		}
		out = append(out, l)
	}
	return out
}

// relSortKey reads ?sort=, falling back to def when it names no column.
func relSortKey(v url.Values, def string, cols []relColumn) (key string, desc bool) {
	s := v.Get("sort")
	desc = strings.HasPrefix(s, "-")
	key = strings.TrimPrefix(s, "-")
	for _, c := range cols {
		if c.key == key {
			return key, desc
		}
	}
	return def, false
}

// relPager is the paging of an in-memory list.
type relPager struct {
	// From and To index the rows shown; First is From counted from 1.
	Page, Last, From, To, First, Total int
	Pages                              []pageLink
	Prev, Next                         string
}

// relPageOf works out which rows of total the ?page= parameter shows.
func relPageOf(v url.Values, total, size int) relPager {
	p := relPager{Page: 1, Total: total, Last: max(1, (total+size-1)/size)}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 {
		p.Page = min(n, p.Last)
	}
	p.From = (p.Page - 1) * size
	p.To = min(total, p.From+size)
	p.First = p.From + 1
	for i := max(1, p.Page-3); i <= min(p.Last, p.Page+3); i++ {
		p.Pages = append(p.Pages, pageLink{N: i, Href: withQuery(v, "page", strconv.Itoa(i)), Current: i == p.Page})
	}
	if p.Page > 1 {
		p.Prev = withQuery(v, "page", strconv.Itoa(p.Page-1))
	}
	if p.Page < p.Last {
		p.Next = withQuery(v, "page", strconv.Itoa(p.Page+1))
	}
	return p
}

// relCompareUptime orders uptimes lowest first, with "no checks" last.
func relCompareUptime(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	case *a < *b:
		return -1
	case *a > *b:
		return 1
	}
	return 0
}

// relSortRows sorts with cmp, reversed when desc, keeping ties in name order
// (rows come in name order).
func relSortRows[T any](rows []T, desc bool, cmp func(a, b T) int) {
	sort.SliceStable(rows, func(i, j int) bool {
		c := cmp(rows[i], rows[j])
		if desc {
			c = -c
		}
		return c < 0
	})
}

// relSafeBack returns a local path to go back to, or def.
func relSafeBack(back, def string) string {
	if strings.HasPrefix(back, "/") && !strings.HasPrefix(back, "//") && !strings.HasPrefix(back, "/\\") {
		return back
	}
	return def
}

// relIndexedField splits a field named with an index, such as
// conditions[1], into its name and the index.
func relIndexedField(field string) (base string, index int, ok bool) {
	i := strings.IndexByte(field, '[')
	j := strings.IndexByte(field, ']')
	if i < 0 || j < i {
		return field, 0, false
	}
	n, err := strconv.Atoi(field[i+1 : j])
	if err != nil {
		return field, 0, false
	}
	return field[:i], n, true
}

func relPlural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%s %s", thousands(n), many)
}
