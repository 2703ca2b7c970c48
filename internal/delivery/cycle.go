package delivery

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// CycleTime breaks the way of pull requests merged in a window into
// phases, each the median (nearest rank) over the pull requests where
// both ends are known: coding (first commit to opening), pickup (opening
// to first review), review (first review to merge) and deploy (merge to
// the first production deployment that shipped the merge commit). Pull
// requests by bots are left out.
type CycleTime struct {
	PullRequests int      `json:"pull_requests"`
	CodingP50    *float64 `json:"coding_p50_seconds"`
	PickupP50    *float64 `json:"pickup_p50_seconds"`
	ReviewP50    *float64 `json:"review_p50_seconds"`
	DeployP50    *float64 `json:"deploy_p50_seconds"`
	// Counts say how many pull requests each phase was measured on.
	Coding int `json:"coding_measured"`
	Pickup int `json:"pickup_measured"`
	Review int `json:"review_measured"`
	Deploy int `json:"deploy_measured"`
}

// CycleTime measures the pull requests of a scope merged in a window.
func (s *Store) CycleTime(ctx context.Context, sc Scope, w Window) (CycleTime, error) {
	set, _, err := s.members(ctx, sc)
	if err != nil {
		return CycleTime{}, err
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT component_ref, opened_at, first_commit_at, first_review_at, merged_at, deployed_at
		FROM delivery_pull_requests WHERE merged_at >= $1 AND merged_at < $2 AND NOT bot`, w.Start.Unix(), w.End.Unix())
	if err != nil {
		return CycleTime{}, fmt.Errorf("read pull requests: %w", err)
	}
	defer rows.Close()
	var coding, pickup, review, deploy []int64
	var ct CycleTime
	for rows.Next() {
		var key string
		var opened, merged int64
		var first, reviewed, deployed sql.NullInt64
		if err := rows.Scan(&key, &opened, &first, &reviewed, &merged, &deployed); err != nil {
			return CycleTime{}, err
		}
		if set != nil && !set[key] {
			continue
		}
		ct.PullRequests++
		if first.Valid {
			coding = append(coding, max(0, opened-first.Int64))
		}
		if reviewed.Valid {
			pickup = append(pickup, max(0, reviewed.Int64-opened))
			review = append(review, max(0, merged-reviewed.Int64))
		}
		if deployed.Valid {
			deploy = append(deploy, max(0, deployed.Int64-merged))
		}
	}
	if err := rows.Err(); err != nil {
		return CycleTime{}, err
	}
	ct.CodingP50, ct.Coding = median(coding), len(coding)
	ct.PickupP50, ct.Pickup = median(pickup), len(pickup)
	ct.ReviewP50, ct.Review = median(review), len(review)
	ct.DeployP50, ct.Deploy = median(deploy), len(deploy)
	return ct, nil
}

func median(vs []int64) *float64 {
	if len(vs) == 0 {
		return nil
	}
	slices.Sort(vs)
	return ptr(float64(nearestRank(vs, 0.5)))
}
