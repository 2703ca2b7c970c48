package reliability

import (
	"context"
	"time"
)

// SLOStatus is where an SLO stands now.
type SLOStatus struct {
	SLO
	WindowStart time.Time `json:"window_start"`
	WindowEnd   time.Time `json:"window_end"`
	// Good and Total are the events counted (checks, or checks under the
	// threshold); Maint the checks left out for maintenance.
	Good  float64 `json:"good"`
	Total float64 `json:"total"`
	Maint int64   `json:"maintenance_checks"`
	// Attainment is Good/Total; nil without checks.
	Attainment *float64 `json:"attainment"`
	// The error budget in events: allowed bad events, bad events so far,
	// and the share of the budget left (negative once overspent).
	BudgetTotal float64 `json:"budget_total"`
	BudgetUsed  float64 `json:"budget_used"`
	BudgetLeft  float64 `json:"budget_left"`
	// BurnRate is how fast the budget burned over the last hour (scaled to
	// the period): 1 spends it exactly over the period.
	BurnRate *float64 `json:"burn_rate"`
	// Series is the share of budget left at points across the window.
	Series []BudgetPoint `json:"series"`
}

// BudgetPoint is the budget left at a moment.
type BudgetPoint struct {
	At   time.Time `json:"at"`
	Left float64   `json:"left"`
}

// BurnRule is one multi-window burn-rate alert condition from Google's SRE
// workbook, for a 30-day period: fire when the budget burns at Factor times
// the sustainable rate over both the Long window and the Short one.
type BurnRule struct {
	Level       string
	Long, Short time.Duration
	Factor      float64
}

// BurnRules: page at 2 % of the budget in 1 h or 5 % in 6 h, ticket at 10 %
// in 3 days. Windows scale with the period's length.
var BurnRules = []BurnRule{
	{"page", time.Hour, 5 * time.Minute, 14.4},
	{"page", 6 * time.Hour, 30 * time.Minute, 6},
	{"ticket", 72 * time.Hour, 6 * time.Hour, 1},
}

// scaled returns a rule's windows for a period.
func (r BurnRule) scaled(period string) (long, short time.Duration) {
	f := float64(PeriodLength(period)) / float64(30*24*time.Hour)
	return time.Duration(float64(r.Long) * f), time.Duration(float64(r.Short) * f)
}

// SLOStatus computes where o stands at now, with a series of points for
// its budget chart.
func (s *Store) SLOStatus(ctx context.Context, o SLO, now time.Time, points int) (SLOStatus, error) {
	st := SLOStatus{SLO: o}
	st.WindowStart, st.WindowEnd = o.Window(now)
	ids, err := s.sloMonitors(ctx, o)
	if err != nil {
		return st, err
	}
	st.Good, st.Total, st.Maint, err = s.sloEvents(ctx, o, ids, st.WindowStart, st.WindowEnd)
	if err != nil {
		return st, err
	}
	allowed := 1 - o.Objective
	st.BudgetTotal = allowed * st.Total
	st.BudgetUsed = st.Total - st.Good
	st.BudgetLeft = 1
	if st.Total > 0 {
		a := st.Good / st.Total
		st.Attainment = &a
		st.BudgetLeft = 1 - (1-a)/allowed
	}
	long, _ := BurnRules[0].scaled(o.Period)
	if br, ok, err := s.burnRate(ctx, o, ids, now.Add(-long), now); err != nil {
		return st, err
	} else if ok {
		st.BurnRate = &br
	}
	if points > 1 {
		st.Series, err = s.budgetSeries(ctx, o, ids, st.WindowStart, st.WindowEnd, points)
	}
	return st, err
}

// burnRate is the bad share over [from, to) divided by the allowed share.
func (s *Store) burnRate(ctx context.Context, o SLO, ids []int64, from, to time.Time) (float64, bool, error) {
	good, total, _, err := s.sloEvents(ctx, o, ids, from, to)
	if err != nil || total == 0 {
		return 0, false, err
	}
	return (1 - good/total) / (1 - o.Objective), true, nil
}

// budgetSeries is the budget burn-down across the window: at each point,
// the share of the whole window's budget (allowed bad events of all the
// events so far) not yet spent by the bad events up to that point. It
// starts at 1 and falls to the budget left now.
func (s *Store) budgetSeries(ctx context.Context, o SLO, ids []int64, from, to time.Time, points int) ([]BudgetPoint, error) {
	step := to.Sub(from) / time.Duration(points-1)
	type cum struct {
		at  time.Time
		bad float64
	}
	var good, total float64
	marks := make([]cum, 0, points)
	prev := from
	for i := 0; i < points; i++ {
		at := from.Add(time.Duration(i) * step)
		if i == points-1 {
			at = to
		}
		if at.After(prev) {
			g, t, _, err := s.sloEvents(ctx, o, ids, prev, at)
			if err != nil {
				return nil, err
			}
			good, total = good+g, total+t
		}
		prev = at
		marks = append(marks, cum{at: at, bad: total - good})
	}
	budget := (1 - o.Objective) * total
	out := make([]BudgetPoint, len(marks))
	for i, m := range marks {
		left := 1.0
		if budget > 0 {
			left = 1 - m.bad/budget
		}
		out[i] = BudgetPoint{At: m.at, Left: left}
	}
	return out, nil
}

// BurnLevel evaluates the burn-rate rules for o at now: "page", "ticket" or "".
func (s *Store) BurnLevel(ctx context.Context, o SLO, now time.Time) (string, error) {
	ids, err := s.sloMonitors(ctx, o)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	level := ""
	for _, r := range BurnRules {
		if level == "page" || (level == "ticket" && r.Level == "ticket") {
			continue
		}
		long, short := r.scaled(o.Period)
		lb, lok, err := s.burnRate(ctx, o, ids, now.Add(-long), now)
		if err != nil {
			return "", err
		}
		if !lok || lb < r.Factor {
			continue
		}
		sb, sok, err := s.burnRate(ctx, o, ids, now.Add(-short), now)
		if err != nil {
			return "", err
		}
		if sok && sb >= r.Factor {
			level = r.Level
		}
	}
	return level, nil
}
