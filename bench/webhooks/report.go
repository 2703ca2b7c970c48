package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// report prints what the run measured. A delivery counts as acknowledged
// when it was answered 2xx; the rate counts those answered within the run
// (-d). Latency is from sending the request to the end of the answer.
func report(w io.Writer, c loadConfig, all []result, samples []procSample, ownCPU time.Duration, cutOff int64) {
	type tally struct{ sent, ok200, ok202, failed, late, bytes int }
	per := make([]tally, len(eventNames))
	statuses := map[int]int{}
	var lat []time.Duration
	const bucket = 10 * time.Second
	buckets := make([]int, int(math.Ceil(float64(c.duration)/float64(bucket))))
	acked, errors := 0, 0
	for _, r := range all {
		t := &per[r.event]
		t.sent++
		t.bytes += r.bytes
		done := r.start + r.latency
		switch {
		case r.status/100 == 2 && done <= c.duration:
			acked++
			lat = append(lat, r.latency)
			buckets[min(int(done/bucket), len(buckets)-1)]++
			if r.status == 200 {
				t.ok200++
			} else {
				t.ok202++
			}
		case r.status/100 == 2:
			t.late++ // acknowledged after the end of the run
		case done > c.duration:
			t.late++ // in flight when the run ended (and chief was killed)
		default:
			t.failed++
			errors++
			statuses[r.status]++
		}
	}
	secs := c.duration.Seconds()
	fmt.Fprintf(w, "Sent %d deliveries from %d clients over %s; %d acknowledged (2xx) within it: %.1f events/s. Errors within the run: %d %v (status 0 = no answer).\n",
		len(all), c.clients, c.duration, acked, float64(acked)/secs, errors, statuses)
	fmt.Fprintf(w, "In flight when the run ended: %d (with -kill these got no answer or an answer after the kill; they are not counted).\n", cutOff)
	fmt.Fprintln(w, "event              sent   200    202    failed  after-end  mean body")
	for i, t := range per {
		fmt.Fprintf(w, "%-17s %6d %6d %6d %7d %10d %8.1f KB\n", eventNames[i], t.sent, t.ok200, t.ok202, t.failed, t.late,
			float64(t.bytes)/float64(max(t.sent, 1))/1024)
	}
	slices.Sort(lat)
	q := func(p float64) string {
		if len(lat) == 0 {
			return "-"
		}
		i := int(math.Ceil(p*float64(len(lat)))) - 1
		return fmt.Sprintf("%.1f", float64(lat[max(0, min(i, len(lat)-1))].Microseconds())/1000)
	}
	fmt.Fprintf(w, "Latency of acknowledged deliveries (ms): p50 %s, p95 %s, p99 %s, max %s\n", q(0.50), q(0.95), q(0.99), q(1))
	fmt.Fprint(w, "Acknowledged per second, by 10 s of the run:")
	for i, n := range buckets {
		width := min(bucket, c.duration-time.Duration(i)*bucket).Seconds()
		fmt.Fprintf(w, " %.0f", float64(n)/width)
	}
	fmt.Fprintln(w)
	cpuPct, rssMB, hwmMB := math.NaN(), math.NaN(), math.NaN()
	if len(samples) >= 2 {
		first, last := samples[0], samples[len(samples)-1]
		cpuPct = (last.ticks - first.ticks) / c.clkTck / last.at.Sub(first.at).Seconds() * 100
		rssMB, hwmMB = float64(last.rssKB)/1024, float64(last.hwmKB)/1024
		fmt.Fprint(w, "Chief CPU (% of one core), by 10 s of the run:")
		for i := 0; i < len(samples)-1; i += 10 {
			j := min(i+10, len(samples)-1)
			fmt.Fprintf(w, " %.0f", (samples[j].ticks-samples[i].ticks)/c.clkTck/samples[j].at.Sub(samples[i].at).Seconds()*100)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "Chief: CPU %.0f %% of one core over the run (2 cores = 200 %%); RSS %.0f MB at the end, peak %.0f MB.\n", cpuPct, rssMB, hwmMB)
	}
	fmt.Fprintf(w, "Load generator: CPU %.0f %% of one core over the run.\n", ownCPU.Seconds()/secs*100)
	fmt.Fprintf(w, "RESULT events_per_s=%.1f acked=%d errors=%d p50_ms=%s p95_ms=%s p99_ms=%s chief_cpu_pct=%.0f chief_rss_mb=%.0f chief_peak_rss_mb=%.0f loadgen_cpu_pct=%.0f\n",
		float64(acked)/secs, acked, errors, q(0.5), q(0.95), q(0.99), cpuPct, rssMB, hwmMB, ownCPU.Seconds()/secs*100)
}
