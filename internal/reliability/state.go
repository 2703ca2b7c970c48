package reliability

import (
	"time"

	"github.com/chief-hq/chief/internal/reliability/condition"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

// Monitor states. A monitor is unknown until its first settled check;
// paused and maintenance are shown in place of the stored state.
const (
	StateUp          = "up"
	StateDown        = "down"
	StateUnknown     = "unknown"
	StatePaused      = "paused"
	StateMaintenance = "maintenance"
)

// Result is one check's outcome, as the scheduler hands it to the recorder.
type Result struct {
	MonitorID int64
	// Planned is when the check was due; At when it started.
	Planned  time.Time
	At       time.Time
	OK       bool
	Maint    bool
	Phases   probe.Phases
	Err      string
	Verdicts []condition.Verdict
}

// Detail is what a failed check stores about why it failed.
type Detail struct {
	Error    string              `json:"error,omitempty"`
	Failed   []condition.Verdict `json:"failed,omitempty"`
	Verdicts []condition.Verdict `json:"verdicts,omitempty"`
}

// evaluate applies a monitor's conditions to an observation.
func evaluate(conds []*condition.Condition, obs *probe.Observation) (ok bool, verdicts []condition.Verdict) {
	// A check that could not be completed (refused, timed out, bad
	// certificate) fails whatever its conditions say.
	ok = obs.Err == ""
	verdicts = make([]condition.Verdict, len(conds))
	for i, c := range conds {
		verdicts[i] = c.Eval(&obs.Input)
		if !verdicts[i].OK {
			ok = false
		}
	}
	return ok, verdicts
}
