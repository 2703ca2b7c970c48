package reliability

import (
	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

// MonitorInput is a monitor as a form, the API or a monitors file gives it.
type MonitorInput struct {
	// Name is unique among monitors: letters, digits, '-', '_', '.'.
	Name string `json:"name" yaml:"name"`
	// Entity is the catalog entity the monitor watches, as a reference
	// ("component:default/checkout"; the kind defaults to component).
	Entity string `json:"entity" yaml:"entity"`
	// Interval between checks, 10 s to 24 h; default 60 s.
	Interval dur.Duration `json:"interval,omitempty" yaml:"interval,omitempty"`
	// Conditions every check must meet; empty means the kind's defaults.
	Conditions []string `json:"conditions,omitempty" yaml:"conditions,omitempty"`
	// FailureThreshold is how many failed checks in a row turn the monitor
	// down; SuccessThreshold how many good ones turn it up again. Default 1 each.
	FailureThreshold int `json:"failure_threshold,omitempty" yaml:"failure_threshold,omitempty"`
	SuccessThreshold int `json:"success_threshold,omitempty" yaml:"success_threshold,omitempty"`
	// Severity of the incident opened when the monitor goes down:
	// minor, major or critical (default major).
	Severity string `json:"severity,omitempty" yaml:"severity,omitempty"`
	// Paused monitors are not checked.
	Paused bool `json:"paused,omitempty" yaml:"paused,omitempty"`
	// Probe says what to check and how.
	probe.Settings `yaml:",inline"`
}
