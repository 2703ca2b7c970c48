package reliability

import (
	"context"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/db"
)

// StoredState is a monitor's settled state.
type StoredState struct {
	State    string
	Since    time.Time
	LastBeat time.Time
}

// states returns the settled state of every monitor.
func (s *Store) states(ctx context.Context) (map[int64]StoredState, error) {
	out := map[int64]StoredState{}
	return out, s.readStates(ctx, out, `SELECT monitor_id, state, since, COALESCE(last_beat_at, 0) FROM monitor_state`)
}

// statesOf returns the settled state of the given monitors only, so that
// a page about a few monitors does not read every monitor's state.
func (s *Store) statesOf(ctx context.Context, ids []int64) (map[int64]StoredState, error) {
	out := make(map[int64]StoredState, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		q := `SELECT monitor_id, state, since, COALESCE(last_beat_at, 0) FROM monitor_state WHERE monitor_id IN (` + db.Placeholders(1, len(chunk)) + `)`
		if err := s.readStates(ctx, out, q, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) readStates(ctx context.Context, out map[int64]StoredState, q string, args ...any) error {
	rows, err := s.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("monitor states: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, since, beat int64
		var st StoredState
		if err := rows.Scan(&id, &st.State, &since, &beat); err != nil {
			return err
		}
		st.Since = fromUnix(since)
		if beat != 0 {
			st.LastBeat = fromUnix(beat)
		}
		out[id] = st
	}
	return rows.Err()
}

// lastBeat is when the monitor's heartbeat last arrived (zero: never).
func (s *Store) lastBeat(ctx context.Context, id int64) time.Time {
	var beat int64
	if err := s.db.QueryRow(ctx, `SELECT COALESCE(last_beat_at, 0) FROM monitor_state WHERE monitor_id = $1`, id).Scan(&beat); err != nil || beat == 0 {
		return time.Time{}
	}
	return fromUnix(beat)
}

// RecordBeat notes a heartbeat for the monitor whose URL carries token.
func (s *Store) RecordBeat(ctx context.Context, token string) (Monitor, error) {
	m, err := s.MonitorByHeartbeat(ctx, token)
	if err != nil {
		return m, err
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE monitor_state SET last_beat_at = $1 WHERE monitor_id = $2`, unix(s.now()), m.ID)
		return err
	})
	return m, err
}

// lastChecks returns when each monitor was last checked. Each lookup is
// one step down the results' primary key.
func (s *Store) lastChecks(ctx context.Context, ids []int64) (map[int64]time.Time, error) {
	out := make(map[int64]time.Time, len(ids))
	for _, id := range ids {
		var at *int64
		if err := s.db.QueryRow(ctx, `SELECT MAX(at) FROM check_results WHERE monitor_id = $1`, id).Scan(&at); err != nil {
			return nil, err
		}
		if at != nil {
			out[id] = time.UnixMilli(*at).UTC()
		}
	}
	return out, nil
}
