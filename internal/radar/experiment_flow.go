package radar

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// StartExperiment marks a planned experiment running. It returns not found,
// and conflict unless the experiment is planned.
func (s *Store) StartExperiment(ctx context.Context, id int64) (Experiment, error) {
	return s.transition(ctx, id, []ExperimentStatus{ExperimentPlanned}, ExperimentRunning, Conclusion{}, -1)
}

// ConcludeExperiment ends a running experiment with its outcome and, when
// c.ProposedRing is set, a proposed ring for the technology, which
// ApplyExperimentProposal turns into a ring change. It returns not found,
// invalid for a bad conclusion or ring, and conflict unless the experiment
// is running.
func (s *Store) ConcludeExperiment(ctx context.Context, id int64, c Conclusion) (Experiment, error) {
	if err := c.Validate(); err != nil {
		return Experiment{}, err
	}
	proposed := -1
	if c.ProposedRing != "" {
		r, err := s.Radar(ctx)
		if err != nil {
			return Experiment{}, err
		}
		if proposed, err = r.ring("proposed_ring", c.ProposedRing); err != nil {
			return Experiment{}, err
		}
	}
	return s.transition(ctx, id, []ExperimentStatus{ExperimentRunning}, ExperimentConcluded, c, proposed)
}

// AbandonExperiment stops a planned or running experiment, recording why
// in c.Outcome and what was learned. It proposes no ring. It returns not
// found, invalid, and conflict once the experiment has ended.
func (s *Store) AbandonExperiment(ctx context.Context, id int64, c Conclusion) (Experiment, error) {
	if err := c.Validate(); err != nil {
		return Experiment{}, err
	}
	if c.ProposedRing != "" {
		return Experiment{}, apperr.Field("proposed_ring", "an abandoned experiment proposes no ring; conclude it instead")
	}
	return s.transition(ctx, id, []ExperimentStatus{ExperimentPlanned, ExperimentRunning}, ExperimentAbandoned, c, -1)
}

// transition moves an experiment from one of from to to.
func (s *Store) transition(ctx context.Context, id int64, from []ExperimentStatus, to ExperimentStatus, c Conclusion, proposed int) (Experiment, error) {
	old, err := s.Experiment(ctx, id)
	if err != nil {
		return old, err
	}
	if !slices.Contains(from, old.Status) {
		return old, apperr.New(apperr.Conflict, "experiment %d is %s; it must be %s to become %s", id, old.Status, joinStatuses(from), to)
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		now := unix(db.Now())
		var concluded, ring any
		if to == ExperimentConcluded || to == ExperimentAbandoned {
			concluded = now
		}
		if proposed >= 0 {
			ring = proposed
		}
		outcome, learned := old.Outcome, old.Learned
		if to != ExperimentRunning {
			outcome, learned = c.Outcome, c.Learned
		}
		args := []any{string(to), outcome, learned, ring, concluded, now, id}
		q := `UPDATE radar_experiments SET status = $1, outcome = $2, learned = $3, proposed_ring = $4, concluded_at = $5, updated_at = $6
			WHERE id = $7 AND status IN (` + db.Placeholders(len(args)+1, len(from)) + `)`
		for _, f := range from {
			args = append(args, string(f))
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("update experiment: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "experiment %d changed while you were editing it", id)
		}
		changes := map[string]audit.Change{"status": {Old: string(old.Status), New: string(to)}}
		if to != ExperimentRunning {
			changes["outcome"] = audit.Change{Old: old.Outcome, New: c.Outcome}
			changes["learned"] = audit.Change{Old: old.Learned, New: c.Learned}
		}
		if c.ProposedRing != "" {
			changes["proposed_ring"] = audit.Change{New: c.ProposedRing}
		}
		return audit.Record(ctx, tx, string(to), "experiment", fmt.Sprint(id), changes)
	})
	if err != nil {
		return old, err
	}
	return s.Experiment(ctx, id)
}

func joinStatuses(list []ExperimentStatus) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = string(s)
	}
	return strings.Join(parts, " or ")
}

// ProposalInput applies a concluded experiment's proposed ring.
type ProposalInput struct {
	DecidedBy string `json:"decided_by"`
	// Reason defaults to the experiment's outcome.
	Reason   string     `json:"reason"`
	ReviewAt *time.Time `json:"review_at"`
	// Decision optionally cites a decision record by number.
	Decision int `json:"decision"`
}

// Validate checks the input.
func (in *ProposalInput) Validate() error {
	in.DecidedBy, in.Reason = strings.TrimSpace(in.DecidedBy), strings.TrimSpace(in.Reason)
	if in.DecidedBy == "" {
		return apperr.Field("decided_by", "is required: who made the decision")
	}
	if in.Decision < 0 {
		return apperr.Field("decision", "must be a decision number")
	}
	return nil
}

// ApplyExperimentProposal moves the experiment's technology to the ring the
// experiment proposed, as a ring change citing the experiment. When the
// technology sits in that ring already (someone moved it meanwhile), the
// proposal is marked applied and no ring change is made: the answer then
// has ID 0 and From equal to To. It returns not found, invalid, and
// conflict when the experiment is not concluded, proposes nothing or was
// applied already.
func (s *Store) ApplyExperimentProposal(ctx context.Context, id int64, in ProposalInput) (RingChange, error) {
	if err := in.Validate(); err != nil {
		return RingChange{}, err
	}
	e, err := s.Experiment(ctx, id)
	if err != nil {
		return RingChange{}, err
	}
	switch {
	case e.Status != ExperimentConcluded:
		return RingChange{}, apperr.New(apperr.Conflict, "experiment %d is %s; only a concluded experiment's proposal can be applied", id, e.Status)
	case e.ProposedRing < 0:
		return RingChange{}, apperr.New(apperr.Conflict, "experiment %d proposes no ring", id)
	case e.ProposalApplied:
		return RingChange{}, apperr.New(apperr.Conflict, "experiment %d's proposal is applied already", id)
	}
	reason := in.Reason
	if reason == "" {
		reason = fmt.Sprintf("Experiment %d concluded: %s", id, e.Outcome)
	}
	var c RingChange
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if err := tx.Serialize(ctx, radarLock); err != nil {
			return err
		}
		r, err := s.radarTx(ctx, tx)
		if err != nil {
			return err
		}
		t, err := technologyTx(ctx, tx, r, e.Technology)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE radar_experiments SET proposal_applied = TRUE, updated_at = $1 WHERE id = $2 AND proposal_applied = FALSE`,
			unix(db.Now()), id)
		if err != nil {
			return fmt.Errorf("mark proposal applied: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "experiment %d's proposal is applied already", id)
		}
		changes := map[string]audit.Change{"proposal_applied": {Old: false, New: true}}
		if t.Ring == e.ProposedRing {
			c = RingChange{Technology: t.Name, Quadrant: t.Quadrant, From: t.Ring, To: t.Ring, FromName: r.Rings[t.Ring].Name,
				ToName: r.Rings[t.Ring].Name, DecidedBy: in.DecidedBy, Reason: reason, Experiment: id}
		} else {
			c, err = changeRing(ctx, tx, r, t, e.ProposedRing, RingChangeInput{Ring: r.Rings[e.ProposedRing].Name, DecidedBy: in.DecidedBy,
				Reason: reason, ReviewAt: in.ReviewAt, Decision: in.Decision}, id)
			if err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "apply_proposal", "experiment", fmt.Sprint(id), changes)
	})
	return c, err
}

// TeamExperiments is one team's line of the experiments overview.
type TeamExperiments struct {
	// Team is the catalog key of the group.
	Team    string       `json:"team"`
	Running []Experiment `json:"running"`
	// Overdue are running experiments past their time box; they are in
	// Running too.
	Overdue []Experiment `json:"overdue"`
	Planned int          `json:"planned"`
}

// ExperimentOverview returns, per team with planned or running experiments,
// those running and those overdue on day, ordered by team.
func (s *Store) ExperimentOverview(ctx context.Context, day time.Time) ([]TeamExperiments, error) {
	list, err := s.queryExperiments(ctx, `SELECT `+experimentColumns+experimentFrom+` WHERE e.status IN ('planned', 'running') ORDER BY e.team_ref, e.ends_on, e.id`)
	if err != nil {
		return nil, err
	}
	out := []TeamExperiments{}
	for _, e := range list {
		if len(out) == 0 || out[len(out)-1].Team != e.Team {
			out = append(out, TeamExperiments{Team: e.Team, Running: []Experiment{}, Overdue: []Experiment{}})
		}
		t := &out[len(out)-1]
		if e.Status == ExperimentPlanned {
			t.Planned++
			continue
		}
		t.Running = append(t.Running, e)
		if e.Overdue(day) {
			t.Overdue = append(t.Overdue, e)
		}
	}
	return out, nil
}
