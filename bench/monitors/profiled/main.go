// Command profiled is chief with net/http/pprof on a second loopback
// listener, for profiling the monitors benchmark (chief itself exposes no
// profiling endpoint). It runs the same command line as chief; the pprof
// listener takes CHIEF_PPROF_ADDR (default 127.0.0.1:0) and prints
// "pprof on http://ADDR" on standard error.
//
//	CHIEF_PPROF_ADDR=127.0.0.1:6060 profiled serve --data D --addr 127.0.0.1:0
//	go tool pprof -top 'http://127.0.0.1:6060/debug/pprof/profile?seconds=60'
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux, which only this listener serves
	"os"
	"os/signal"
	"syscall"

	"github.com/chief-hq/chief/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	addr := os.Getenv("CHIEF_PPROF_ADDR")
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(os.Stderr, "profiled: CHIEF_PPROF_ADDR %q: want a loopback host:port\n", addr)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profiled:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "pprof on http://%s\n", ln.Addr())
	go http.Serve(ln, http.DefaultServeMux)
	if err := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "chief:", err)
		os.Exit(1)
	}
}
