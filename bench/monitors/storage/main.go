// Command storage measures how much disk the monitors benchmark's monitors
// take for good, from the results of a real run. A benchmark run lasts
// minutes, so the long term is written ahead of time, with Chief's own
// schema, SQL, batching and histogram encoding, into fresh databases made
// by `chief migrate up`:
//
//   - Rollups (what grows once the raw window is full): for every monitor
//     of the run, -days days of 24 hourly rows and one daily row, each hour
//     a histogram (reliability.Hist) of an hour's latencies sampled from the
//     run's real check results, written hour by hour in one transaction
//     each, monitors in random order (Chief's rollup walks a map), then the
//     day. The growth of the file over the last day, divided by the
//     monitors, is the growth per monitor per day; the size after VACUUM
//     is given as the packed lower bound.
//   - Raw results (the window that stays a fixed size once full): -raw-hours
//     hours of results for -raw-monitors of the run's monitors, rows sampled
//     from the run's real results, written in time order in batches of
//     -raw-batch as the recorder does. Bytes per row over the hours after
//     the first, times the checks a monitor makes in the retention window,
//     is the window's size per monitor. (Fewer monitors for more hours: a
//     monitor's rows fill pages of their own only after some hours, and
//     that is the layout a full window has.)
//
// Sizes are of the database file after a checkpoint that empties the
// write-ahead log (PRAGMA wal_checkpoint(TRUNCATE)).
//
//	storage -chief ./chief -run-db RUN/chief.db -work /tmp/storage
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/reliability"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "storage:", err)
		os.Exit(1)
	}
}

type config struct {
	chief, runDB, work string
	interval           time.Duration
	retention          time.Duration
	days               int
	rawHours           int
	rawBatch           int
	rawMonitors        int
	beforeBytes        int64
	target             float64 // bytes per monitor per day
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var c config
	fs := flag.NewFlagSet("storage", flag.ContinueOnError)
	fs.StringVar(&c.chief, "chief", "", "the chief binary, to make fresh databases with `chief migrate up`")
	fs.StringVar(&c.runDB, "run-db", "", "the benchmark run's chief.db (read only; Chief must be stopped)")
	fs.StringVar(&c.work, "work", "", "folder for the fresh databases (created)")
	fs.DurationVar(&c.interval, "interval", 30*time.Second, "interval of every monitor")
	fs.DurationVar(&c.retention, "raw-retention", 48*time.Hour, "raw-result window (chief serve --raw-retention)")
	fs.IntVar(&c.days, "days", 2, "days of rollups to write; the growth is that of the last day")
	fs.IntVar(&c.rawHours, "raw-hours", 4, "hours of raw results to write; bytes per row are those of the hours after the first")
	fs.IntVar(&c.rawMonitors, "raw-monitors", 2000, "monitors to write raw results for (0: all); bytes per row hardly depend on it, hours do")
	fs.IntVar(&c.rawBatch, "raw-batch", 167, "results per transaction (the recorder commits every 0.5 s: 333 checks/s make 167)")
	fs.Int64Var(&c.beforeBytes, "before-bytes", 0, "size of the run's chief.db before serve started, for the cross-check (optional)")
	fs.Float64Var(&c.target, "target", 4096, "target growth, bytes per monitor per day")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.chief == "" || c.runDB == "" || c.work == "" || c.days < 1 || c.rawHours < 1 || c.rawBatch < 1 {
		return errors.New("-chief, -run-db and -work are required; -days, -raw-hours and -raw-batch must be positive")
	}
	perHour := int(time.Hour / c.interval)

	src, err := readRun(ctx, c.runDB)
	if err != nil {
		return err
	}
	runSize, err := fileSize(c.runDB)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Run database: %d monitors, %d results (%d failed), %d bytes", len(src.monitors), len(src.rows), src.bad, runSize)
	if c.beforeBytes > 0 && len(src.rows) > 0 {
		fmt.Fprintf(stdout, " (%d before serve: %.1f bytes per result written during the run, first-state rows included)",
			c.beforeBytes, float64(runSize-c.beforeBytes)/float64(len(src.rows)))
	}
	fmt.Fprintln(stdout)
	if len(src.rows) == 0 || len(src.monitors) == 0 {
		return errors.New("the run database holds no results")
	}
	r := rand.New(rand.NewPCG(1, 2))

	roll, err := rollups(ctx, c, src, perHour, r, stdout)
	if err != nil {
		return err
	}
	raw, err := rawWindow(ctx, c, src, perHour, r, stdout)
	if err != nil {
		return err
	}

	n := float64(len(src.monitors))
	perDay := float64(24 * perHour)
	rawPerMonitorDay := raw.perRow * perDay
	window := raw.perRow * perDay * c.retention.Hours() / 24
	p := func(format string, a ...any) { fmt.Fprintf(stdout, format+"\n", a...) }
	p("")
	p("Rollups: %d monitors x %d days x (24 hourly + 1 daily rows); hist blobs: hourly mean %.1f bytes, daily mean %.1f bytes", len(src.monitors), c.days, roll.hourlyBlob, roll.dailyBlob)
	for i, g := range roll.dayGrowth {
		p("  day %d: +%d bytes = %.0f bytes per monitor", i+1, g, float64(g)/n)
	}
	p("  after VACUUM: %d bytes over %d days = %.0f bytes per monitor per day (packed)", roll.vacuumed, c.days, float64(roll.vacuumed)/n/float64(c.days))
	p("Raw results: %d monitors, %d per monitor per hour, %d hours, batches of %d", raw.monitors, perHour, c.rawHours, c.rawBatch)
	for i, g := range raw.hourGrowth {
		p("  hour %d: +%d bytes = %.1f bytes per row", i+1, g, float64(g)/float64(raw.monitors*perHour))
	}
	p("  mean of hours 2 to %d: %.1f bytes per row; after VACUUM: %.1f bytes per row (packed)", c.rawHours, raw.perRow, raw.vacuumedPerRow)
	p("  window of %s: %.0f rows x %.1f bytes = %.0f kB per monitor (%.0f kB per monitor per day of raw results); %.2f GB for %d monitors",
		c.retention, perDay*c.retention.Hours()/24, raw.perRow, window/1000, rawPerMonitorDay/1000, window*n/1e9, len(src.monitors))

	growth := float64(roll.dayGrowth[len(roll.dayGrowth)-1]) / n
	met := "yes"
	if growth > c.target {
		met = "**no**"
	}
	p("")
	p("| target | measured | met? |")
	p("| --- | --- | --- |")
	p("| storage growth per monitor per day once the raw window is full <= %.0f bytes | %.0f bytes per monitor per day as written (%.0f packed); raw window %s = %.0f kB per monitor, a fixed size | %s |",
		c.target, growth, float64(roll.vacuumed)/n/float64(c.days), c.retention, window/1000, met)
	p("")
	p("RESULT growth_bytes_per_monitor_day=%.0f packed_bytes_per_monitor_day=%.0f raw_bytes_per_row=%.1f raw_window_kb_per_monitor=%.0f raw_kb_per_monitor_day=%.0f retention=%s",
		growth, float64(roll.vacuumed)/n/float64(c.days), raw.perRow, window/1000, rawPerMonitorDay/1000, c.retention)
	return nil
}

// runData is what the run left: its monitors and its raw results.
type runData struct {
	monitors []int64
	rows     []rawRow
	bad      int
}

type rawRow struct {
	ok, maint                      bool
	total, dns, connect, tls, ttfb int64
	detail                         sql.NullString
}

func readRun(ctx context.Context, path string) (runData, error) {
	var d runData
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return d, err
	}
	defer conn.Close()
	ids, err := conn.QueryContext(ctx, `SELECT id FROM monitors ORDER BY id`)
	if err != nil {
		return d, fmt.Errorf("read monitors: %w", err)
	}
	for ids.Next() {
		var id int64
		if err := ids.Scan(&id); err != nil {
			ids.Close()
			return d, err
		}
		d.monitors = append(d.monitors, id)
	}
	ids.Close()
	rows, err := conn.QueryContext(ctx, `SELECT ok, maint, total_us, dns_us, connect_us, tls_us, ttfb_us, detail FROM check_results`)
	if err != nil {
		return d, fmt.Errorf("read results: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r rawRow
		if err := rows.Scan(&r.ok, &r.maint, &r.total, &r.dns, &r.connect, &r.tls, &r.ttfb, &r.detail); err != nil {
			return d, err
		}
		if !r.ok {
			d.bad++
		}
		d.rows = append(d.rows, r)
	}
	return d, rows.Err()
}

// fresh makes an empty, migrated database with `chief migrate up` and opens
// it as Chief does.
func fresh(ctx context.Context, c config, name string) (*db.DB, string, error) {
	dir := filepath.Join(c.work, name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, "", err
	}
	cmd := exec.CommandContext(ctx, c.chief, "migrate", "up", "--data", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("chief migrate up: %v: %s", err, out)
	}
	d, err := db.Open(ctx, dir, "")
	if err != nil {
		return nil, "", err
	}
	return d, filepath.Join(dir, "chief.db"), nil
}

// settledSize checkpoints the write-ahead log into the file, empties it and
// returns the file's size.
func settledSize(ctx context.Context, d *db.DB, path string) (int64, error) {
	w, _ := d.Pools()
	if _, err := w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return 0, fmt.Errorf("checkpoint: %w", err)
	}
	return fileSize(path)
}

func vacuumedSize(ctx context.Context, d *db.DB, path string) (int64, error) {
	w, _ := d.Pools()
	if _, err := w.ExecContext(ctx, `VACUUM`); err != nil {
		return 0, fmt.Errorf("vacuum: %w", err)
	}
	return settledSize(ctx, d, path)
}

func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

type rollupFigures struct {
	dayGrowth             []int64
	vacuumed              int64 // total over all days, after VACUUM, less the empty database
	hourlyBlob, dailyBlob float64
}

func rollups(ctx context.Context, c config, src runData, perHour int, r *rand.Rand, stdout io.Writer) (rollupFigures, error) {
	var f rollupFigures
	d, path, err := fresh(ctx, c, "rollups")
	if err != nil {
		return f, err
	}
	defer d.Close()
	empty, err := settledSize(ctx, d, path)
	if err != nil {
		return f, err
	}
	first := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -c.days)
	var hourlyBytes, dailyBytes, hourlyRows, dailyRows int64
	prev := empty
	for day := range c.days {
		t0 := time.Now()
		start := first.AddDate(0, 0, day)
		daily := map[int64]*reliability.Counts{}
		for h := range 24 {
			hour := start.Add(time.Duration(h) * time.Hour)
			order := slices.Clone(src.monitors)
			r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			err := d.Write(ctx, func(tx *db.Tx) error {
				b := db.NewBatch(tx, `INSERT INTO check_hourly (monitor_id, start, good, bad, maint, hist) VALUES`, 6,
					`ON CONFLICT (monitor_id, start) DO UPDATE SET good = excluded.good, bad = excluded.bad, maint = excluded.maint, hist = excluded.hist`)
				for _, id := range order {
					cnt := reliability.Counts{Hist: &reliability.Hist{}}
					for range perHour {
						row := src.rows[r.IntN(len(src.rows))]
						switch {
						case row.maint:
							cnt.Maint++
						case row.ok:
							cnt.Good++
							cnt.Hist.Add(time.Duration(row.total) * time.Microsecond)
						default:
							cnt.Bad++
						}
					}
					dc := daily[id]
					if dc == nil {
						dc = &reliability.Counts{Hist: &reliability.Hist{}}
						daily[id] = dc
					}
					dc.Good, dc.Bad, dc.Maint = dc.Good+cnt.Good, dc.Bad+cnt.Bad, dc.Maint+cnt.Maint
					dc.Hist.Merge(cnt.Hist)
					blob := cnt.Hist.MarshalBinary()
					hourlyBytes += int64(len(blob))
					hourlyRows++
					if err := b.Add(ctx, id, hour.Unix(), cnt.Good, cnt.Bad, cnt.Maint, blob); err != nil {
						return err
					}
				}
				if err := b.Flush(ctx); err != nil {
					return err
				}
				return setProgress(ctx, tx, "hourly", hour.Add(time.Hour))
			})
			if err != nil {
				return f, fmt.Errorf("write hourly rollups: %w", err)
			}
		}
		err := d.Write(ctx, func(tx *db.Tx) error {
			b := db.NewBatch(tx, `INSERT INTO check_daily (monitor_id, start, good, bad, maint, hist) VALUES`, 6,
				`ON CONFLICT (monitor_id, start) DO UPDATE SET good = excluded.good, bad = excluded.bad, maint = excluded.maint, hist = excluded.hist`)
			for id, cnt := range daily { // a map, as in Chief
				blob := cnt.Hist.MarshalBinary()
				dailyBytes += int64(len(blob))
				dailyRows++
				if err := b.Add(ctx, id, start.Unix(), cnt.Good, cnt.Bad, cnt.Maint, blob); err != nil {
					return err
				}
			}
			if err := b.Flush(ctx); err != nil {
				return err
			}
			return setProgress(ctx, tx, "daily", start.Add(24*time.Hour))
		})
		if err != nil {
			return f, fmt.Errorf("write daily rollups: %w", err)
		}
		size, err := settledSize(ctx, d, path)
		if err != nil {
			return f, err
		}
		f.dayGrowth = append(f.dayGrowth, size-prev)
		fmt.Fprintf(stdout, "rollups day %d written in %.1f s: file %d bytes (+%d)\n", day+1, time.Since(t0).Seconds(), size, size-prev)
		prev = size
	}
	v, err := vacuumedSize(ctx, d, path)
	if err != nil {
		return f, err
	}
	f.vacuumed = v - empty
	f.hourlyBlob = float64(hourlyBytes) / float64(hourlyRows)
	f.dailyBlob = float64(dailyBytes) / float64(dailyRows)
	return f, nil
}

func setProgress(ctx context.Context, tx *db.Tx, name string, upto time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO rollup_progress (name, upto) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET upto = excluded.upto`, name, upto.Unix())
	return err
}

type rawFigures struct {
	monitors       int
	hourGrowth     []int64
	perRow         float64 // of the last hour, as written
	vacuumedPerRow float64
}

func rawWindow(ctx context.Context, c config, src runData, perHour int, r *rand.Rand, stdout io.Writer) (rawFigures, error) {
	var f rawFigures
	d, path, err := fresh(ctx, c, "raw")
	if err != nil {
		return f, err
	}
	defer d.Close()
	empty, err := settledSize(ctx, d, path)
	if err != nil {
		return f, err
	}
	// Each monitor runs at its own offset in the interval, as the
	// scheduler's spread places it; a check starts a few milliseconds late.
	type slot struct {
		id     int64
		offset int64 // ms
	}
	mons := src.monitors
	if c.rawMonitors > 0 && c.rawMonitors < len(mons) {
		mons = mons[:c.rawMonitors]
	}
	slots := make([]slot, len(mons))
	for i, id := range mons {
		slots[i] = slot{id, r.Int64N(c.interval.Milliseconds())}
	}
	slices.SortFunc(slots, func(a, b slot) int { return int(a.offset - b.offset) })
	base := time.Now().Add(-time.Duration(c.rawHours) * time.Hour).Truncate(time.Hour).UnixMilli()
	prev := empty
	var total int64
	for h := range c.rawHours {
		t0 := time.Now()
		var pending []any
		flush := func() error {
			if len(pending) == 0 {
				return nil
			}
			err := d.Write(ctx, func(tx *db.Tx) error {
				b := db.NewBatch(tx, `INSERT INTO check_results (monitor_id, at, ok, maint, total_us, dns_us, connect_us, tls_us, ttfb_us, detail) VALUES`, 10,
					`ON CONFLICT (monitor_id, at) DO NOTHING`)
				for i := 0; i < len(pending); i += 10 {
					if err := b.Add(ctx, pending[i:i+10]...); err != nil {
						return err
					}
				}
				return b.Flush(ctx)
			})
			pending = pending[:0]
			return err
		}
		for k := h * perHour; k < (h+1)*perHour; k++ {
			for _, s := range slots {
				row := src.rows[r.IntN(len(src.rows))]
				var detail any
				if row.detail.Valid {
					detail = row.detail.String
				}
				at := base + int64(k)*c.interval.Milliseconds() + s.offset + r.Int64N(5)
				pending = append(pending, s.id, at, row.ok, row.maint, row.total, row.dns, row.connect, row.tls, row.ttfb, detail)
				if len(pending) >= 10*c.rawBatch {
					if err := flush(); err != nil {
						return f, fmt.Errorf("write results: %w", err)
					}
				}
			}
		}
		if err := flush(); err != nil {
			return f, fmt.Errorf("write results: %w", err)
		}
		total += int64(perHour * len(slots))
		size, err := settledSize(ctx, d, path)
		if err != nil {
			return f, err
		}
		f.hourGrowth = append(f.hourGrowth, size-prev)
		fmt.Fprintf(stdout, "raw hour %d written in %.1f s: file %d bytes (+%d)\n", h+1, time.Since(t0).Seconds(), size, size-prev)
		prev = size
	}
	f.monitors = len(slots)
	// Pages split in bursts, so one hour's growth is lumpy; the mean over
	// the hours after the first (when every monitor's rows begin to span
	// pages of their own) is the figure.
	grown, hours := int64(0), 0
	for i, g := range f.hourGrowth {
		if i > 0 || len(f.hourGrowth) == 1 {
			grown += g
			hours++
		}
	}
	f.perRow = float64(grown) / float64(hours*perHour*len(slots))
	v, err := vacuumedSize(ctx, d, path)
	if err != nil {
		return f, err
	}
	f.vacuumedPerRow = float64(v-empty) / float64(total)
	return f, nil
}
