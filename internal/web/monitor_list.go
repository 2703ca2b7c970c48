package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/reliability"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

type monitorListPage struct {
	URL      url.Values
	Rows     []reliability.MonitorStatus
	Types    []string
	States   []string
	Search   string
	Type     string
	State    string
	Entity   string
	Sorts    []relSort
	Pager    relPager
	Filters  bool
	Empty    bool
	Windows  []string
	Entities []string
}

var relMonitorColumns = []relColumn{
	{"name", "Name", false}, {"entity", "Entity", false}, {"type", "Type", false}, {"target", "Target", false},
	{"state", "State", false}, {"last", "Last check", false},
	{"up1h", "Up 1 h", true}, {"up24h", "Up 24 h", true}, {"up7d", "Up 7 d", true}, {"up30d", "Up 30 d", true},
}

// monitorList lists monitors with their state and uptime, filtered,
// sorted and paged by the query string.
func (s *Server) monitorList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	mons, err := s.rel.Monitors(ctx)
	if err != nil {
		return err
	}
	sts, err := s.rel.Statuses(ctx, mons, time.Now())
	if err != nil {
		return err
	}
	v := r.URL.Query()
	p := monitorListPage{URL: v, Types: probe.Names(), States: []string{"up", "down", "maintenance", "paused", "unknown"},
		Search: strings.TrimSpace(v.Get("q")), Type: v.Get("type"), State: v.Get("state"), Entity: strings.TrimSpace(v.Get("entity")),
		Empty: len(mons) == 0}
	for _, win := range reliability.Windows {
		p.Windows = append(p.Windows, win.Name)
	}
	p.Filters = p.Search != "" || p.Type != "" || p.State != "" || p.Entity != ""
	entityKey := p.Entity
	if ref, err := catalog.ParseRef(p.Entity, "Component", catalog.DefaultNamespace); err == nil {
		entityKey = ref.Key()
	}
	seen := map[string]bool{}
	q := strings.ToLower(p.Search)
	var rows []reliability.MonitorStatus
	for _, m := range sts {
		if !seen[m.Entity] {
			seen[m.Entity] = true
			p.Entities = append(p.Entities, m.Entity)
		}
		if (p.Type != "" && m.Type != p.Type) || (p.State != "" && m.State != p.State) || (p.Entity != "" && m.Entity != entityKey) {
			continue
		}
		if q != "" && !strings.Contains(m.Name, q) && !strings.Contains(strings.ToLower(m.Target), q) && !strings.Contains(m.Entity, q) {
			continue
		}
		rows = append(rows, m)
	}
	key, desc := relSortKey(v, "name", relMonitorColumns)
	relSortRows(rows, desc, func(a, b reliability.MonitorStatus) int {
		switch key {
		case "entity":
			return cmp.Compare(a.Entity, b.Entity)
		case "type":
			return cmp.Compare(a.Type, b.Type)
		case "target":
			return cmp.Compare(a.Target, b.Target)
		case "state":
			return cmp.Compare(relStateOrder[a.State], relStateOrder[b.State])
		case "last":
			// Longest ago first: a monitor that stopped being checked
			// is the one to look at.
			return cmp.Compare(relLastCheck(a), relLastCheck(b))
		case "up1h", "up24h", "up7d", "up30d":
			win := strings.TrimPrefix(key, "up")
			return relCompareUptime(a.Windows[win].Uptime, b.Windows[win].Uptime)
		}
		return cmp.Compare(a.Name, b.Name)
	})
	p.Sorts = relSorts(v, "name", relMonitorColumns)
	p.Pager = relPageOf(v, len(rows), pageSize)
	p.Rows = rows[p.Pager.From:p.Pager.To]
	return s.render(w, r, "monitor_list", "Monitors", "reliability", p)
}

func relLastCheck(m reliability.MonitorStatus) int64 {
	if m.LastCheckAt == nil {
		return 0
	}
	return m.LastCheckAt.Unix()
}
