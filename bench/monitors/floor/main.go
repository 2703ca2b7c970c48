// Command floor measures what one HTTP check on a fresh connection costs
// at the least on this machine, outside Chief, to put Chief's CPU per check
// in proportion. It sends -rate GET requests per second to the targets for
// -d, each on a new TCP connection, under a semaphore of -conc like
// Chief's scheduler, in one of two ways:
//
//   - http: net/http with the transport settings of Chief's HTTP probe
//     (keep-alives off, no proxy) and an httptrace.ClientTrace, reading the
//     whole body;
//   - raw: net.Dialer, one write of the request, reads until the server
//     closes, a look at the status line; no net/http at all;
//   - keepalive: as http but with keep-alives on, so connections are
//     reused (what checks would cost if they did not open one each time).
//
// With -burst, requests start in bursts every -burst (the same rate
// overall) instead of one every 1/rate: a mostly idle process pays for
// every wake-up, and a burst shares one among many requests.
//
// It prints the process's CPU (getrusage: user and system) per request.
//
//	floor -targets 127.0.0.1:4001,127.0.0.1:4002 -mode both -d 30s
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	targets := fs.String("targets", "", "comma-separated loopback host:port list the targets program printed")
	rate := fs.Float64("rate", 10000.0/30, "requests per second")
	dur := fs.Duration("d", 30*time.Second, "how long to send, per mode")
	conc := fs.Int("conc", 256, "requests in flight at most")
	burst := fs.Duration("burst", 0, "start requests in bursts this far apart instead of evenly (0: evenly)")
	mode := fs.String("mode", "both", "http, raw, keepalive, both (http and raw) or all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var addrs []string
	for _, a := range strings.Split(*targets, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		host, _, err := net.SplitHostPort(a)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("-targets %q: only loopback host:port addresses are allowed", a)
		}
		addrs = append(addrs, a)
	}
	if len(addrs) == 0 || *rate <= 0 || *conc < 1 {
		return errors.New("-targets is empty, or -rate or -conc is not positive")
	}
	modes := []string{*mode}
	switch *mode {
	case "both":
		modes = []string{"http", "raw"}
	case "all":
		modes = []string{"http", "raw", "keepalive"}
	}
	for _, m := range modes {
		var check func(ctx context.Context, addr string, i int) error
		switch m {
		case "http":
			check = newHTTPCheck(false)
		case "keepalive":
			check = newHTTPCheck(true)
		case "raw":
			check = rawCheck
		default:
			return fmt.Errorf("-mode %q: use http, raw, keepalive, both or all", m)
		}
		if err := drive(ctx, stdout, m, check, addrs, *rate, *dur, *conc, *burst); err != nil {
			return err
		}
	}
	return nil
}

// drive sends requests at rate for d and reports the CPU they cost.
func drive(ctx context.Context, out io.Writer, name string, check func(context.Context, string, int) error,
	addrs []string, rate float64, d time.Duration, conc int, burst time.Duration) error {
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	var done, failed atomic.Int64
	var firstErr atomic.Value
	before := rusage()
	start := time.Now()
	step := time.Duration(float64(time.Second) / rate)
	for i := 0; ; i++ {
		at := time.Duration(i) * step
		if at >= d || ctx.Err() != nil {
			break
		}
		if burst > 0 {
			at = at.Truncate(burst)
		}
		if wait := time.Until(start.Add(at)); wait > 0 {
			time.Sleep(wait)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := check(cctx, addrs[i%len(addrs)], i)
			cancel()
			<-sem
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
			}
			done.Add(1)
		}()
	}
	wg.Wait()
	took := time.Since(start)
	after := rusage()
	n := done.Load()
	user, sys := after.user-before.user, after.sys-before.sys
	if burst > 0 {
		name += fmt.Sprintf(" (bursts every %s)", burst)
	}
	fmt.Fprintf(out, "%-4s %d requests (%d failed) in %.1f s = %.1f/s; CPU user %.2f s + system %.2f s = %.2f %% of one core; %.0f µs per request (%.0f user + %.0f system)\n",
		name, n, failed.Load(), took.Seconds(), float64(n)/took.Seconds(), user.Seconds(), sys.Seconds(),
		100*(user+sys).Seconds()/took.Seconds(), float64((user+sys).Microseconds())/float64(n),
		float64(user.Microseconds())/float64(n), float64(sys.Microseconds())/float64(n))
	if e := firstErr.Load(); e != nil {
		fmt.Fprintf(out, "     first error: %s\n", e)
	}
	return nil
}

type cpu struct{ user, sys time.Duration }

func rusage() cpu {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return cpu{time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())}
}

// newHTTPCheck is a check the way Chief's HTTP probe makes one; reuse
// turns keep-alives on.
func newHTTPCheck(reuse bool) func(context.Context, string, int) error {
	dialer := &net.Dialer{KeepAlive: -1}
	client := &http.Client{Transport: &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		TLSClientConfig:        &tls.Config{},
		DisableKeepAlives:      !reuse,
		MaxIdleConnsPerHost:    64,
		MaxResponseHeaderBytes: 64 << 10,
	}}
	return func(ctx context.Context, addr string, i int) error {
		var mu sync.Mutex
		var connected time.Duration
		begin := time.Now()
		trace := &httptrace.ClientTrace{
			ConnectDone: func(string, string, error) { mu.Lock(); connected = time.Since(begin); mu.Unlock() },
			GotFirstResponseByte: func() {
				mu.Lock()
				_ = connected
				mu.Unlock()
			},
		}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, fmt.Sprintf("http://%s/t/%d", addr, i), nil)
		if err != nil {
			return err
		}
		req.Header.Set("User-Agent", "Chief-Probe/1")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"UP"`)) {
			return fmt.Errorf("got %d %q", resp.StatusCode, body)
		}
		return nil
	}
}

var rawDialer = &net.Dialer{KeepAlive: -1}

// rawCheck is the least a check on a fresh connection can do.
func rawCheck(ctx context.Context, addr string, i int) error {
	conn, err := rawDialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	req := fmt.Sprintf("GET /t/%d HTTP/1.1\r\nHost: %s\r\nUser-Agent: Chief-Probe/1\r\nConnection: close\r\n\r\n", i, addr)
	if _, err := io.WriteString(conn, req); err != nil {
		return err
	}
	var buf [4096]byte
	n := 0
	for n < len(buf) {
		m, err := conn.Read(buf[n:])
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if !bytes.HasPrefix(buf[:n], []byte("HTTP/1.1 200 ")) || !bytes.Contains(buf[:n], []byte(`"UP"`)) {
		return fmt.Errorf("got %q", buf[:min(n, 80)])
	}
	return nil
}
