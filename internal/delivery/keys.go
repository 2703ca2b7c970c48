package delivery

import (
	"math"
	"math/bits"
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
	t.count(r)
	t.lead = decodeSeconds(t.lead, r.lead)
	t.recovery = decodeSeconds(t.recovery, r.recovery)
}

// addDecoded adds a row whose lists are already decoded.
func (t *tally) addDecoded(r dailyRow, lead, recovery []int64) {
	t.count(r)
	t.lead = append(t.lead, lead...)
	t.recovery = append(t.recovery, recovery...)
}

func (t *tally) count(r dailyRow) {
	t.deployments += r.deployments
	t.failed += r.failed
	t.rework += r.rework
	if r.deployments > 0 {
		t.days[r.day] = true
	}
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
		k.LeadTimeP50 = ptr(float64(selectRank(t.lead, 0.5)))
		k.LeadTimeP90 = ptr(float64(selectRank(t.lead, 0.9)))
	}
	if len(t.recovery) > 0 {
		k.RecoveryP50 = ptr(float64(selectRank(t.recovery, 0.5)))
	}
	return k
}

// nearestRank is the nearest-rank percentile of sorted values: the
// smallest value that at least a share p of the values do not exceed. Of
// an even number of values, the median is the lower of the middle two.
func nearestRank(sorted []int64, p float64) int64 {
	return sorted[rankIndex(len(sorted), p)]
}

func rankIndex(n int, p float64) int {
	i := int(math.Ceil(p*float64(n))) - 1
	return max(0, min(i, n-1))
}

// selectRank is nearestRank of values in any order. It reorders them, and
// takes linear time where sorting a company's million lead times would not.
func selectRank(vs []int64, p float64) int64 {
	k := rankIndex(len(vs), p)
	selectNth(vs, k)
	return vs[k]
}

// selectNth reorders vs so that vs[k] is the value sorting would put there,
// with no greater value before it and no smaller after it (quickselect with
// three-way partitions, so repeated values cost nothing; it sorts what is
// left when partitions keep coming out lopsided).
func selectNth(vs []int64, k int) {
	lo, hi := 0, len(vs)
	budget := 2 * bits.Len(uint(len(vs)))
	for hi-lo > 16 {
		if budget == 0 {
			break
		}
		budget--
		a, b, c := vs[lo], vs[lo+(hi-lo)/2], vs[hi-1]
		pivot := max(min(a, b), min(max(a, b), c))
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch v := vs[i]; {
			case v < pivot:
				vs[lt], vs[i] = v, vs[lt]
				lt++
				i++
			case v > pivot:
				gt--
				vs[i], vs[gt] = vs[gt], v
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return
		}
	}
	slices.Sort(vs[lo:hi])
}

func ptr[T any](v T) *T { return &v }
