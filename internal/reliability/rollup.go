package reliability

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/db"
)

// Rollup timing: an hour is rolled up once results for it can no longer
// arrive (the longest check timeout plus a flush), hourly rollups are kept
// 400 days, daily ones for good.
const (
	rollupLateness  = 6 * time.Minute
	HourlyRetention = 400 * 24 * time.Hour
)

// Rollup rolls every closed hour into check_hourly and every closed day into
// check_daily, each hour or day in one transaction with the progress mark,
// so a crash in the middle repeats at most that one step and the upsert
// makes the repeat harmless.
func (s *Store) Rollup(ctx context.Context, now time.Time) error {
	now = now.UTC()
	hourly, daily, err := s.progress(ctx)
	if err != nil {
		return err
	}
	if hourly.IsZero() {
		if hourly, err = s.firstHour(ctx, now); err != nil {
			return err
		}
	}
	for limit := now.Add(-rollupLateness).Truncate(time.Hour); hourly.Before(limit); hourly = hourly.Add(time.Hour) {
		if err := s.rollHour(ctx, hourly); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if daily.IsZero() {
		daily = hourly.Truncate(24 * time.Hour)
		if first, err := s.firstHour(ctx, now); err == nil && first.Before(daily) {
			daily = first.Truncate(24 * time.Hour)
		}
	}
	for ; !daily.Add(24 * time.Hour).After(hourly); daily = daily.Add(24 * time.Hour) {
		if err := s.rollDay(ctx, daily); err != nil {
			return err
		}
	}
	return nil
}

// firstHour is where hourly rollups start: the hour of the oldest raw
// result, or the current hour when there is none.
func (s *Store) firstHour(ctx context.Context, now time.Time) (time.Time, error) {
	var at sql.NullInt64
	if err := s.db.QueryRow(ctx, `SELECT MIN(at) FROM check_results`).Scan(&at); err != nil {
		return time.Time{}, err
	}
	if !at.Valid {
		return now.Truncate(time.Hour), nil
	}
	return time.UnixMilli(at.Int64).UTC().Truncate(time.Hour), nil
}

func (s *Store) rollHour(ctx context.Context, h time.Time) error {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT monitor_id, ok, maint, total_us FROM check_results WHERE at >= $1 AND at < $2`,
		h.UnixMilli(), h.Add(time.Hour).UnixMilli())
	if err != nil {
		return fmt.Errorf("read hour %s: %w", h, err)
	}
	byMonitor := map[int64]*Counts{}
	for rows.Next() {
		var id, us int64
		var ok, maint bool
		if err := rows.Scan(&id, &ok, &maint, &us); err != nil {
			rows.Close()
			return err
		}
		c := byMonitor[id]
		if c == nil {
			c = &Counts{Hist: &Hist{}}
			byMonitor[id] = c
		}
		c.addCheck(ok, maint, us)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if err := writeRollups(ctx, tx, "check_hourly", h, byMonitor); err != nil {
			return err
		}
		return setProgress(ctx, tx, "hourly", h.Add(time.Hour))
	})
}

func (s *Store) rollDay(ctx context.Context, d time.Time) error {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT monitor_id, good, bad, maint, hist FROM check_hourly WHERE start >= $1 AND start < $2`,
		unix(d), unix(d.Add(24*time.Hour)))
	if err != nil {
		return fmt.Errorf("read day %s: %w", d, err)
	}
	byMonitor := map[int64]*Counts{}
	for rows.Next() {
		var id, g, b, m int64
		var blob []byte
		if err := rows.Scan(&id, &g, &b, &m, &blob); err != nil {
			rows.Close()
			return err
		}
		c := byMonitor[id]
		if c == nil {
			c = &Counts{Hist: &Hist{}}
			byMonitor[id] = c
		}
		c.Good, c.Bad, c.Maint = c.Good+g, c.Bad+b, c.Maint+m
		c.Hist.UnmarshalBinary(blob)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if err := writeRollups(ctx, tx, "check_daily", d, byMonitor); err != nil {
			return err
		}
		return setProgress(ctx, tx, "daily", d.Add(24*time.Hour))
	})
}

func writeRollups(ctx context.Context, tx *db.Tx, table string, start time.Time, byMonitor map[int64]*Counts) error {
	b := db.NewBatch(tx, `INSERT INTO `+table+` (monitor_id, start, good, bad, maint, hist) VALUES`, 6,
		`ON CONFLICT (monitor_id, start) DO UPDATE SET good = excluded.good, bad = excluded.bad, maint = excluded.maint, hist = excluded.hist`)
	for id, c := range byMonitor {
		if err := b.Add(ctx, id, unix(start), c.Good, c.Bad, c.Maint, c.Hist.MarshalBinary()); err != nil {
			return err
		}
	}
	if err := b.Flush(ctx); err != nil {
		return fmt.Errorf("write %s: %w", table, err)
	}
	return nil
}

func setProgress(ctx context.Context, tx *db.Tx, name string, upto time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO rollup_progress (name, upto) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET upto = excluded.upto`, name, unix(upto))
	return err
}

// Prune deletes raw results older than the retention window that are
// already rolled up, a few minutes at a time so the writer is never held
// long, and hourly rollups past their retention.
func (s *Store) Prune(ctx context.Context, now time.Time, rawRetention time.Duration) (int64, error) {
	hourly, _, err := s.progress(ctx)
	if err != nil || hourly.IsZero() {
		return 0, err
	}
	cutoff := minTime(now.Add(-rawRetention), hourly)
	var oldest sql.NullInt64
	if err := s.db.QueryRow(ctx, `SELECT MIN(at) FROM check_results`).Scan(&oldest); err != nil || !oldest.Valid {
		return 0, err
	}
	var total int64
	for from := oldest.Int64; from < cutoff.UnixMilli(); from += (5 * time.Minute).Milliseconds() {
		to := min(from+(5*time.Minute).Milliseconds(), cutoff.UnixMilli())
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM check_results WHERE at >= $1 AND at < $2`, from, to)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += n
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("prune results: %w", err)
		}
		if ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM check_hourly WHERE start < $1`, unix(now.Add(-HourlyRetention)))
		return err
	})
	return total, err
}
