// Command load is a small closed-loop HTTP load generator for Chief's
// benchmarks. It runs -c clients, each sending GET requests one after the
// other for -d (and at most -n requests in all), records the latency of every
// request, and prints the count, errors, requests per second and the p50,
// p90, p99 and max latencies, overall and per path.
//
//	load -url http://127.0.0.1:8080 -token chief_... -c 50 -d 20s \
//	     -paths '/api/v1/entities?kind=component&lifecycle=production&limit=50'
//
// Authentication: -token sends "Authorization: Bearer TOKEN"; -cookie sends
// a chief_session cookie; -email with -password (or the CHIEF_BENCH_PASSWORD
// variable) signs in first with POST /login and uses the session it gets.
//
// Only loopback targets are accepted: load refuses any -url whose host is
// not 127.0.0.0/8, ::1 or localhost.
//
// With -startup, load instead measures start-up: it runs the command given
// after "--" (with {addr} replaced by a free loopback address) -runs times,
// and for each run measures the time from exec to the first 200 answer from
// /readyz, polled every -poll; it also reads startup_ms from the server's log.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "base URL of the server (loopback only)")
	token := flag.String("token", "", "API token, sent as Authorization: Bearer TOKEN")
	cookie := flag.String("cookie", "", "chief_session cookie value (or NAME=VALUE) to send")
	email := flag.String("email", "", "sign in with POST /login as this user first and send its session cookie")
	password := flag.String("password", "", "password for -email (default: $CHIEF_BENCH_PASSWORD)")
	conc := flag.Int("c", 50, "concurrent clients")
	dur := flag.Duration("d", 20*time.Second, "how long to send requests (recorded part)")
	warmup := flag.Duration("warmup", 0, "send requests for this long first without recording them")
	maxReq := flag.Int("n", 2_000_000, "stop after this many recorded requests in all")
	timeout := flag.Duration("timeout", 10*time.Second, "timeout of one request")
	paths := flag.String("paths", "/readyz", "comma-separated paths (with query) to GET; each client cycles through them")
	name := flag.String("name", "", "label printed on the RESULT line")
	startup := flag.Bool("startup", false, "measure start-up of the command after -- instead of sending load")
	runs := flag.Int("runs", 5, "with -startup: how many starts")
	poll := flag.Duration("poll", 5*time.Millisecond, "with -startup: how often to poll /readyz")
	flag.Parse()

	if *startup {
		if err := measureStartup(flag.Args(), *runs, *poll); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		return
	}
	if err := checkLoopback(*base); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	if *conc < 1 || *dur <= 0 || *maxReq < 1 {
		fmt.Fprintln(os.Stderr, "load: -c, -d and -n must be positive")
		os.Exit(2)
	}
	var list []string
	for _, p := range strings.Split(*paths, ",") {
		if p = strings.TrimSpace(p); p != "" {
			list = append(list, p)
		}
	}
	if len(list) == 0 {
		fmt.Fprintln(os.Stderr, "load: -paths is empty")
		os.Exit(2)
	}
	client := &http.Client{
		Timeout: *timeout,
		Transport: &http.Transport{
			MaxIdleConns:        *conc * 2,
			MaxIdleConnsPerHost: *conc * 2,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
		// A redirect (to /login, say) is an error here, not something to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	headers := http.Header{}
	if *token != "" {
		headers.Set("Authorization", "Bearer "+*token)
	}
	if *email != "" {
		pw := *password
		if pw == "" {
			pw = os.Getenv("CHIEF_BENCH_PASSWORD")
		}
		c, err := login(client, *base, *email, pw)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		*cookie = c
	}
	if *cookie != "" {
		if !strings.Contains(*cookie, "=") {
			*cookie = "chief_session=" + *cookie
		}
		headers.Set("Cookie", *cookie)
	}

	if *warmup > 0 {
		run(client, *base, list, headers, *conc, *warmup, *maxReq)
	}
	res := run(client, *base, list, headers, *conc, *dur, *maxReq)
	label := *name
	if label == "" {
		label = strings.Join(list, ",")
	}
	fmt.Printf("target %s, %d clients, %s (warm-up %s)\n", *base, *conc, *dur, *warmup)
	if len(list) > 1 {
		for i, p := range list {
			printStats("  "+p, res.byPath[i], res.elapsed)
		}
	}
	all := merge(res.byPath)
	printStats("all", all, res.elapsed)
	if len(res.sampleErrs) > 0 {
		fmt.Println("first errors:")
		for _, e := range res.sampleErrs {
			fmt.Println("  " + e)
		}
	}
	s := summarize(all, res.elapsed)
	fmt.Printf("RESULT name=%s count=%d errors=%d rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
		label, s.count, s.errors, s.rps, s.p50, s.p90, s.p99, s.max)
	if s.count == 0 || s.errors == s.count {
		os.Exit(1)
	}
}

// checkLoopback refuses any target that is not on this machine's loopback.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-url %q: want http://127.0.0.1:PORT", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %q: only loopback targets (127.0.0.0/8, ::1, localhost) are allowed", raw)
	}
	return nil
}

// login posts the sign-in form and returns the session cookie it sets.
func login(client *http.Client, base, email, password string) (string, error) {
	if password == "" {
		return "", errors.New("-email needs -password or CHIEF_BENCH_PASSWORD")
	}
	form := url.Values{"email": {email}, "password": {password}}
	resp, err := client.PostForm(strings.TrimRight(base, "/")+"/login", form)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign in as %s: got status %d, want 303", email, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "chief_session" && c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", errors.New("sign in: no chief_session cookie in the answer")
}

type sample struct {
	lat time.Duration
	err bool
}

type result struct {
	byPath     [][]sample
	elapsed    time.Duration
	sampleErrs []string
}

// run sends requests from conc clients until d has passed or maxReq
// requests were started, and returns every latency by path.
func run(client *http.Client, base string, paths []string, headers http.Header, conc int, d time.Duration, maxReq int) result {
	base = strings.TrimRight(base, "/")
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var started atomic.Int64
	var mu sync.Mutex
	res := result{byPath: make([][]sample, len(paths))}
	var wg sync.WaitGroup
	begin := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := make([][]sample, len(paths))
			var errs []string
			for i := w; ; i++ {
				if ctx.Err() != nil || started.Add(1) > int64(maxReq) {
					break
				}
				p := i % len(paths)
				t0 := time.Now()
				status, snippet, err := get(client, base+paths[p], headers)
				lat := time.Since(t0)
				if ctx.Err() != nil && err != nil {
					break // cut off by the end of the run: not counted
				}
				bad := err != nil || status != http.StatusOK
				if bad && len(errs) < 3 {
					if err != nil {
						errs = append(errs, fmt.Sprintf("%s: %v", paths[p], err))
					} else {
						errs = append(errs, fmt.Sprintf("%s: status %d: %s", paths[p], status, snippet))
					}
				}
				local[p] = append(local[p], sample{lat, bad})
			}
			mu.Lock()
			for p := range local {
				res.byPath[p] = append(res.byPath[p], local[p]...)
			}
			if len(res.sampleErrs) < 5 {
				res.sampleErrs = append(res.sampleErrs, errs...)
			}
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	res.elapsed = time.Since(begin)
	return res
}

// get sends one request and reads the whole answer. For an answer other
// than 200 it also returns the start of the body, to show what went wrong.
func get(client *http.Client, u string, headers http.Header) (int, string, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header = headers.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, strings.Join(strings.Fields(string(head)), " "), err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, "", err
}

func merge(parts [][]sample) []sample {
	var out []sample
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

type stats struct {
	count, errors           int
	rps, p50, p90, p99, max float64
}

// summarize computes latency percentiles (nearest rank, in ms) over every
// request, failed ones included.
func summarize(s []sample, elapsed time.Duration) stats {
	st := stats{count: len(s)}
	if len(s) == 0 {
		return st
	}
	lats := make([]time.Duration, len(s))
	for i, x := range s {
		lats[i] = x.lat
		if x.err {
			st.errors++
		}
	}
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	pct := func(p float64) float64 {
		k := int(p*float64(len(lats))+0.999999) - 1
		k = min(max(k, 0), len(lats)-1)
		return float64(lats[k].Microseconds()) / 1000
	}
	st.p50, st.p90, st.p99 = pct(0.50), pct(0.90), pct(0.99)
	st.max = float64(lats[len(lats)-1].Microseconds()) / 1000
	st.rps = float64(len(s)) / elapsed.Seconds()
	return st
}

func printStats(label string, s []sample, elapsed time.Duration) {
	st := summarize(s, elapsed)
	fmt.Printf("%s: count=%d errors=%d rps=%.1f p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms\n",
		label, st.count, st.errors, st.rps, st.p50, st.p90, st.p99, st.max)
}

var startupRe = regexp.MustCompile(`startup_ms=(\d+)|"startup_ms":(\d+)`)

// measureStartup starts the command runs times and measures the time from
// exec to the first 200 from /readyz.
func measureStartup(args []string, runs int, poll time.Duration) error {
	if len(args) == 0 {
		return errors.New("-startup: give the command after --, with {addr} where the listen address goes")
	}
	if runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var times []time.Duration
	var logged []string
	for i := 0; i < runs; i++ {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		argv := make([]string, len(args))
		for k, a := range args {
			argv[k] = strings.ReplaceAll(a, "{addr}", addr)
		}
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdout = io.Discard
		stderr, err := cmd.StderrPipe()
		if err != nil {
			return err
		}
		startupMS := make(chan string, 1)
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return err
		}
		go func() {
			sc := bufio.NewScanner(stderr)
			found := false
			for sc.Scan() {
				if m := startupRe.FindStringSubmatch(sc.Text()); m != nil && !found {
					found = true
					startupMS <- m[1] + m[2]
				}
			}
			if !found {
				startupMS <- "?"
			}
		}()
		ready := time.Duration(0)
		deadline := t0.Add(20 * time.Second)
		for time.Now().Before(deadline) {
			resp, err := client.Get("http://" + addr + "/readyz")
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					ready = time.Since(t0)
					break
				}
			}
			time.Sleep(poll)
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case <-waited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-waited
		}
		ms := <-startupMS
		if ready == 0 {
			return fmt.Errorf("run %d: /readyz did not answer 200 within 20 s", i+1)
		}
		times = append(times, ready)
		logged = append(logged, ms)
		fmt.Printf("run %d: ready after %.1f ms (server logged startup_ms=%s)\n", i+1, float64(ready.Microseconds())/1000, ms)
	}
	sorted := append([]time.Duration(nil), times...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	med := sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		med = (sorted[len(sorted)/2-1] + sorted[len(sorted)/2]) / 2
	}
	fmt.Printf("RESULT name=startup runs=%d median_ms=%.1f max_ms=%.1f min_ms=%.1f startup_ms_logged=%s\n", runs,
		float64(med.Microseconds())/1000, float64(sorted[len(sorted)-1].Microseconds())/1000,
		float64(sorted[0].Microseconds())/1000, strings.Join(logged, ","))
	return nil
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}
