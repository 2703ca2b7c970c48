package probe

import (
	"context"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
)

// minGrace is the least slack a heartbeat gets: a job scheduled every minute
// by cron may well start a few seconds late.
const minGrace = 5 * time.Second

// heartbeatKind checks that a job called Chief's heartbeat URL recently. It
// reaches nothing itself: the store records Env.LastBeat when the call
// arrives.
type heartbeatKind struct{}

// Validate accepts no settings at all.
func (heartbeatKind) Validate(s *Settings) error {
	if s.Target != "" {
		return apperr.Field("target", "heartbeat monitors have no target: the job calls Chief's heartbeat URL instead")
	}
	return rejectUnused(s, "heartbeat", 0)
}

// DefaultConditions: a beat arrived within the interval plus grace.
func (heartbeatKind) DefaultConditions() []string { return []string{"[CONNECTED] == true"} }

// Check compares the last beat with the interval, plus a grace of a tenth
// of it (at least 5 s).
func (heartbeatKind) Check(_ context.Context, _ *Settings, env Env) Observation {
	var obs Observation
	if env.LastBeat.IsZero() {
		obs.Err = "no heartbeat received yet"
		return obs
	}
	now := env.Now
	if now.IsZero() {
		now = time.Now()
	}
	late := now.Sub(env.LastBeat)
	if late <= env.Interval+max(env.Interval/10, minGrace) {
		obs.Input.Connected = true
		return obs
	}
	obs.Err = fmt.Sprintf("no heartbeat since %s (%s ago, expected every %s)",
		env.LastBeat.UTC().Format(time.RFC3339), late.Round(time.Second), env.Interval)
	return obs
}
