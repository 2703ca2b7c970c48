package delivery

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"

	"github.com/chief-hq/chief/internal/db"
)

// rollups recomputes the daily rollup of every dirty production day, or,
// when the ingestion defers them, marks them for RollUpPending.
func (in *ingest) rollups(ctx context.Context) error {
	if in.deferRollups {
		for k, days := range in.days {
			for day := range days {
				if _, err := in.exec(ctx, `INSERT INTO delivery_dirty (component_ref, day) VALUES ($1, $2) ON CONFLICT DO NOTHING`, k, day); err != nil {
					return fmt.Errorf("mark rollup of %s: %w", k, err)
				}
			}
		}
		return nil
	}
	keys := make([]string, 0, len(in.days))
	for k := range in.days {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		days := make([]int64, 0, len(in.days[k]))
		for d := range in.days[k] {
			days = append(days, d)
		}
		sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
		for _, day := range days {
			if err := in.rollupDay(ctx, k, day); err != nil {
				return err
			}
		}
	}
	return nil
}

// rollupDay writes one component's production figures for one UTC day.
func (in *ingest) rollupDay(ctx context.Context, key string, day int64) error {
	var deployments, failed, rework int
	var recovery []int64
	rows, err := in.query(ctx, `SELECT failed, rework, recovery_s FROM delivery_deployments
		WHERE component_ref = $1 AND production AND finished_at >= $2 AND finished_at < $3`, key, day, day+86400)
	if err != nil {
		return fmt.Errorf("roll up %s: %w", key, err)
	}
	for rows.Next() {
		var f, r bool
		var rec *int64
		if err := rows.Scan(&f, &r, &rec); err != nil {
			rows.Close()
			return err
		}
		deployments++
		if f {
			failed++
			if rec != nil {
				recovery = append(recovery, *rec)
			}
		}
		if r {
			rework++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if deployments == 0 {
		_, err := in.exec(ctx, `DELETE FROM delivery_daily WHERE component_ref = $1 AND day = $2`, key, day)
		return err
	}
	lead, err := in.leadTimes(ctx, key, day)
	if err != nil {
		return err
	}
	_, err = in.exec(ctx, `INSERT INTO delivery_daily (component_ref, day, deployments, failed, rework, lead_times, recovery_times)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (component_ref, day) DO UPDATE SET deployments = excluded.deployments,
		failed = excluded.failed, rework = excluded.rework, lead_times = excluded.lead_times, recovery_times = excluded.recovery_times`,
		key, day, deployments, failed, rework, encodeSeconds(lead), encodeSeconds(recovery))
	if err != nil {
		return fmt.Errorf("roll up %s: %w", key, err)
	}
	return nil
}

// leadTimes returns the lead time of every counted change a component's
// production deployments shipped on a day: from the change's start to the
// deployment's finish, never below zero (clocks disagree).
func (in *ingest) leadTimes(ctx context.Context, key string, day int64) ([]int64, error) {
	rows, err := in.query(ctx, `SELECT d.finished_at - c.started_at FROM delivery_deployments d
		JOIN delivery_shipped s ON s.deployment_id = d.id
		JOIN delivery_changes c ON c.id = s.change_id
		WHERE d.component_ref = $1 AND d.production AND d.finished_at >= $2 AND d.finished_at < $3 AND NOT s.baseline AND NOT c.bot`,
		key, day, day+86400)
	if err != nil {
		return nil, fmt.Errorf("read lead times of %s: %w", key, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, max(0, v))
	}
	return out, rows.Err()
}

// encodeSeconds packs non-negative seconds as varints.
func encodeSeconds(vs []int64) []byte {
	out := make([]byte, 0, len(vs)*3)
	for _, v := range vs {
		out = binary.AppendUvarint(out, uint64(max(0, v)))
	}
	return out
}

// decodeSeconds appends the seconds packed in b to dst.
func decodeSeconds(dst []int64, b []byte) []int64 {
	for len(b) > 0 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			break
		}
		dst = append(dst, int64(v))
		b = b[n:]
	}
	return dst
}

// rollUpBatch is how many stale rollups one transaction recomputes.
const rollUpBatch = 500

// RollUpPending recomputes the daily rollups that deferred ingestion left
// stale, and returns how many it did.
func (s *Store) RollUpPending(ctx context.Context) (int, error) {
	total := 0
	for {
		n := 0
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			if err := tx.Serialize(ctx, serializeKey); err != nil {
				return err
			}
			in := s.newIngest(tx)
			rows, err := in.query(ctx, `SELECT component_ref, day FROM delivery_dirty ORDER BY component_ref, day LIMIT `+strconv.Itoa(rollUpBatch))
			if err != nil {
				return fmt.Errorf("read stale rollups: %w", err)
			}
			var stale []dailyKey
			for rows.Next() {
				var k dailyKey
				if err := rows.Scan(&k.component, &k.day); err != nil {
					rows.Close()
					return err
				}
				stale = append(stale, k)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, k := range stale {
				if err := in.rollupDay(ctx, k.component, k.day); err != nil {
					return err
				}
				if _, err := in.exec(ctx, `DELETE FROM delivery_dirty WHERE component_ref = $1 AND day = $2`, k.component, k.day); err != nil {
					return fmt.Errorf("clear stale rollup: %w", err)
				}
			}
			n = len(stale)
			return nil
		})
		total += n
		if err != nil || n < rollUpBatch {
			return total, err
		}
	}
}

// rollUpIfPending brings the rollups up to date before they are read.
func (s *Store) rollUpIfPending(ctx context.Context) error {
	var pending bool
	if err := s.db.Read().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM delivery_dirty)`).Scan(&pending); err != nil {
		return fmt.Errorf("look for stale rollups: %w", err)
	}
	if !pending {
		return nil
	}
	_, err := s.RollUpPending(ctx)
	return err
}

type dailyKey struct {
	component string
	day       int64
}
