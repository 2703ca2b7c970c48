package reliability

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

// SLO kinds and periods.
var (
	SLOKinds   = []string{"availability", "latency"}
	SLOPeriods = []string{"7d", "28d", "30d", "month"}
)

// SLO is a reliability objective for an entity: the share of good checks
// (availability) or of checks faster than a threshold (latency) over a
// rolling window or the calendar month.
type SLO struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Entity string `json:"entity"`
	// Monitor narrows the SLO to one monitor; "" means all of the entity's.
	Monitor     string     `json:"monitor"`
	Kind        string     `json:"kind"`
	Objective   float64    `json:"objective"`
	ThresholdMS int        `json:"threshold_ms,omitempty"`
	Period      string     `json:"period"`
	Alert       string     `json:"alert"`
	AlertSince  *time.Time `json:"alert_since"`
	monitorID   *int64
}

// SLOInput defines an SLO.
type SLOInput struct {
	Name        string  `json:"name"`
	Entity      string  `json:"entity"`
	Monitor     string  `json:"monitor"`
	Kind        string  `json:"kind"`
	Objective   float64 `json:"objective"`
	ThresholdMS int     `json:"threshold_ms"`
	Period      string  `json:"period"`
}

var sloName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)

// PeriodLength is the length of a rolling period; a calendar month counts
// as 30 days where a length is needed (burn-rate windows).
func PeriodLength(p string) time.Duration {
	switch p {
	case "7d":
		return 7 * 24 * time.Hour
	case "28d":
		return 28 * 24 * time.Hour
	}
	return 30 * 24 * time.Hour
}

// Window is the span the SLO is judged over at now.
func (o SLO) Window(now time.Time) (from, to time.Time) {
	now = now.UTC()
	if o.Period == "month" {
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), now
	}
	return now.Add(-PeriodLength(o.Period)), now
}

const sloColumns = `s.id, s.name, s.entity_ref, COALESCE(m.name, ''), s.monitor_id, s.kind, s.objective, s.threshold_ms, s.period, s.alert, s.alert_since`

func scanSLO(row interface{ Scan(...any) error }) (SLO, error) {
	var o SLO
	var since *int64
	err := row.Scan(&o.ID, &o.Name, &o.Entity, &o.Monitor, &o.monitorID, &o.Kind, &o.Objective, &o.ThresholdMS, &o.Period, &o.Alert, &since)
	o.AlertSince = fromUnixPtr(since)
	return o, err
}

// SLOs lists objectives; entityKey narrows to one entity when not "".
func (s *Store) SLOs(ctx context.Context, entityKey string) ([]SLO, error) {
	q := `SELECT ` + sloColumns + ` FROM slos s LEFT JOIN monitors m ON m.id = s.monitor_id`
	var args []any
	if entityKey != "" {
		q += ` WHERE s.entity_ref = $1`
		args = append(args, entityKey)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY s.entity_ref, s.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("list slos: %w", err)
	}
	defer rows.Close()
	var out []SLO
	for rows.Next() {
		o, err := scanSLO(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// SLO returns one objective by name, or not found.
func (s *Store) SLO(ctx context.Context, name string) (SLO, error) {
	o, err := scanSLO(s.db.QueryRow(ctx, `SELECT `+sloColumns+` FROM slos s LEFT JOIN monitors m ON m.id = s.monitor_id WHERE s.name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return o, apperr.New(apperr.NotFound, "no SLO named %q", name)
	}
	return o, err
}

func (s *Store) validateSLO(ctx context.Context, in *SLOInput) (entity string, monitor *int64, err error) {
	in.Name = strings.TrimSpace(in.Name)
	if !sloName.MatchString(in.Name) {
		return "", nil, apperr.Field("name", "%q is not an SLO name: use lower-case letters, digits, '.', '_' or '-'", in.Name)
	}
	keys, err := s.resolveRefs(ctx, "entity", []string{in.Entity})
	if err != nil {
		return "", nil, err
	}
	if !slices.Contains(SLOKinds, in.Kind) {
		return "", nil, apperr.Field("kind", "%q is not availability or latency", in.Kind)
	}
	if !(in.Objective > 0 && in.Objective < 1) {
		return "", nil, apperr.Field("objective", "%v is not a share between 0 and 1 such as 0.999", in.Objective)
	}
	if in.Kind == "latency" && (in.ThresholdMS <= 0 || in.ThresholdMS > 300000) {
		return "", nil, apperr.Field("threshold_ms", "a latency SLO needs a threshold from 1 to 300000 ms")
	}
	if in.Kind == "availability" {
		in.ThresholdMS = 0
	}
	if in.Period == "" {
		in.Period = "30d"
	}
	if !slices.Contains(SLOPeriods, in.Period) {
		return "", nil, apperr.Field("period", "%q is not one of %s", in.Period, strings.Join(SLOPeriods, ", "))
	}
	if in.Monitor != "" {
		m, err := s.Monitor(ctx, in.Monitor)
		if err != nil {
			return "", nil, apperr.Field("monitor", "no monitor named %q", in.Monitor)
		}
		if m.EntityKey != keys[0] {
			return "", nil, apperr.Field("monitor", "monitor %s watches %s, not %s", m.Name, m.EntityKey, keys[0])
		}
		monitor = &m.ID
	}
	return keys[0], monitor, nil
}

// SaveSLO creates the SLO, or replaces the one with the same name.
func (s *Store) SaveSLO(ctx context.Context, in SLOInput) (SLO, error) {
	entity, monitor, err := s.validateSLO(ctx, &in)
	if err != nil {
		return SLO{}, err
	}
	now := unix(s.now())
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO slos (name, entity_ref, monitor_id, kind, objective, threshold_ms, period, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			ON CONFLICT (name) DO UPDATE SET entity_ref = excluded.entity_ref, monitor_id = excluded.monitor_id, kind = excluded.kind,
			objective = excluded.objective, threshold_ms = excluded.threshold_ms, period = excluded.period, updated_at = excluded.updated_at`,
			in.Name, entity, monitor, in.Kind, in.Objective, in.ThresholdMS, in.Period, now)
		if err != nil {
			return fmt.Errorf("save slo: %w", err)
		}
		return audit.Record(ctx, tx, "save", "slo", in.Name, map[string]audit.Change{
			"entity": {New: entity}, "kind": {New: in.Kind}, "objective": {New: in.Objective}, "period": {New: in.Period}})
	})
	if err != nil {
		return SLO{}, err
	}
	return s.SLO(ctx, in.Name)
}

// DeleteSLO removes an objective.
func (s *Store) DeleteSLO(ctx context.Context, name string) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM slos WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "no SLO named %q", name)
		}
		return audit.Record(ctx, tx, "delete", "slo", name, nil)
	})
}

// monitorIDs are the monitors an SLO counts.
func (s *Store) sloMonitors(ctx context.Context, o SLO) ([]int64, error) {
	if o.monitorID != nil {
		return []int64{*o.monitorID}, nil
	}
	ref, err := catalog.ParseRef(o.Entity, "Component", catalog.DefaultNamespace)
	if err != nil {
		return nil, err
	}
	mons, err := s.MonitorsOf(ctx, ref)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(mons))
	for i, m := range mons {
		ids[i] = m.ID
	}
	return ids, nil
}

// events turns counts into the SLO's good and total events.
func (o SLO) events(c *Counts) (good, total float64) {
	total = float64(c.Good + c.Bad)
	if o.Kind == "latency" {
		if c.Hist == nil {
			return 0, total
		}
		return c.Hist.Under(time.Duration(o.ThresholdMS) * time.Millisecond), total
	}
	return float64(c.Good), total
}

// events over [from, to) for the SLO's monitors.
func (s *Store) sloEvents(ctx context.Context, o SLO, ids []int64, from, to time.Time) (good, total float64, maint int64, err error) {
	counts, err := s.Counts(ctx, ids, from, to, o.Kind == "latency")
	if err != nil {
		return 0, 0, 0, err
	}
	c := Sum(counts)
	good, total = o.events(c)
	return good, total, c.Maint, nil
}
