package reliability

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/reliability/condition"
)

// Monitor is a stored monitor.
type Monitor struct {
	ID int64
	MonitorInput
	// EntityKey is the catalog key of the watched entity.
	EntityKey string
	// HeartbeatToken is the secret in a heartbeat monitor's URL.
	HeartbeatToken string
	// Origin is "" for monitors made in Chief, or the file they came from.
	Origin    string
	CreatedAt time.Time
	UpdatedAt time.Time

	conds []*condition.Condition
}

const monitorColumns = `id, spec, entity_ref, COALESCE(heartbeat_token, ''), origin, created_at, updated_at`

func scanMonitor(row interface{ Scan(...any) error }) (Monitor, error) {
	var m Monitor
	var spec string
	var created, updated int64
	if err := row.Scan(&m.ID, &spec, &m.EntityKey, &m.HeartbeatToken, &m.Origin, &created, &updated); err != nil {
		return m, err
	}
	if err := json.Unmarshal([]byte(spec), &m.MonitorInput); err != nil {
		return m, fmt.Errorf("monitor %d: %w", m.ID, err)
	}
	conds, err := condition.ParseAll(m.Conditions)
	if err != nil {
		return m, fmt.Errorf("monitor %s: %w", m.Name, err)
	}
	m.conds = conds
	m.CreatedAt, m.UpdatedAt = fromUnix(created), fromUnix(updated)
	return m, nil
}

// Monitors returns every monitor, ordered by name.
func (s *Store) Monitors(ctx context.Context) ([]Monitor, error) {
	return s.queryMonitors(ctx, `SELECT `+monitorColumns+` FROM monitors ORDER BY name`)
}

// monitorsByID returns the monitors with the given ids.
func (s *Store) monitorsByID(ctx context.Context, ids []int64) ([]Monitor, error) {
	var out []Monitor
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		mons, err := s.queryMonitors(ctx, `SELECT `+monitorColumns+` FROM monitors WHERE id IN (`+db.Placeholders(1, len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, mons...)
	}
	return out, nil
}

// MonitorsOf returns the monitors of one entity.
func (s *Store) MonitorsOf(ctx context.Context, ref catalog.Ref) ([]Monitor, error) {
	return s.queryMonitors(ctx, `SELECT `+monitorColumns+` FROM monitors WHERE entity_ref = $1 ORDER BY name`, ref.Key())
}

func (s *Store) queryMonitors(ctx context.Context, q string, args ...any) ([]Monitor, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list monitors: %w", err)
	}
	defer rows.Close()
	var out []Monitor
	for rows.Next() {
		m, err := scanMonitor(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Monitor returns one monitor by name, or not found.
func (s *Store) Monitor(ctx context.Context, name string) (Monitor, error) {
	m, err := scanMonitor(s.db.QueryRow(ctx, `SELECT `+monitorColumns+` FROM monitors WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return m, apperr.New(apperr.NotFound, "no monitor named %q", name)
	}
	return m, err
}

// MonitorByHeartbeat returns the heartbeat monitor whose URL carries token.
func (s *Store) MonitorByHeartbeat(ctx context.Context, token string) (Monitor, error) {
	m, err := scanMonitor(s.db.QueryRow(ctx, `SELECT `+monitorColumns+` FROM monitors WHERE heartbeat_token = $1`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return m, apperr.New(apperr.NotFound, "no heartbeat monitor has this address")
	}
	return m, err
}

// CreateMonitor validates and stores a new monitor. It returns invalid for
// bad input or an entity not in the catalog (naming the field) and
// conflict for a taken name.
func (s *Store) CreateMonitor(ctx context.Context, in MonitorInput) (Monitor, error) {
	var m Monitor
	if _, err := s.check(ctx, &in); err != nil {
		return m, err
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		m, err = insertMonitor(ctx, tx, in, "")
		return err
	})
	if err == nil {
		s.signal()
	}
	return m, err
}

// check validates in and makes sure its entity exists.
func (s *Store) check(ctx context.Context, in *MonitorInput) (catalog.Ref, error) {
	_, ref, err := in.Validate()
	if err != nil {
		return ref, err
	}
	if _, err := s.catalog.Get(ctx, ref); err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return ref, apperr.Field("entity", "%s is not in the catalog", ref)
		}
		return ref, err
	}
	return ref, nil
}

func insertMonitor(ctx context.Context, tx *db.Tx, in MonitorInput, origin string) (Monitor, error) {
	ref, _ := catalog.ParseRef(in.Entity, "Component", catalog.DefaultNamespace)
	spec, _ := json.Marshal(in)
	now := db.Now()
	var token any
	if in.Type == "heartbeat" {
		token = newToken()
	}
	m := Monitor{MonitorInput: in, EntityKey: ref.Key(), Origin: origin, CreatedAt: now, UpdatedAt: now}
	err := tx.QueryRowContext(ctx, `INSERT INTO monitors (name, entity_ref, type, interval_s, paused, spec, heartbeat_token, origin, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
		in.Name, m.EntityKey, in.Type, int64(in.Interval.D()/time.Second), in.Paused, string(spec), token, origin, unix(now)).Scan(&m.ID)
	if db.IsUniqueViolation(err) {
		return m, &apperr.Error{Code: apperr.Conflict, Field: "name", Message: fmt.Sprintf("a monitor named %q exists already", in.Name)}
	}
	if err != nil {
		return m, fmt.Errorf("insert monitor: %w", err)
	}
	if t, ok := token.(string); ok {
		m.HeartbeatToken = t
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO monitor_state (monitor_id, state, since) VALUES ($1, $2, $3)`, m.ID, StateUnknown, unix(now))
	if err != nil {
		return m, err
	}
	return m, audit.Record(ctx, tx, "create", "monitor", in.Name, map[string]audit.Change{"spec": {New: string(spec)}})
}

// UpdateMonitor replaces a monitor's settings; the name may change.
func (s *Store) UpdateMonitor(ctx context.Context, name string, in MonitorInput) (Monitor, error) {
	old, err := s.Monitor(ctx, name)
	if err != nil {
		return old, err
	}
	if _, err := s.check(ctx, &in); err != nil {
		return old, err
	}
	var m Monitor
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		m, err = updateMonitor(ctx, tx, old, in)
		return err
	})
	if err == nil {
		s.signal()
	}
	return m, err
}

func updateMonitor(ctx context.Context, tx *db.Tx, old Monitor, in MonitorInput) (Monitor, error) {
	ref, _ := catalog.ParseRef(in.Entity, "Component", catalog.DefaultNamespace)
	oldSpec, _ := json.Marshal(old.MonitorInput)
	spec, _ := json.Marshal(in)
	m := old
	m.MonitorInput, m.EntityKey = in, ref.Key()
	if string(spec) == string(oldSpec) {
		return m, nil
	}
	now := db.Now()
	m.UpdatedAt = now
	var token any
	if in.Type == "heartbeat" {
		token = old.HeartbeatToken
		if old.HeartbeatToken == "" {
			token = newToken()
		}
		m.HeartbeatToken = token.(string)
	} else {
		m.HeartbeatToken = ""
	}
	_, err := tx.ExecContext(ctx, `UPDATE monitors SET name = $1, entity_ref = $2, type = $3, interval_s = $4, paused = $5, spec = $6,
		heartbeat_token = $7, updated_at = $8 WHERE id = $9`,
		in.Name, m.EntityKey, in.Type, int64(in.Interval.D()/time.Second), in.Paused, string(spec), token, unix(now), old.ID)
	if db.IsUniqueViolation(err) {
		return m, &apperr.Error{Code: apperr.Conflict, Field: "name", Message: fmt.Sprintf("a monitor named %q exists already", in.Name)}
	}
	if err != nil {
		return m, fmt.Errorf("update monitor: %w", err)
	}
	return m, audit.Record(ctx, tx, "update", "monitor", in.Name, map[string]audit.Change{"spec": {Old: string(oldSpec), New: string(spec)}})
}

// DeleteMonitor removes a monitor with its results and rollups.
func (s *Store) DeleteMonitor(ctx context.Context, name string) error {
	m, err := s.Monitor(ctx, name)
	if err != nil {
		return err
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error { return deleteMonitor(ctx, tx, m) })
	if err == nil {
		s.signal()
	}
	return err
}

func deleteMonitor(ctx context.Context, tx *db.Tx, m Monitor) error {
	for _, q := range []string{
		`DELETE FROM check_results WHERE monitor_id = $1`,
		`DELETE FROM check_hourly WHERE monitor_id = $1`,
		`DELETE FROM check_daily WHERE monitor_id = $1`,
		`DELETE FROM monitors WHERE id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, q, m.ID); err != nil {
			return fmt.Errorf("delete monitor: %w", err)
		}
	}
	return audit.Record(ctx, tx, "delete", "monitor", m.Name, nil)
}

// SetPaused pauses or resumes a monitor.
func (s *Store) SetPaused(ctx context.Context, name string, paused bool) (Monitor, error) {
	m, err := s.Monitor(ctx, name)
	if err != nil {
		return m, err
	}
	in := m.MonitorInput
	in.Paused = paused
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		m, err = updateMonitor(ctx, tx, m, in)
		return err
	})
	if err == nil {
		s.signal()
	}
	return m, err
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
