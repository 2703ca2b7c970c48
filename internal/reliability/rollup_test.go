package reliability

import (
	"math"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestPlanCutsSpans(t *testing.T) {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	h := func(hours float64) time.Time { return day.Add(time.Duration(hours * float64(time.Hour))) }
	cases := []struct {
		name                    string
		from, to, hourly, daily time.Time
		horizon                 time.Time
		want                    []piece
	}{
		{"all raw before any rollup", h(1.5), h(3.25), time.Time{}, time.Time{}, h(-100),
			[]piece{{fromRaw, h(1.5), h(3.25)}}},
		{"hours rolled up, raw edges", h(1.5), h(5.25), h(4), time.Time{}, h(-100),
			[]piece{{fromHourly, h(2), h(4)}, {fromRaw, h(1.5), h(2)}, {fromRaw, h(4), h(5.25)}}},
		{"pruned start read from the hour", h(1.5), h(5.25), h(5), time.Time{}, h(3),
			[]piece{{fromHourly, h(1), h(5)}, {fromRaw, h(5), h(5.25)}}},
		{"days then hours then raw", h(-47.5), h(26.5), h(26), h(24), h(-100),
			[]piece{{fromDaily, h(-24), h(24)}, {fromHourly, h(-47), h(-24)}, {fromRaw, h(-47.5), h(-47)}, {fromHourly, h(24), h(26)}, {fromRaw, h(26), h(26.5)}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := plan(c.from, c.to, c.hourly, c.daily, c.horizon)
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i].src != c.want[i].src || !got[i].from.Equal(c.want[i].from) || !got[i].to.Equal(c.want[i].to) {
					t.Fatalf("piece %d: got %v, want %v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestHistQuantilesAndEncoding(t *testing.T) {
	var h Hist
	for i := 1; i <= 1000; i++ {
		h.Add(time.Duration(i) * time.Millisecond)
	}
	for _, q := range []float64{0.5, 0.95, 0.99} {
		want := q * 1000
		got := float64(h.Quantile(q).Milliseconds())
		if math.Abs(got-want)/want > 0.10 {
			t.Errorf("p%.0f: got %.0f ms, want within 10%% of %.0f ms", q*100, got, want)
		}
	}
	under := h.Under(250 * time.Millisecond)
	if math.Abs(under-250)/250 > 0.10 {
		t.Errorf("under 250 ms: got %.1f, want within 10%% of 250", under)
	}
	var back Hist
	back.UnmarshalBinary(h.MarshalBinary())
	if back != h {
		t.Fatal("got a different histogram after encoding and decoding")
	}
	var steady Hist
	for i := 0; i < 120; i++ {
		steady.Add(time.Duration(20+i%5) * time.Millisecond)
	}
	if n := len(steady.MarshalBinary()); n > 12 {
		t.Errorf("got %d bytes for an hour of a steady service, want at most 12", n)
	}
}

func TestRollupsMatchRawResults(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout")
		a := mustMonitor(t, s, httpMonitor("a", "checkout"))
		b := mustMonitor(t, s, httpMonitor("b", "checkout"))
		r := newTestRecorder(t, s)
		t0 := time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC)
		var batch []Result
		wantGood, wantBad := map[int64]int64{}, map[int64]int64{}
		for i := 0; i < 6*120; i++ { // six hours, every 30 s
			at := t0.Add(time.Duration(i) * 30 * time.Second)
			for _, m := range []Monitor{a, b} {
				ok := (i+int(m.ID))%17 != 0
				batch = append(batch, result(m, at, ok, time.Duration(10+i%40)*time.Millisecond))
				if ok {
					wantGood[m.ID]++
				} else {
					wantBad[m.ID]++
				}
			}
		}
		feed(t, r, batch...)
		now := t0.Add(6*time.Hour + 10*time.Minute)
		s.now = func() time.Time { return now }
		if err := s.Rollup(testCtx, now); err != nil {
			t.Fatal(err)
		}
		if err := s.Rollup(testCtx, now); err != nil { // a repeat changes nothing
			t.Fatal(err)
		}
		hourly, daily, _ := s.progress(testCtx)
		if !hourly.Equal(t0.Add(6*time.Hour)) || !daily.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("got progress hourly %s daily %s, want 03:00 and 00:00 on the 28th", hourly, daily)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM check_hourly`); n != 12 {
			t.Fatalf("got %d hourly rows, want 12", n)
		}
		if n := count(t, d, `SELECT SUM(good + bad) FROM check_daily`); n != 3*120*2 {
			t.Fatalf("got %d checks in the daily rollup of the 27th, want 720 (3 hours of 2 monitors)", n)
		}
		for _, split := range []time.Time{t0, t0.Add(90 * time.Minute)} {
			c, err := s.Counts(testCtx, []int64{a.ID, b.ID}, split, now, true)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := s.rawCounts(split, now, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c[a.ID].Good != raw.Good || c[a.ID].Bad != raw.Bad {
				t.Fatalf("from %s: got %d/%d from rollups, want %d/%d as the raw results say", split, c[a.ID].Good, c[a.ID].Bad, raw.Good, raw.Bad)
			}
			if c[a.ID].Hist.Count() != raw.Good {
				t.Fatalf("got %d latencies, want one per good check (%d)", c[a.ID].Hist.Count(), raw.Good)
			}
		}
		total, _ := s.Counts(testCtx, []int64{a.ID, b.ID}, t0, now, false)
		for _, m := range []Monitor{a, b} {
			if total[m.ID].Good != wantGood[m.ID] || total[m.ID].Bad != wantBad[m.ID] {
				t.Fatalf("monitor %s: got %d/%d, want %d/%d", m.Name, total[m.ID].Good, total[m.ID].Bad, wantGood[m.ID], wantBad[m.ID])
			}
		}
		// Pruning drops raw results the rollups hold; counts stay the same.
		later := now.Add(RawRetention)
		s.now = func() time.Time { return later }
		if err := s.Rollup(testCtx, later); err != nil {
			t.Fatal(err)
		}
		n, err := s.Prune(testCtx, later, RawRetention)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 || count(t, d, `SELECT COUNT(*) FROM check_results`) != 0 {
			t.Fatalf("pruned %d rows, %d left; want all raw results gone", n, count(t, d, `SELECT COUNT(*) FROM check_results`))
		}
		after, _ := s.Counts(testCtx, []int64{a.ID, b.ID}, t0, now, false)
		if after[a.ID].Good != wantGood[a.ID] || after[b.ID].Bad != wantBad[b.ID] {
			t.Fatalf("got %+v after pruning, want the same counts", after[a.ID])
		}
	})
}

// rawCounts counts raw results directly, as the reference for rollups.
func (s *Store) rawCounts(from, to time.Time, id int64) (Counts, error) {
	var c Counts
	err := s.db.QueryRow(testCtx, `SELECT COALESCE(SUM(CASE WHEN ok THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN ok THEN 0 ELSE 1 END), 0)
		FROM check_results WHERE monitor_id = $1 AND at >= $2 AND at < $3`, id, from.UnixMilli(), to.UnixMilli()).Scan(&c.Good, &c.Bad)
	return c, err
}

func TestRollupOfAnHourWithOnlyFailures(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout")
		m := mustMonitor(t, s, httpMonitor("down-all-hour", "checkout"))
		r := newTestRecorder(t, s)
		t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
		feed(t, r, result(m, t0, false, 0), result(m, t0.Add(time.Minute), false, 0))
		if err := s.Rollup(testCtx, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT bad FROM check_hourly WHERE monitor_id = $1`, m.ID); n != 2 {
			t.Fatalf("got %d bad checks rolled up, want 2", n)
		}
	})
}
