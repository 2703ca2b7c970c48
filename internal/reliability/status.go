package reliability

import (
	"context"
	"math"
	"time"
)

// Windows are the spans uptime is reported over, in the order shown.
var Windows = []struct {
	Name string
	Span time.Duration
}{
	{"1h", time.Hour}, {"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour},
}

// WindowCounts are a window's good and bad checks and the uptime they give
// (null without checks). Checks during maintenance are left out.
type WindowCounts struct {
	Good   int64    `json:"good"`
	Bad    int64    `json:"bad"`
	Maint  int64    `json:"maintenance"`
	Uptime *float64 `json:"uptime"`
}

func windowOf(c *Counts) WindowCounts {
	if c == nil {
		return WindowCounts{}
	}
	w := WindowCounts{Good: c.Good, Bad: c.Bad, Maint: c.Maint}
	if u, ok := c.Uptime(); ok {
		// Cut, not rounded: one failed check never reads as 100 %.
		u = math.Floor(u*10000) / 10000
		w.Uptime = &u
	}
	return w
}

// MonitorStatus is a monitor as listings show it; its JSON form is the
// documented output of `chief monitors list --json` and the API.
type MonitorStatus struct {
	Name        string                  `json:"name"`
	Entity      string                  `json:"entity"`
	Type        string                  `json:"type"`
	Target      string                  `json:"target"`
	Interval    string                  `json:"interval"`
	State       string                  `json:"state"`
	Since       *time.Time              `json:"state_since"`
	LastCheckAt *time.Time              `json:"last_check_at"`
	Windows     map[string]WindowCounts `json:"windows"`
	// HeartbeatURL is where a heartbeat monitor's job calls in.
	HeartbeatURL string `json:"heartbeat_url,omitempty"`

	Monitor Monitor `json:"-"`
}

// Statuses describes monitors with their state and uptime windows at now.
func (s *Store) Statuses(ctx context.Context, mons []Monitor, now time.Time) ([]MonitorStatus, error) {
	ids := make([]int64, len(mons))
	for i, m := range mons {
		ids[i] = m.ID
	}
	states, err := s.statesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	last, err := s.lastChecks(ctx, ids)
	if err != nil {
		return nil, err
	}
	windows := make([]map[int64]*Counts, len(Windows))
	for i, w := range Windows {
		if windows[i], err = s.Counts(ctx, ids, now.Add(-w.Span), now, false); err != nil {
			return nil, err
		}
	}
	maint, err := s.Maintenance(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MonitorStatus, len(mons))
	for i, m := range mons {
		st := states[m.ID]
		ms := MonitorStatus{Name: m.Name, Entity: m.EntityKey, Type: m.Type, Target: m.Target, Interval: m.Interval.String(),
			State: st.State, Windows: map[string]WindowCounts{}, Monitor: m}
		if ms.State == "" {
			ms.State = StateUnknown
		}
		if !st.Since.IsZero() {
			since := st.Since
			ms.Since = &since
		}
		if t, ok := last[m.ID]; ok {
			t = t.Truncate(time.Second)
			ms.LastCheckAt = &t
		}
		for j, w := range Windows {
			ms.Windows[w.Name] = windowOf(windows[j][m.ID])
		}
		for _, mw := range maint {
			if mw.Covers(now, m.EntityKey) {
				ms.State = StateMaintenance
			}
		}
		if m.Paused {
			ms.State = StatePaused
		}
		out[i] = ms
	}
	return out, nil
}
