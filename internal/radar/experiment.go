package radar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// ExperimentStatus is where an experiment stands.
type ExperimentStatus string

// The statuses: planned, then running, then concluded (with an outcome)
// or abandoned.
const (
	ExperimentPlanned   ExperimentStatus = "planned"
	ExperimentRunning   ExperimentStatus = "running"
	ExperimentConcluded ExperimentStatus = "concluded"
	ExperimentAbandoned ExperimentStatus = "abandoned"
)

// ExperimentStatuses lists the statuses in order.
var ExperimentStatuses = []ExperimentStatus{ExperimentPlanned, ExperimentRunning, ExperimentConcluded, ExperimentAbandoned}

// Experiment is a time-boxed trial of a technology by a team.
type Experiment struct {
	ID         int64  `json:"id"`
	Hypothesis string `json:"hypothesis"`
	Technology string `json:"technology"`
	// Ring is the technology's ring now, for the overview.
	Ring     int    `json:"ring"`
	RingName string `json:"ring_name"`
	// Owner is the catalog key of the person running it; Team of the group.
	Owner string `json:"owner"`
	Team  string `json:"team"`
	// Start and End are the time box, as dates.
	Start           time.Time        `json:"start"`
	End             time.Time        `json:"end"`
	SuccessCriteria string           `json:"success_criteria"`
	Status          ExperimentStatus `json:"status"`
	Outcome         string           `json:"outcome"`
	Learned         string           `json:"learned"`
	// ProposedRing is the ring a concluded experiment proposes for the
	// technology, -1 for none.
	ProposedRing     int        `json:"proposed_ring"`
	ProposedRingName string     `json:"proposed_ring_name"`
	ProposalApplied  bool       `json:"proposal_applied"`
	ConcludedAt      *time.Time `json:"concluded_at"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// Overdue reports whether a running experiment is past its time box on day.
func (e Experiment) Overdue(day time.Time) bool {
	return e.Status == ExperimentRunning && e.End.Before(Day(day))
}

// ExperimentInput plans an experiment or changes a planned or running one.
type ExperimentInput struct {
	Hypothesis string `json:"hypothesis"`
	// Technology is a name on the radar, matched by Slug.
	Technology string `json:"technology"`
	// Owner is a user reference ("ana", "user:default/ana"); Team a group
	// reference ("payments").
	Owner           string    `json:"owner"`
	Team            string    `json:"team"`
	Start           time.Time `json:"start"`
	End             time.Time `json:"end"`
	SuccessCriteria string    `json:"success_criteria"`
}

// Validate checks the input; the store checks the technology, owner and
// team exist.
func (in *ExperimentInput) Validate() error {
	in.Hypothesis = strings.TrimSpace(in.Hypothesis)
	in.Technology = strings.TrimSpace(in.Technology)
	in.Owner = strings.TrimSpace(in.Owner)
	in.Team = strings.TrimSpace(in.Team)
	in.SuccessCriteria = strings.TrimSpace(in.SuccessCriteria)
	switch {
	case in.Hypothesis == "":
		return apperr.Field("hypothesis", "is required: what the team expects to learn")
	case len(in.Hypothesis) > 2000:
		return apperr.Field("hypothesis", "is longer than 2000 characters")
	case in.Technology == "":
		return apperr.Field("technology", "is required")
	case in.Owner == "":
		return apperr.Field("owner", "is required: the person who runs it")
	case in.Team == "":
		return apperr.Field("team", "is required")
	case in.Start.IsZero():
		return apperr.Field("start", "is required")
	case in.End.IsZero():
		return apperr.Field("end", "is required: an experiment has a time box")
	case len(in.SuccessCriteria) > 5000:
		return apperr.Field("success_criteria", "is longer than 5000 characters")
	}
	in.Start, in.End = dateOf(in.Start), dateOf(in.End)
	if in.End.Before(in.Start) {
		return apperr.Field("end", "is before the start")
	}
	return nil
}

// Conclusion ends an experiment: what came of it and what was learned, and
// for a concluded one optionally the ring it proposes.
type Conclusion struct {
	Outcome string `json:"outcome"`
	Learned string `json:"learned"`
	// ProposedRing is a ring name, or "" to propose nothing.
	ProposedRing string `json:"proposed_ring"`
}

// Validate checks the conclusion.
func (c *Conclusion) Validate() error {
	c.Outcome, c.Learned, c.ProposedRing = strings.TrimSpace(c.Outcome), strings.TrimSpace(c.Learned), strings.TrimSpace(c.ProposedRing)
	switch {
	case c.Outcome == "":
		return apperr.Field("outcome", "is required: what happened, measured against the success criteria")
	case len(c.Outcome) > 10000:
		return apperr.Field("outcome", "is longer than 10000 characters")
	case len(c.Learned) > 10000:
		return apperr.Field("learned", "is longer than 10000 characters")
	}
	return nil
}

// ExperimentQuery filters Experiments; empty fields do not filter.
type ExperimentQuery struct {
	Status     ExperimentStatus `json:"status"`
	Team       string           `json:"team"`
	Technology string           `json:"technology"`
}

// Validate checks the status.
func (q *ExperimentQuery) Validate() error {
	if q.Status != "" && !slices.Contains(ExperimentStatuses, q.Status) {
		return apperr.Field("status", "%q is not a status: use planned, running, concluded or abandoned", q.Status)
	}
	return nil
}

const experimentColumns = `e.id, e.hypothesis, t.name, t.ring, e.owner_ref, e.team_ref, e.starts_on, e.ends_on, e.success_criteria, e.status,
	e.outcome, e.learned, COALESCE(e.proposed_ring, -1), e.proposal_applied, e.concluded_at, e.created_at, e.updated_at`

const experimentFrom = ` FROM radar_experiments e JOIN radar_technologies t ON t.id = e.technology_id`

func scanExperiment(row interface{ Scan(...any) error }, r Radar) (Experiment, error) {
	var e Experiment
	var start, end, created, updated int64
	var concluded sql.NullInt64
	err := row.Scan(&e.ID, &e.Hypothesis, &e.Technology, &e.Ring, &e.Owner, &e.Team, &start, &end, &e.SuccessCriteria, &e.Status,
		&e.Outcome, &e.Learned, &e.ProposedRing, &e.ProposalApplied, &concluded, &created, &updated)
	if err != nil {
		return e, err
	}
	e.Start, e.End, e.ConcludedAt = fromUnix(start), fromUnix(end), fromUnixPtr(concluded)
	e.CreatedAt, e.UpdatedAt = fromUnix(created), fromUnix(updated)
	if e.Ring >= 0 && e.Ring < len(r.Rings) {
		e.RingName = r.Rings[e.Ring].Name
	}
	if e.ProposedRing >= 0 && e.ProposedRing < len(r.Rings) {
		e.ProposedRingName = r.Rings[e.ProposedRing].Name
	}
	return e, nil
}

// Experiments lists experiments, newest time box first.
func (s *Store) Experiments(ctx context.Context, q ExperimentQuery) ([]Experiment, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	w := &db.Where{}
	if q.Status != "" {
		w.Add("e.status = ?", string(q.Status))
	}
	if q.Team != "" {
		w.Add("e.team_ref = ?", refKey(q.Team, "Group"))
	}
	if q.Technology != "" {
		w.Add("t.slug = ?", Slug(q.Technology))
	}
	return s.queryExperiments(ctx, `SELECT `+experimentColumns+experimentFrom+w.String()+` ORDER BY e.starts_on DESC, e.id DESC`, w.Args...)
}

func (s *Store) queryExperiments(ctx context.Context, q string, args ...any) ([]Experiment, error) {
	r, err := s.Radar(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list experiments: %w", err)
	}
	defer rows.Close()
	out := []Experiment{}
	for rows.Next() {
		e, err := scanExperiment(rows, r)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Experiment returns one experiment, or not found.
func (s *Store) Experiment(ctx context.Context, id int64) (Experiment, error) {
	r, err := s.Radar(ctx)
	if err != nil {
		return Experiment{}, err
	}
	e, err := scanExperiment(s.db.QueryRow(ctx, `SELECT `+experimentColumns+experimentFrom+` WHERE e.id = $1`, id), r)
	if errors.Is(err, sql.ErrNoRows) {
		return e, apperr.New(apperr.NotFound, "no experiment %d", id)
	}
	return e, err
}

// checkExperiment resolves in's technology, owner and team.
func (s *Store) checkExperiment(ctx context.Context, in *ExperimentInput) (tech Technology, owner, team string, err error) {
	tech, err = s.Technology(ctx, in.Technology)
	if apperr.Is(err, apperr.NotFound) {
		return tech, "", "", apperr.Field("technology", "%q is not on the radar", in.Technology)
	}
	if err != nil {
		return tech, "", "", err
	}
	o, err := s.checkEntity(ctx, "owner", in.Owner, "User")
	if err != nil {
		return tech, "", "", err
	}
	g, err := s.checkEntity(ctx, "team", in.Team, "Group")
	if err != nil {
		return tech, "", "", err
	}
	return tech, o.Key(), g.Key(), nil
}

func (e *Experiment) fields() map[string]any {
	return map[string]any{"hypothesis": e.Hypothesis, "technology": e.Technology, "owner": e.Owner, "team": e.Team,
		"start": e.Start.Format(dateLayout), "end": e.End.Format(dateLayout), "success_criteria": e.SuccessCriteria,
		"status": string(e.Status), "outcome": e.Outcome, "learned": e.Learned, "proposed_ring": e.ProposedRingName,
		"proposal_applied": e.ProposalApplied}
}

// CreateExperiment plans an experiment. It returns invalid for bad input
// or a technology, owner or team that does not exist.
func (s *Store) CreateExperiment(ctx context.Context, in ExperimentInput) (Experiment, error) {
	if err := in.Validate(); err != nil {
		return Experiment{}, err
	}
	tech, owner, team, err := s.checkExperiment(ctx, &in)
	if err != nil {
		return Experiment{}, err
	}
	var id int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		now := unix(db.Now())
		err := tx.QueryRowContext(ctx, `INSERT INTO radar_experiments (technology_id, hypothesis, owner_ref, team_ref, starts_on, ends_on, success_criteria, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			tech.ID, in.Hypothesis, owner, team, unix(in.Start), unix(in.End), in.SuccessCriteria, string(ExperimentPlanned), now).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert experiment: %w", err)
		}
		e := Experiment{Hypothesis: in.Hypothesis, Technology: tech.Name, Owner: owner, Team: team, Start: in.Start, End: in.End,
			SuccessCriteria: in.SuccessCriteria, Status: ExperimentPlanned}
		return audit.Record(ctx, tx, "create", "experiment", fmt.Sprint(id), audit.Diff(nil, e.fields()))
	})
	if err != nil {
		return Experiment{}, err
	}
	return s.Experiment(ctx, id)
}

// UpdateExperiment changes a planned or running experiment. It returns not
// found, invalid as CreateExperiment does, and conflict once the
// experiment has ended.
func (s *Store) UpdateExperiment(ctx context.Context, id int64, in ExperimentInput) (Experiment, error) {
	if err := in.Validate(); err != nil {
		return Experiment{}, err
	}
	old, err := s.Experiment(ctx, id)
	if err != nil {
		return old, err
	}
	if old.Status == ExperimentConcluded || old.Status == ExperimentAbandoned {
		return old, apperr.New(apperr.Conflict, "experiment %d is %s; it can no longer change", id, old.Status)
	}
	tech, owner, team, err := s.checkExperiment(ctx, &in)
	if err != nil {
		return old, err
	}
	e := old
	e.Hypothesis, e.Technology, e.Owner, e.Team = in.Hypothesis, tech.Name, owner, team
	e.Start, e.End, e.SuccessCriteria = in.Start, in.End, in.SuccessCriteria
	changes := audit.Diff(old.fields(), e.fields())
	if len(changes) == 0 {
		return old, nil
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE radar_experiments SET technology_id = $1, hypothesis = $2, owner_ref = $3, team_ref = $4, starts_on = $5,
			ends_on = $6, success_criteria = $7, updated_at = $8 WHERE id = $9 AND status IN ('planned', 'running')`,
			tech.ID, e.Hypothesis, owner, team, unix(e.Start), unix(e.End), e.SuccessCriteria, unix(db.Now()), id)
		if err != nil {
			return fmt.Errorf("update experiment: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "experiment %d ended while you were editing it", id)
		}
		return audit.Record(ctx, tx, "update", "experiment", fmt.Sprint(id), changes)
	})
	if err != nil {
		return old, err
	}
	return s.Experiment(ctx, id)
}
