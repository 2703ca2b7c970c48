// Command targets serves the loopback HTTP targets of the monitors
// benchmark: GET /t/{i} answers 200 with {"status":"UP"} at once (or after
// -delay), for any i. It listens on -ports ports of -host, so that the
// connections Chief opens afresh for every check spread over several
// destinations and their TIME_WAIT entries do not crowd one 4-tuple space.
// It runs as its own process so that its CPU is not counted as Chief's.
//
//	targets -ports 4          # prints: Targets listening on 127.0.0.1:P1,127.0.0.1:P2,...
//
// On SIGINT or SIGTERM it stops and prints how many requests it answered.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
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
		fmt.Fprintln(os.Stderr, "targets:", err)
		os.Exit(1)
	}
}

// body is what a healthy target answers; the benchmark's monitors check
// [BODY].status == UP on it.
var body = []byte(`{"status":"UP"}`)

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("targets", flag.ContinueOnError)
	host := fs.String("host", "127.0.0.1", "loopback address to listen on")
	ports := fs.Int("ports", 4, "how many ports to listen on (each picked by the kernel)")
	delay := fs.Duration("delay", 0, "wait this long before answering, to stand in for a slower service")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if ip := net.ParseIP(*host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-host %q: only loopback addresses are allowed", *host)
	}
	if *ports < 1 || *ports > 64 {
		return fmt.Errorf("-ports %d: want 1 to 64", *ports)
	}

	var served atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /t/{i}", func(w http.ResponseWriter, r *http.Request) {
		if *delay > 0 {
			time.Sleep(*delay)
		}
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})

	var (
		addrs []string
		srvs  []*http.Server
		wg    sync.WaitGroup
		errc  = make(chan error, *ports)
	)
	for range *ports {
		ln, err := net.Listen("tcp", net.JoinHostPort(*host, "0"))
		if err != nil {
			for _, s := range srvs {
				s.Close()
			}
			return err
		}
		addrs = append(addrs, ln.Addr().String())
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second}
		srvs = append(srvs, srv)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	fmt.Fprintf(stdout, "Targets listening on %s\n", strings.Join(addrs, ","))

	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range srvs {
		s.Shutdown(shutdown)
	}
	wg.Wait()
	fmt.Fprintf(stdout, "Targets answered %d requests\n", served.Load())
	return err
}
