package reliability

import (
	"context"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/db"
)

// Counts are the checks of a span of time: good, bad, and those run during
// maintenance, which count for neither uptime nor SLOs. Hist holds the
// latencies of good checks when asked for.
type Counts struct {
	Good, Bad, Maint int64
	Hist             *Hist
}

// Uptime is the share of good checks; ok is false when there were none.
func (c *Counts) Uptime() (v float64, ok bool) {
	if c == nil || c.Good+c.Bad == 0 {
		return 0, false
	}
	return float64(c.Good) / float64(c.Good+c.Bad), true
}

// addCheck counts one raw result; a good one's latency goes in Hist when
// there is one.
func (c *Counts) addCheck(ok, maint bool, totalUS int64) {
	switch {
	case maint:
		c.Maint++
	case ok:
		c.Good++
		if c.Hist != nil {
			c.Hist.Add(time.Duration(totalUS) * time.Microsecond)
		}
	default:
		c.Bad++
	}
}

func (c *Counts) add(o *Counts) {
	c.Good += o.Good
	c.Bad += o.Bad
	c.Maint += o.Maint
	if o.Hist != nil {
		if c.Hist == nil {
			c.Hist = &Hist{}
		}
		c.Hist.Merge(o.Hist)
	}
}

// RawRetention is how long raw results are kept by default; the hourly and
// daily rollups answer for anything older.
const RawRetention = 48 * time.Hour

// source is where one piece of a span is read from.
type source int

const (
	fromRaw source = iota
	fromHourly
	fromDaily
)

type piece struct {
	src      source
	from, to time.Time
}

// plan cuts [from, to) into pieces read from the daily rollups (whole days
// already rolled up), the hourly rollups (whole hours) and the raw results
// (the rest). Where raw results have been pruned, a partial hour at the
// start is read whole from the hourly rollup.
func plan(from, to, hourlyUpto, dailyUpto, rawHorizon time.Time) []piece {
	var out []piece
	ranges := [][2]time.Time{{from, to}}
	dS, dE := ceilTo(from, 24*time.Hour), minTime(to.Truncate(24*time.Hour), dailyUpto)
	if dE.After(dS) {
		out = append(out, piece{fromDaily, dS, dE})
		ranges = [][2]time.Time{{from, dS}, {dE, to}}
	}
	for _, r := range ranges {
		x, y := r[0], r[1]
		if !y.After(x) {
			continue
		}
		if x.Before(rawHorizon) {
			x = x.Truncate(time.Hour)
		}
		hS, hE := ceilTo(x, time.Hour), minTime(y.Truncate(time.Hour), hourlyUpto)
		if hE.After(hS) {
			out = append(out, piece{fromHourly, hS, hE})
			if hS.After(x) {
				out = append(out, piece{fromRaw, x, hS})
			}
			if y.After(hE) {
				out = append(out, piece{fromRaw, hE, y})
			}
		} else {
			out = append(out, piece{fromRaw, x, y})
		}
	}
	return out
}

func ceilTo(t time.Time, d time.Duration) time.Time {
	f := t.Truncate(d)
	if f.Equal(t) {
		return f
	}
	return f.Add(d)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// progress returns how far the hourly and daily rollups have got.
func (s *Store) progress(ctx context.Context) (hourly, daily time.Time, err error) {
	rows, err := s.db.Query(ctx, `SELECT name, upto FROM rollup_progress`)
	if err != nil {
		return hourly, daily, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var upto int64
		if err := rows.Scan(&name, &upto); err != nil {
			return hourly, daily, err
		}
		switch name {
		case "hourly":
			hourly = fromUnix(upto)
		case "daily":
			daily = fromUnix(upto)
		}
	}
	return hourly, daily, rows.Err()
}

// Counts returns each monitor's checks over [from, to). With hist, good
// checks' latencies are gathered too.
func (s *Store) Counts(ctx context.Context, ids []int64, from, to time.Time, hist bool) (map[int64]*Counts, error) {
	out := make(map[int64]*Counts, len(ids))
	if len(ids) == 0 || !to.After(from) {
		return out, nil
	}
	hourly, daily, err := s.progress(ctx)
	if err != nil {
		return nil, fmt.Errorf("rollup progress: %w", err)
	}
	horizon := s.now().Add(-RawRetention + time.Hour)
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		for _, p := range plan(from.UTC(), to.UTC(), hourly, daily, horizon) {
			if err := s.countPiece(ctx, out, chunk, p, hist); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func (s *Store) countPiece(ctx context.Context, out map[int64]*Counts, ids []int64, p piece, hist bool) error {
	args := []any{}
	var q string
	switch p.src {
	case fromRaw:
		args = append(args, p.from.UnixMilli(), p.to.UnixMilli())
		if hist {
			q = `SELECT monitor_id, ok, maint, total_us FROM check_results WHERE at >= $1 AND at < $2`
		} else {
			q = `SELECT monitor_id, SUM(CASE WHEN maint THEN 0 WHEN ok THEN 1 ELSE 0 END), SUM(CASE WHEN maint OR ok THEN 0 ELSE 1 END),
				SUM(CASE WHEN maint THEN 1 ELSE 0 END) FROM check_results WHERE at >= $1 AND at < $2`
		}
	default:
		table := "check_hourly"
		if p.src == fromDaily {
			table = "check_daily"
		}
		args = append(args, unix(p.from), unix(p.to))
		q = `SELECT monitor_id, good, bad, maint, hist FROM ` + table + ` WHERE start >= $1 AND start < $2`
	}
	q += " AND monitor_id IN (" + db.Placeholders(3, len(ids)) + ")"
	for _, id := range ids {
		args = append(args, id)
	}
	if p.src == fromRaw && !hist {
		q += " GROUP BY monitor_id"
	}
	rows, err := s.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("count checks: %w", err)
	}
	defer rows.Close()
	get := func(id int64) *Counts {
		c := out[id]
		if c == nil {
			c = &Counts{}
			if hist {
				c.Hist = &Hist{}
			}
			out[id] = c
		}
		return c
	}
	for rows.Next() {
		var id int64
		switch {
		case p.src == fromRaw && hist:
			var ok, maint bool
			var us int64
			if err := rows.Scan(&id, &ok, &maint, &us); err != nil {
				return err
			}
			get(id).addCheck(ok, maint, us)
		case p.src == fromRaw:
			var g, b, m int64
			if err := rows.Scan(&id, &g, &b, &m); err != nil {
				return err
			}
			get(id).add(&Counts{Good: g, Bad: b, Maint: m})
		default:
			var g, b, m int64
			var blob []byte
			if err := rows.Scan(&id, &g, &b, &m, &blob); err != nil {
				return err
			}
			c := get(id)
			c.add(&Counts{Good: g, Bad: b, Maint: m})
			if hist {
				c.Hist.UnmarshalBinary(blob)
			}
		}
	}
	return rows.Err()
}

// Sum adds the counts of several monitors, as an entity's figures.
func Sum(m map[int64]*Counts) *Counts {
	var c Counts
	for _, v := range m {
		c.add(v)
	}
	return &c
}
