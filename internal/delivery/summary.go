package delivery

import "context"

// Summary is the answer of `chief dora --json` and GET /api/v1/dora: the
// keys at the top level, with the previous window, the DORA cluster
// placement and the pull-request cycle time beside them.
type Summary struct {
	Keys
	Scope     Scope       `json:"scope"`
	Previous  Keys        `json:"previous"`
	Benchmark int         `json:"benchmark_year"`
	Tiers     []Placement `json:"tiers"`
	CycleTime CycleTime   `json:"cycle_time"`
}

// Summarize measures a scope over a window and the window before it, and
// places the keys in a year's DORA table.
func (s *Store) Summarize(ctx context.Context, sc Scope, w Window, b Benchmark) (Summary, error) {
	k, err := s.Measure(ctx, sc, w)
	if err != nil {
		return Summary{}, err
	}
	prev, err := s.Measure(ctx, sc, w.Previous())
	if err != nil {
		return Summary{}, err
	}
	ct, err := s.CycleTime(ctx, sc, w)
	if err != nil {
		return Summary{}, err
	}
	tiers := b.Place(k)
	if tiers == nil {
		tiers = []Placement{}
	}
	return Summary{Keys: k, Scope: sc, Previous: prev, Benchmark: b.Year, Tiers: tiers, CycleTime: ct}, nil
}
