package delivery

import (
	"math"
	"slices"
	"time"
)

// Keys are the DORA measures over one window. A rate or time with nothing
// to measure is nil (null in JSON), never 0.
type Keys struct {
	WindowStart time.Time `json:"window_start"`
	WindowEnd   time.Time `json:"window_end"`
	// Deployments counts finished production deployments; DeploymentDays the
	// UTC days with at least one.
	Deployments           int      `json:"deployments"`
	DeploymentDays        int      `json:"deployment_days"`
	DeploymentsPerDay     *float64 `json:"deployments_per_day"`
	DeploymentDaysPerWeek *float64 `json:"deployment_days_per_week"`
	// Changes counts the changes whose lead time is measured.
	Changes     int      `json:"changes"`
	LeadTimeP50 *float64 `json:"lead_time_p50_seconds"`
	LeadTimeP90 *float64 `json:"lead_time_p90_seconds"`
	Failed      int      `json:"failed_deployments"`
	FailureRate *float64 `json:"change_failure_rate"`
	Recovered   int      `json:"recovered_deployments"`
	RecoveryP50 *float64 `json:"recovery_time_p50_seconds"`
	Rework      int      `json:"rework_deployments"`
	ReworkRate  *float64 `json:"rework_rate"`
}

// tally gathers a window's daily rollups before they become Keys.
type tally struct {
	deployments, failed, rework int
	days                        map[int64]bool
	lead, recovery              []int64
}

func newTally() *tally { return &tally{days: map[int64]bool{}} }

func (t *tally) add(r dailyRow) {
	t.deployments += r.deployments
	t.failed += r.failed
	t.rework += r.rework
	if r.deployments > 0 {
		t.days[r.day] = true
	}
	t.lead = decodeSeconds(t.lead, r.lead)
	t.recovery = decodeSeconds(t.recovery, r.recovery)
}

// keys turns the tally into measures over a window of `days` days.
func (t *tally) keys(start, end time.Time) Keys {
	k := Keys{WindowStart: start, WindowEnd: end, Deployments: t.deployments, DeploymentDays: len(t.days),
		Changes: len(t.lead), Failed: t.failed, Recovered: len(t.recovery), Rework: t.rework}
	days := end.Sub(start).Hours() / 24
	if t.deployments > 0 && days > 0 {
		k.DeploymentsPerDay = ptr(float64(t.deployments) / days)
		k.DeploymentDaysPerWeek = ptr(float64(len(t.days)) / days * 7)
		k.FailureRate = ptr(float64(t.failed) / float64(t.deployments))
		k.ReworkRate = ptr(float64(t.rework) / float64(t.deployments))
	}
	if len(t.lead) > 0 {
		slices.Sort(t.lead)
		k.LeadTimeP50 = ptr(float64(nearestRank(t.lead, 0.5)))
		k.LeadTimeP90 = ptr(float64(nearestRank(t.lead, 0.9)))
	}
	if len(t.recovery) > 0 {
		slices.Sort(t.recovery)
		k.RecoveryP50 = ptr(float64(nearestRank(t.recovery, 0.5)))
	}
	return k
}

// nearestRank is the nearest-rank percentile of sorted values: the
// smallest value that at least a share p of the values do not exceed. Of
// an even number of values, the median is the lower of the middle two.
func nearestRank(sorted []int64, p float64) int64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ptr[T any](v T) *T { return &v }
