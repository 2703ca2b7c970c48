package reliability

import (
	"context"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

// Bucket is the checks of one step of a series.
type Bucket struct {
	Start time.Time
	Counts
}

// Series returns the checks of the given monitors in steps of step (an
// hour or a multiple) from from (aligned down to the step) to to: whole
// hours from the hourly rollups, the rest from raw results. Latencies of
// good checks are in each bucket's Hist.
func (s *Store) Series(ctx context.Context, ids []int64, from, to time.Time, step time.Duration) ([]Bucket, error) {
	from, to = from.UTC().Truncate(step), to.UTC()
	n := int(to.Sub(from)/step) + 1
	if n > 5000 {
		return nil, fmt.Errorf("series of %d steps is too long", n)
	}
	out := make([]Bucket, n)
	for i := range out {
		out[i].Start = from.Add(time.Duration(i) * step)
		out[i].Hist = &Hist{}
	}
	if len(ids) == 0 {
		return out, nil
	}
	hourly, _, err := s.progress(ctx)
	if err != nil {
		return nil, err
	}
	if hourly.Before(from) {
		hourly = from
	}
	at := func(t time.Time) *Bucket {
		i := int(t.Sub(from) / step)
		if i < 0 || i >= n {
			return nil
		}
		return &out[i]
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{unix(from), unix(minTime(hourly, to))}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := s.db.Read().QueryContext(ctx, `SELECT start, good, bad, maint, hist FROM check_hourly
			WHERE start >= $1 AND start < $2 AND monitor_id IN (`+db.Placeholders(3, len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("series: %w", err)
		}
		for rows.Next() {
			var st, g, b, m int64
			var blob []byte
			if err := rows.Scan(&st, &g, &b, &m, &blob); err != nil {
				rows.Close()
				return nil, err
			}
			if bk := at(fromUnix(st)); bk != nil {
				bk.Good, bk.Bad, bk.Maint = bk.Good+g, bk.Bad+b, bk.Maint+m
				bk.Hist.UnmarshalBinary(blob)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if !to.After(hourly) {
			continue
		}
		args[0], args[1] = hourly.UnixMilli(), to.UnixMilli()
		rows, err = s.db.Read().QueryContext(ctx, `SELECT at, ok, maint, total_us FROM check_results
			WHERE at >= $1 AND at < $2 AND monitor_id IN (`+db.Placeholders(3, len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("series: %w", err)
		}
		for rows.Next() {
			var ms, us int64
			var ok, maint bool
			if err := rows.Scan(&ms, &ok, &maint, &us); err != nil {
				rows.Close()
				return nil, err
			}
			if bk := at(time.UnixMilli(ms).UTC()); bk != nil {
				bk.addCheck(ok, maint, us)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RecentResult is one raw check result, for an entity's recent checks.
type RecentResult struct {
	Monitor string
	At      time.Time
	OK      bool
	Maint   bool
	Phases  probe.Phases
	Detail  string
}

// RecentResults returns the latest raw results of a monitor, newest first.
func (s *Store) RecentResults(ctx context.Context, m Monitor, limit int) ([]RecentResult, error) {
	rows, err := s.db.Query(ctx, `SELECT at, ok, maint, total_us, dns_us, connect_us, tls_us, ttfb_us, COALESCE(detail, '')
		FROM check_results WHERE monitor_id = $1 ORDER BY at DESC LIMIT $2`, m.ID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RecentResult
	for rows.Next() {
		r := RecentResult{Monitor: m.Name}
		var ms, total, dns, connect, tls, ttfb int64
		if err := rows.Scan(&ms, &r.OK, &r.Maint, &total, &dns, &connect, &tls, &ttfb, &r.Detail); err != nil {
			return nil, err
		}
		us := func(v int64) time.Duration { return time.Duration(v) * time.Microsecond }
		r.At = time.UnixMilli(ms).UTC()
		r.Phases = probe.Phases{DNS: us(dns), Connect: us(connect), TLS: us(tls), FirstByte: us(ttfb), Total: us(total)}
		out = append(out, r)
	}
	return out, rows.Err()
}
