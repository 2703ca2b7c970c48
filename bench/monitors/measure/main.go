// Command measure samples a running `chief serve` that checks the monitors
// benchmark's monitors and reports the figures of the monitoring targets:
// checks per second against the expected rate, whether every monitor was
// checked within one interval of start-up and once per interval after, CPU
// as a share of one core and per check, resident memory, and the delay
// between a check's planned and actual start.
//
//	measure -pid PID -url http://127.0.0.1:PORT -db DATA/chief.db -log serve.err \
//	        -monitors 10000 -interval 30s -warmup 35s -duration 200s
//
// Time zero is the moment Chief logged "ready" (the engine starts just
// before it), read from -log; without it, the process's start time. The
// steady window runs from -warmup after ready for -duration. Sources:
//
//   - CPU: utime+stime of /proc/PID/stat, in -clk-tck ticks per second,
//     every -sample; resident memory: VmRSS and VmHWM of /proc/PID/status.
//   - checks: rows of check_results whose start (at) falls in the window,
//     read from the SQLite file opened read-only (WAL lets it read while
//     Chief writes), and chief_checks_total from /metrics, scraped once
//     before and once after the window (a scrape of 10,000 monitors' series
//     costs Chief CPU of its own, so it is kept outside the window and
//     reported separately).
//   - delay: the chief_check_start_delay_seconds histogram, the difference
//     of the two scrapes for the window, the second scrape alone for the
//     whole run. p99 is the smallest bucket bound holding at least 99 % of
//     the observations; the share at most 1 s is exact, 1 s being a bound.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

type config struct {
	pid, targetsPID int
	base            string
	dbPath, logPath string
	monitors        int
	interval        time.Duration
	warmup          time.Duration
	duration        time.Duration
	every           time.Duration
	clkTck          float64
	cpuTarget       float64 // share of one core, %
	rssTargetMB     float64
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var c config
	fs := flag.NewFlagSet("measure", flag.ContinueOnError)
	fs.IntVar(&c.pid, "pid", 0, "process id of chief serve")
	fs.IntVar(&c.targetsPID, "targets-pid", 0, "process id of the targets program, to report its CPU too (optional)")
	fs.StringVar(&c.base, "url", "", "Chief's base URL, http://127.0.0.1:PORT (loopback only)")
	fs.StringVar(&c.dbPath, "db", "", "Chief's SQLite file (DATA/chief.db)")
	fs.StringVar(&c.logPath, "log", "", "Chief's log (standard error), to read the time it logged ready")
	fs.IntVar(&c.monitors, "monitors", 10000, "number of monitors Chief runs")
	fs.DurationVar(&c.interval, "interval", 30*time.Second, "interval of every monitor")
	fs.DurationVar(&c.warmup, "warmup", 35*time.Second, "time after ready before the steady window starts")
	fs.DurationVar(&c.duration, "duration", 200*time.Second, "length of the steady window")
	fs.DurationVar(&c.every, "sample", 2*time.Second, "how often to read /proc")
	fs.Float64Var(&c.clkTck, "clk-tck", 100, "clock ticks per second (getconf CLK_TCK)")
	fs.Float64Var(&c.cpuTarget, "cpu-target", 10, "CPU target, % of one core")
	fs.Float64Var(&c.rssTargetMB, "rss-target", 150, "resident memory target, MB")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.pid <= 0 || c.base == "" || c.dbPath == "" {
		return errors.New("-pid, -url and -db are required")
	}
	if err := checkLoopback(c.base); err != nil {
		return err
	}
	if c.warmup < c.interval {
		return fmt.Errorf("-warmup %s must be at least the interval %s: the first interval is start-up", c.warmup, c.interval)
	}
	db, err := sql.Open("sqlite", "file:"+c.dbPath+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	ready, readySource, err := readyTime(c)
	if err != nil {
		return err
	}
	m := &measurement{c: c, db: db, ready: ready, client: &http.Client{Timeout: 60 * time.Second}}
	fmt.Fprintf(stdout, "Chief pid %d, ready at %s (%s); steady window %s to %s after ready.\n",
		c.pid, ready.Format("15:04:05.000"), readySource, c.warmup, c.warmup+c.duration)
	return m.run(ctx, stdout)
}

// readyTime is when Chief logged ready, else when its process started.
func readyTime(c config) (time.Time, string, error) {
	if c.logPath != "" {
		deadline := time.Now().Add(10 * time.Second)
		re := regexp.MustCompile(`^time=(\S+) level=INFO msg=ready `)
		for time.Now().Before(deadline) {
			if b, err := os.ReadFile(c.logPath); err == nil {
				for _, line := range strings.Split(string(b), "\n") {
					if mm := re.FindStringSubmatch(line); mm != nil {
						t, err := time.Parse(time.RFC3339Nano, mm[1])
						if err == nil {
							return t, "its log line ready", nil
						}
					}
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	t, err := processStart(c.pid, c.clkTck)
	return t, "its process start", err
}

// processStart reads the start time of pid: field 22 of /proc/PID/stat, in
// clock ticks after boot (btime in /proc/stat).
func processStart(pid int, clkTck float64) (time.Time, error) {
	f, err := statFields(pid)
	if err != nil {
		return time.Time{}, err
	}
	ticks, _ := strconv.ParseFloat(f[22-3], 64)
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			btime, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return time.Unix(btime, 0).Add(time.Duration(ticks / clkTck * float64(time.Second))), nil
		}
	}
	return time.Time{}, errors.New("no btime in /proc/stat")
}

type measurement struct {
	c      config
	db     *sql.DB
	ready  time.Time
	client *http.Client

	samples []sample
}

// sample is one reading of /proc.
type sample struct {
	at           time.Time
	ticks        int64 // Chief's utime+stime
	sysTicks     int64 // Chief's stime
	targetTicks  int64
	rssKB, hwmKB int64
	load1        float64
	timeWait     int64
}

func (m *measurement) take() (sample, error) {
	s := sample{at: time.Now()}
	var err error
	if s.ticks, s.sysTicks, err = cpuSplit(m.c.pid); err != nil {
		return s, fmt.Errorf("chief (pid %d) is gone: %w", m.c.pid, err)
	}
	if m.c.targetsPID > 0 {
		s.targetTicks, _ = cpuTicks(m.c.targetsPID)
	}
	s.rssKB, s.hwmKB = memory(m.c.pid)
	s.load1 = load1()
	s.timeWait = timeWait()
	m.samples = append(m.samples, s)
	return s, nil
}

// scrape is one read of /metrics with what it cost Chief.
type scrape struct {
	at      time.Time
	bytes   int
	took    time.Duration
	cpu     time.Duration
	values  map[string]float64
	buckets []bucket // delay histogram, by bound
}

type bucket struct {
	le    float64
	count float64
}

func (m *measurement) run(ctx context.Context, stdout io.Writer) error {
	c := m.c
	firstAt := m.ready.Add(c.interval + 5*time.Second)
	startAt := m.ready.Add(c.warmup)
	endAt := startAt.Add(c.duration)
	var (
		first       *firstChecks
		scA, scB    *scrape
		start, end  sample
		startedWin  bool
		tick        = time.NewTicker(c.every)
		lastPrinted time.Time
	)
	defer tick.Stop()
	if _, err := m.take(); err != nil {
		return err
	}
	for {
		now := time.Now()
		if first == nil && !now.Before(firstAt) {
			f, err := m.firstChecks()
			if err != nil {
				return err
			}
			first = &f
			fmt.Fprintf(stdout, "  %5.0f s  first checks: %d of %d monitors checked within %s of ready (latest first check %.2f s after ready)\n",
				now.Sub(m.ready).Seconds(), f.within, c.monitors, c.interval, f.latest.Seconds())
		}
		if !startedWin && !now.Before(startAt) {
			sc, err := m.scrape()
			if err != nil {
				return err
			}
			scA = sc
			if start, err = m.take(); err != nil {
				return err
			}
			startedWin = true
			fmt.Fprintf(stdout, "  %5.0f s  window starts (scrape of /metrics: %d bytes, %.2f s, %.2f s of Chief's CPU)\n",
				now.Sub(m.ready).Seconds(), sc.bytes, sc.took.Seconds(), sc.cpu.Seconds())
		}
		if startedWin && !now.Before(endAt) {
			var err error
			if end, err = m.take(); err != nil {
				return err
			}
			if scB, err = m.scrape(); err != nil {
				return err
			}
			break
		}
		if now.Sub(lastPrinted) >= 10*time.Second && len(m.samples) > 1 {
			s, p := m.samples[len(m.samples)-1], m.samples[max(0, len(m.samples)-6)]
			fmt.Fprintf(stdout, "  %5.0f s  CPU %5.1f%% of a core (last %2.0f s), RSS %7d kB, load %.2f, TIME_WAIT %d\n",
				s.at.Sub(m.ready).Seconds(), pct(s.ticks-p.ticks, s.at.Sub(p.at), c.clkTck), s.at.Sub(p.at).Seconds(), s.rssKB, s.load1, s.timeWait)
			lastPrinted = now
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		if _, err := m.take(); err != nil {
			return err
		}
	}
	// Results of checks that started before the end are written within a
	// flush (0.5 s) of finishing.
	time.Sleep(3 * time.Second)
	return m.report(stdout, *first, scA, scB, start, end)
}

// firstChecks is what the first interval after start-up covered.
type firstChecks struct {
	monitors int // monitors with any result
	within   int // monitors whose first check started within one interval of ready
	// withinSlack counts those within one interval plus the start-delay target.
	withinSlack int
	latest      time.Duration // latest first check, after ready
}

func (m *measurement) firstChecks() (firstChecks, error) {
	var f firstChecks
	rows, err := m.db.Query(`SELECT MIN(at) FROM check_results GROUP BY monitor_id`)
	if err != nil {
		return f, fmt.Errorf("read first checks: %w", err)
	}
	defer rows.Close()
	limit := m.ready.Add(m.c.interval).UnixMilli()
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return f, err
		}
		f.monitors++
		if at <= limit {
			f.within++
		}
		if at <= limit+lateSlack.Milliseconds() {
			f.withinSlack++
		}
		if d := time.UnixMilli(at).Sub(m.ready); d > f.latest {
			f.latest = d
		}
	}
	return f, rows.Err()
}

func (m *measurement) scrape() (*scrape, error) {
	before, err := cpuTicks(m.c.pid)
	if err != nil {
		return nil, err
	}
	sc := &scrape{at: time.Now(), values: map[string]float64{}}
	resp, err := m.client.Get(strings.TrimRight(m.c.base, "/") + "/metrics")
	if err != nil {
		return nil, fmt.Errorf("scrape /metrics: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("scrape /metrics: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape /metrics: status %d", resp.StatusCode)
	}
	sc.took = time.Since(sc.at)
	after, _ := cpuTicks(m.c.pid)
	sc.cpu = time.Duration(float64(after-before) / m.c.clkTck * float64(time.Second))
	sc.bytes = len(body)
	parseMetrics(body, sc)
	return sc, nil
}

// parseMetrics reads the few series measure needs from the text format.
func parseMetrics(body []byte, sc *scrape) {
	sc2 := bufio.NewScanner(strings.NewReader(string(body)))
	sc2.Buffer(make([]byte, 1<<20), 1<<20)
	for sc2.Scan() {
		line := sc2.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, value, ok := cutLast(line)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(name, `chief_check_start_delay_seconds_bucket{le="`):
			le := strings.TrimSuffix(strings.TrimPrefix(name, `chief_check_start_delay_seconds_bucket{le="`), `"}`)
			bound, err := strconv.ParseFloat(le, 64)
			if le == "+Inf" {
				bound, err = math.Inf(1), nil
			}
			if err == nil {
				sc.buckets = append(sc.buckets, bucket{bound, v})
			}
		case strings.HasPrefix(name, "chief_check") || strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_"):
			sc.values[name] = v
		}
	}
	sort.Slice(sc.buckets, func(i, j int) bool { return sc.buckets[i].le < sc.buckets[j].le })
}

func cutLast(line string) (string, string, bool) {
	i := strings.LastIndexByte(line, ' ')
	if i < 0 {
		return "", "", false
	}
	return line[:i], line[i+1:], true
}

// delay is a summary of the delay histogram.
type delay struct {
	count, sum           float64
	p50, p90, p99        float64 // smallest bucket bounds holding the share
	underOne, past2500ms float64 // observations at most 1 s, more than 2.5 s
}

func summarize(buckets []bucket, count, sum float64) delay {
	d := delay{count: count, sum: sum}
	if count == 0 {
		return d
	}
	bound := func(q float64) float64 {
		for _, b := range buckets {
			if b.count >= q*count {
				return b.le
			}
		}
		return math.Inf(1)
	}
	d.p50, d.p90, d.p99 = bound(0.50), bound(0.90), bound(0.99)
	for _, b := range buckets {
		if b.le == 1 {
			d.underOne = b.count
		}
		if b.le == 2.5 {
			d.past2500ms = count - b.count
		}
	}
	return d
}

func diffBuckets(a, b []bucket) []bucket {
	out := make([]bucket, len(b))
	for i := range b {
		out[i] = b[i]
		if i < len(a) && a[i].le == b[i].le {
			out[i].count -= a[i].count
		}
	}
	return out
}

// window is what the database holds about the steady window.
type window struct {
	rows, bad int64
	failure   string
	// Gaps between consecutive check starts of each monitor, over the
	// window and the interval before it.
	gaps              int64
	gapMin, gapMax    time.Duration
	late              int // gaps longer than the interval plus lateSlack
	monitorsSeen      int
	monitorsMissing   int // monitors with no check in the window
	lateSlack         time.Duration
	worstMonitorGapID int64
}

// lateSlack is how late a check may start before the monitor counts as
// falling behind: the start-delay target.
const lateSlack = time.Second

func (m *measurement) window(start, end time.Time) (window, error) {
	w := window{lateSlack: lateSlack, gapMin: time.Duration(math.MaxInt64)}
	s, e := start.UnixMilli(), end.UnixMilli()
	if err := m.db.QueryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN ok THEN 0 ELSE 1 END), 0) FROM check_results WHERE at >= ? AND at < ?`, s, e).
		Scan(&w.rows, &w.bad); err != nil {
		return w, fmt.Errorf("count window results: %w", err)
	}
	if w.bad > 0 {
		var detail sql.NullString
		_ = m.db.QueryRow(`SELECT detail FROM check_results WHERE at >= ? AND at < ? AND NOT ok LIMIT 1`, s, e).Scan(&detail)
		w.failure = detail.String
	}
	rows, err := m.db.Query(`SELECT monitor_id, at FROM check_results WHERE at >= ? AND at < ? ORDER BY monitor_id, at`,
		start.Add(-m.c.interval).UnixMilli(), e)
	if err != nil {
		return w, fmt.Errorf("read check starts: %w", err)
	}
	defer rows.Close()
	var prevID, prevAt int64 = -1, 0
	inWindow := map[int64]bool{}
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return w, err
		}
		if at >= s {
			inWindow[id] = true
		}
		if id == prevID {
			gap := time.Duration(at-prevAt) * time.Millisecond
			w.gaps++
			w.gapMin = min(w.gapMin, gap)
			if gap > w.gapMax {
				w.gapMax, w.worstMonitorGapID = gap, id
			}
			if gap > m.c.interval+lateSlack {
				w.late++
			}
		}
		prevID, prevAt = id, at
	}
	w.monitorsSeen = len(inWindow)
	w.monitorsMissing = m.c.monitors - w.monitorsSeen
	return w, rows.Err()
}

func (m *measurement) report(out io.Writer, first firstChecks, scA, scB *scrape, start, end sample) error {
	c := m.c
	win, err := m.window(start.at, end.at)
	if err != nil {
		return err
	}
	span := end.at.Sub(start.at)
	expected := float64(c.monitors) / c.interval.Seconds()
	rate := float64(win.rows) / span.Seconds()
	counterA := scA.values[`chief_checks_total{outcome="good"}`] + scA.values[`chief_checks_total{outcome="bad"}`]
	counterB := scB.values[`chief_checks_total{outcome="good"}`] + scB.values[`chief_checks_total{outcome="bad"}`]
	counterRate := (counterB - counterA) / scB.at.Sub(scA.at).Seconds()
	badCounter := scB.values[`chief_checks_total{outcome="bad"}`] - scA.values[`chief_checks_total{outcome="bad"}`]
	cpuSec := float64(end.ticks-start.ticks) / c.clkTck
	cpuPct := 100 * cpuSec / span.Seconds()
	usPerCheck := cpuSec * 1e6 / float64(win.rows)
	var tgtPct float64
	if c.targetsPID > 0 {
		tgtPct = 100 * float64(end.targetTicks-start.targetTicks) / c.clkTck / span.Seconds()
	}
	var rssMax, rssMaxWin, hwm int64
	var rssMaxAt time.Duration
	var loadMax, loadSum float64
	var twMax int64
	nWin := 0
	for _, s := range m.samples {
		if s.rssKB > rssMax {
			rssMax, rssMaxAt = s.rssKB, s.at.Sub(m.ready)
		}
		hwm = max(hwm, s.hwmKB)
		twMax = max(twMax, s.timeWait)
		if !s.at.Before(start.at) && !s.at.After(end.at) {
			rssMaxWin = max(rssMaxWin, s.rssKB)
			loadMax = max(loadMax, s.load1)
			loadSum += s.load1
			nWin++
		}
	}
	dWin := summarize(diffBuckets(scA.buckets, scB.buckets),
		scB.values["chief_check_start_delay_seconds_count"]-scA.values["chief_check_start_delay_seconds_count"],
		scB.values["chief_check_start_delay_seconds_sum"]-scA.values["chief_check_start_delay_seconds_sum"])
	dAll := summarize(scB.buckets, scB.values["chief_check_start_delay_seconds_count"], scB.values["chief_check_start_delay_seconds_sum"])

	p := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	p("")
	p("Steady window: %s to %s after ready, %.1f s.", start.at.Sub(m.ready).Round(time.Millisecond), end.at.Sub(m.ready).Round(time.Millisecond), span.Seconds())
	p("checks       %d results started in the window (database) = %.1f/s; expected %d/%s = %.1f/s (%.1f %%)",
		win.rows, rate, c.monitors, c.interval, expected, 100*rate/expected)
	p("             chief_checks_total between the scrapes: %.0f in %.1f s = %.1f/s; bad: %.0f (database: %d failed)",
		counterB-counterA, scB.at.Sub(scA.at).Seconds(), counterRate, badCounter, win.bad)
	if win.failure != "" {
		p("             a failure: %s", win.failure)
	}
	p("             gaps between a monitor's consecutive checks (window and the interval before): %d, min %.3f s, max %.3f s (monitor %d); %d longer than %s + %s; %d of %d monitors checked in the window",
		win.gaps, win.gapMin.Seconds(), win.gapMax.Seconds(), win.worstMonitorGapID, win.late, c.interval, lateSlack, win.monitorsSeen, c.monitors)
	p("first checks %d of %d monitors first checked within one interval (%s) of ready, %d within %s; latest first check %.3f s after ready; %d monitors with results at %s",
		first.within, c.monitors, c.interval, first.withinSlack, c.interval+lateSlack, first.latest.Seconds(), first.monitors, c.interval+5*time.Second)
	p("CPU          %.2f s in %.1f s = %.2f %% of one core; %.0f µs per check (%.0f %% of it in the kernel)",
		cpuSec, span.Seconds(), cpuPct, usPerCheck, 100*float64(end.sysTicks-start.sysTicks)/float64(max(end.ticks-start.ticks, 1)))
	for _, line := range m.cpuSlices(start.at, end.at) {
		p("             %s", line)
	}
	if c.targetsPID > 0 {
		p("             (targets process, not counted: %.2f %% of one core)", tgtPct)
	}
	p("memory       VmRSS max %d kB (%.1f MB, at %.0f s after ready), max in the window %d kB, at the end %d kB; VmHWM %d kB",
		rssMax, float64(rssMax)/1024, rssMaxAt.Seconds(), rssMaxWin, end.rssKB, hwm)
	v := scB.values
	p("             second scrape: Go heap in use %.1f MB, next GC at %.1f MB; Go runtime holds %.1f MB from the OS (%.1f MB heap idle not returned, %.1f MB stacks), so about %.1f MB of RSS is outside Go's heap accounting (SQLite's C-side memory and the binary); goroutines %.0f",
		v["go_memstats_heap_inuse_bytes"]/1e6, v["go_memstats_next_gc_bytes"]/1e6,
		(v["go_memstats_sys_bytes"]-v["go_memstats_heap_released_bytes"])/1e6,
		(v["go_memstats_heap_idle_bytes"]-v["go_memstats_heap_released_bytes"])/1e6, v["go_memstats_stack_sys_bytes"]/1e6,
		v["process_resident_memory_bytes"]/1e6-(v["go_memstats_sys_bytes"]-v["go_memstats_heap_released_bytes"])/1e6, v["go_goroutines"])
	p("delay        window: %.0f checks, p50 <= %s, p90 <= %s, p99 <= %s, mean %.1f ms; %.4f %% at most 1 s; %.0f over 2.5 s",
		dWin.count, secs(dWin.p50), secs(dWin.p90), secs(dWin.p99), 1000*dWin.sum/max(dWin.count, 1), 100*dWin.underOne/max(dWin.count, 1), dWin.past2500ms)
	p("             whole run: %.0f checks, p50 <= %s, p90 <= %s, p99 <= %s, mean %.1f ms; %.4f %% at most 1 s; %.0f over 2.5 s",
		dAll.count, secs(dAll.p50), secs(dAll.p90), secs(dAll.p99), 1000*dAll.sum/max(dAll.count, 1), 100*dAll.underOne/max(dAll.count, 1), dAll.past2500ms)
	p("             buckets (window): %s", bucketLine(diffBuckets(scA.buckets, scB.buckets)))
	if ex, err := m.exactDelays(start.at, end.at); err != nil {
		p("             exact delays from the database: %v", err)
	} else {
		for _, line := range ex {
			p("             %s", line)
		}
	}
	p("/metrics     %d bytes; a scrape took %.2f s and %.2f s of Chief's CPU (first), %.2f s and %.2f s (second)",
		scB.bytes, scA.took.Seconds(), scA.cpu.Seconds(), scB.took.Seconds(), scB.cpu.Seconds())
	p("machine      load average (1 min) in the window: mean %.2f, max %.2f; TIME_WAIT sockets max %d", loadSum/max(float64(nWin), 1), loadMax, twMax)

	behind := win.late > 0 || win.monitorsMissing > 0 || rate < 0.99*expected
	p("")
	p("| target | measured | met? |")
	p("| --- | --- | --- |")
	p("| checks/s vs expected, no falling behind | %.1f/s vs %.1f/s (%.1f %%); longest gap between a monitor's checks %.3f s, %d gaps over %s; %d monitors unchecked | %s |",
		rate, expected, 100*rate/expected, win.gapMax.Seconds(), win.late, c.interval+lateSlack, win.monitorsMissing, yes(!behind))
	p("| every monitor checked within one interval of start-up | %d of %d first checked within %s of ready, %d within %s (latest %.3f s) | %s |",
		first.within, c.monitors, c.interval, first.withinSlack, c.interval+lateSlack, first.latest.Seconds(), firstVerdict(first, c.monitors))
	p("| CPU <= %.0f %% of one core (about %.0f µs per check) | %.2f %% (%.0f µs per check) | %s |",
		c.cpuTarget, c.cpuTarget/100*1e6/expected, cpuPct, usPerCheck, yes(cpuPct <= c.cpuTarget))
	p("| resident memory <= %.0f MB | max %.1f MB (VmHWM %.1f MB), end %.1f MB | %s |",
		c.rssTargetMB, float64(rssMax)/1024, float64(hwm)/1024, float64(end.rssKB)/1024, yes(float64(max(rssMax, hwm))/1024 <= c.rssTargetMB))
	p("| start delay p99 <= 1 s | window p99 <= %s, %.4f %% at most 1 s; whole run p99 <= %s | %s |",
		secs(dWin.p99), 100*dWin.underOne/max(dWin.count, 1), secs(dAll.p99), yes(dWin.p99 <= 1 && dAll.p99 <= 1))
	p("")
	p("RESULT checks_per_s=%.1f expected_per_s=%.1f late_gaps=%d max_gap_s=%.3f first_within=%d first_within_slack=%d cpu_pct=%.2f us_per_check=%.0f rss_max_kb=%d rss_end_kb=%d hwm_kb=%d delay_p99_le=%s delay_under_1s_pct=%.4f load1_mean=%.2f",
		rate, expected, win.late, win.gapMax.Seconds(), first.within, first.withinSlack, cpuPct, usPerCheck, rssMax, end.rssKB, hwm, secs(dWin.p99), 100*dWin.underOne/max(dWin.count, 1), loadSum/max(float64(nWin), 1))
	return nil
}

// spreadOffset is where in its interval a monitor first runs: a copy of
// offset in internal/reliability/scheduler.go (FNV-1a of the id's eight
// little-endian bytes, modulo the interval less a tenth, at most a second).
// The scheduler then moves that instant back onto its 100 ms grid, so the
// delays worked out from it include up to 100 ms of that rounding: an upper
// bound. If the spread changes, exactDelays notices negative delays.
func spreadOffset(id int64, interval time.Duration) time.Duration {
	interval -= min(interval/10, time.Second)
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(id >> (8 * i))
	}
	h.Write(b[:])
	return time.Duration(h.Sum64() % uint64(interval))
}

// exactDelays works out every check's start delay from the database: the
// scheduler plans monitor id at T0 + spreadOffset(id) + k*interval, T0
// being one instant at start-up, and check_results.at is the actual start
// in milliseconds. T0 is estimated as the earliest first check less its
// offset, which takes the least delayed first check as on time (at
// start-up nothing else runs, so that is within a millisecond or two).
func (m *measurement) exactDelays(start, end time.Time) ([]string, error) {
	type check struct {
		id, at int64
	}
	rows, err := m.db.Query(`SELECT monitor_id, at FROM check_results WHERE at < ?`, end.UnixMilli())
	if err != nil {
		return nil, err
	}
	var all []check
	firstAt := map[int64]int64{}
	for rows.Next() {
		var c check
		if err := rows.Scan(&c.id, &c.at); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, c)
		if f, ok := firstAt[c.id]; !ok || c.at < f {
			firstAt[c.id] = c.at
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	iv := m.c.interval.Seconds() * 1000
	t0 := math.Inf(1)
	for id, at := range firstAt {
		t0 = math.Min(t0, float64(at)-float64(spreadOffset(id, m.c.interval))/1e6)
	}
	type delayAt struct {
		at    int64
		delay float64 // ms
	}
	var win, run []float64
	var list []delayAt
	negative := 0
	for _, c := range all {
		x := float64(c.at) - t0 - float64(spreadOffset(c.id, m.c.interval))/1e6
		k := math.Floor((x + 100) / iv)
		d := x - k*iv
		if d < -2 {
			negative++
		}
		run = append(run, d)
		list = append(list, delayAt{c.at, d})
		if c.at >= start.UnixMilli() {
			win = append(win, d)
		}
	}
	if negative > len(all)/100 {
		return nil, fmt.Errorf("%d of %d checks would have started early: the scheduler's spread no longer matches spreadOffset", negative, len(all))
	}
	q := func(v []float64) string {
		if len(v) == 0 {
			return "none"
		}
		sort.Float64s(v)
		at := func(p float64) float64 { return v[min(len(v)-1, int(math.Ceil(p*float64(len(v))))-1)] }
		under := sort.SearchFloat64s(v, 1000.0000001)
		return fmt.Sprintf("%d checks, p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms; %.4f %% at most 1 s",
			len(v), at(0.5), at(0.9), at(0.99), at(0.999), v[len(v)-1], 100*float64(under)/float64(len(v)))
	}
	lines := []string{
		"exact delays (database, from the unrounded spread: include up to 100 ms of the scheduler's grid; about 1 ms resolution):",
		"  window:    " + q(win),
		"  whole run: " + q(run),
	}
	// Where the large delays were, by 5 s slice after ready.
	slices := map[int64][2]float64{} // slice -> (count over 1 s, max)
	for _, d := range list {
		sl := (d.at - m.ready.UnixMilli()) / 5000
		v := slices[sl]
		if d.delay > 1000 {
			v[0]++
		}
		v[1] = math.Max(v[1], d.delay)
		slices[sl] = v
	}
	var keys []int64
	for k, v := range slices {
		if v[1] > 250 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d-%d s: max %.2f s, %.0f over 1 s", k*5, k*5+5, slices[k][1]/1000, slices[k][0]))
	}
	if len(parts) > 0 {
		lines = append(lines, "  5 s slices after ready with a delay over 250 ms: "+strings.Join(parts, "; "))
	} else {
		lines = append(lines, "  no check started more than 250 ms late")
	}
	return lines, nil
}

// cpuSlices breaks the window's CPU into one line per interval, which shows
// the minute jobs (rollups, SLOs, reminders) against the steady cost.
func (m *measurement) cpuSlices(start, end time.Time) []string {
	var parts []string
	var prev *sample
	for i := range m.samples {
		s := &m.samples[i]
		if s.at.Before(start) || s.at.After(end) {
			continue
		}
		if prev != nil && (s.at.Sub(prev.at) >= m.c.interval || s.at.Equal(end)) {
			parts = append(parts, fmt.Sprintf("%.0f-%.0f s: %.1f %%", prev.at.Sub(m.ready).Seconds(), s.at.Sub(m.ready).Seconds(),
				pct(s.ticks-prev.ticks, s.at.Sub(prev.at), m.c.clkTck)))
			prev = s
		}
		if prev == nil {
			prev = s
		}
	}
	var lines []string
	for len(parts) > 0 {
		n := min(4, len(parts))
		lines = append(lines, strings.Join(parts[:n], "; "))
		parts = parts[n:]
	}
	return lines
}

func bucketLine(bs []bucket) string {
	var parts []string
	var prev float64
	for _, b := range bs {
		parts = append(parts, fmt.Sprintf("<=%s: %.0f", secs(b.le), b.count-prev))
		prev = b.count
	}
	return strings.Join(parts, ", ")
}

// firstVerdict: every monitor's first check within one interval; a first
// check planned inside the interval that starts up to the delay target late
// is reported as such rather than as a miss.
func firstVerdict(f firstChecks, monitors int) string {
	switch {
	case f.within == monitors:
		return "yes"
	case f.withinSlack == monitors:
		return fmt.Sprintf("yes within %s + %s start delay; %d of %d strictly", "one interval", lateSlack, f.within, monitors)
	}
	return "**no**"
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func secs(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64) + " s"
}

func pct(ticks int64, d time.Duration, clk float64) float64 {
	if d <= 0 {
		return 0
	}
	return 100 * float64(ticks) / clk / d.Seconds()
}

// statFields returns the fields of /proc/PID/stat after the command name.
func statFields(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, errors.New("unreadable /proc/PID/stat")
	}
	// Fields from 3 (state) on; utime is field 14, stime 15.
	return strings.Fields(s[i+1:]), nil
}

func cpuTicks(pid int) (int64, error) {
	total, _, err := cpuSplit(pid)
	return total, err
}

// cpuSplit returns utime+stime and stime of pid, in clock ticks.
func cpuSplit(pid int) (total, sys int64, err error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, 0, err
	}
	if len(f) < 13 {
		return 0, 0, errors.New("short /proc/PID/stat")
	}
	u, _ := strconv.ParseInt(f[14-3], 10, 64)
	s, _ := strconv.ParseInt(f[15-3], 10, 64)
	return u + s, s, nil
}

func memory(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rss, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return rss, hwm
}

func load1() float64 {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// timeWait is the number of TCP sockets in TIME_WAIT (IPv4), from
// /proc/net/sockstat.
func timeWait() int64 {
	b, _ := os.ReadFile("/proc/net/sockstat")
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "TCP:"); ok {
			f := strings.Fields(rest)
			for i := 0; i+1 < len(f); i++ {
				if f[i] == "tw" {
					v, _ := strconv.ParseInt(f[i+1], 10, 64)
					return v
				}
			}
		}
	}
	return 0
}

func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("-url %q: want http://127.0.0.1:PORT", raw)
	}
	if !strings.HasPrefix(u.Hostname(), "127.") && u.Hostname() != "::1" && u.Hostname() != "localhost" {
		return fmt.Errorf("-url %q: only loopback addresses are allowed", raw)
	}
	return nil
}
