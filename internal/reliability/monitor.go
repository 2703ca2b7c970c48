package reliability

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/reliability/condition"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

// MonitorInput is a monitor as a form, the API or a monitors file gives it.
type MonitorInput struct {
	// Name is unique among monitors: lower-case letters, digits, '-', '_', '.'.
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

// Interval bounds.
const (
	MinInterval     = 10 * time.Second
	MaxInterval     = 24 * time.Hour
	defaultInterval = time.Minute
)

var monitorName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)

// Severities from least to most severe.
var Severities = []string{"minor", "major", "critical"}

// SeverityRank orders severities; unknown ones rank 0.
func SeverityRank(s string) int {
	for i, v := range Severities {
		if v == s {
			return i + 1
		}
	}
	return 0
}

// Validate checks the input, fills defaults and compiles the conditions.
// Errors name the field.
func (in *MonitorInput) Validate() ([]*condition.Condition, catalog.Ref, error) {
	in.Name = strings.TrimSpace(in.Name)
	if !monitorName.MatchString(in.Name) {
		return nil, catalog.Ref{}, apperr.Field("name", "%q is not a monitor name: use 1 to 100 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", in.Name)
	}
	ref, err := catalog.ParseRef(in.Entity, "Component", catalog.DefaultNamespace)
	if err != nil {
		return nil, ref, apperr.Field("entity", "%s", apperr.As(err).Message)
	}
	in.Entity = ref.String()
	if in.Interval == 0 {
		in.Interval = dur.Duration(defaultInterval)
	}
	if iv := in.Interval.D(); iv < MinInterval || iv > MaxInterval {
		return nil, ref, apperr.Field("interval", "%s is outside 10s to 24h", iv)
	}
	if in.FailureThreshold == 0 {
		in.FailureThreshold = 1
	}
	if in.SuccessThreshold == 0 {
		in.SuccessThreshold = 1
	}
	if in.FailureThreshold < 1 || in.FailureThreshold > 100 {
		return nil, ref, apperr.Field("failure_threshold", "%d is outside 1 to 100", in.FailureThreshold)
	}
	if in.SuccessThreshold < 1 || in.SuccessThreshold > 100 {
		return nil, ref, apperr.Field("success_threshold", "%d is outside 1 to 100", in.SuccessThreshold)
	}
	if in.Severity == "" {
		in.Severity = "major"
	}
	if SeverityRank(in.Severity) == 0 {
		return nil, ref, apperr.Field("severity", "%q is not one of %s", in.Severity, strings.Join(Severities, ", "))
	}
	kind, err := probe.Lookup(in.Type)
	if err != nil {
		return nil, ref, err
	}
	if in.Timeout == 0 && in.Type != "heartbeat" {
		// A check must end well before the next one is due.
		in.Timeout = dur.Duration(min(10*time.Second, in.Interval.D()/2))
	}
	if err := kind.Validate(&in.Settings); err != nil {
		return nil, ref, err
	}
	if in.Type != "heartbeat" && in.Timeout.D() >= in.Interval.D() {
		return nil, ref, apperr.Field("timeout", "%s must be shorter than the interval (%s)", in.Timeout, in.Interval)
	}
	if len(in.Conditions) == 0 {
		in.Conditions = kind.DefaultConditions()
	}
	conds := make([]*condition.Condition, len(in.Conditions))
	for i, text := range in.Conditions {
		c, err := condition.Parse(text)
		if err != nil {
			return nil, ref, apperr.Field(fmt.Sprintf("conditions[%d]", i), "%s", err)
		}
		conds[i] = c
		in.Conditions[i] = c.String()
	}
	return conds, ref, nil
}
