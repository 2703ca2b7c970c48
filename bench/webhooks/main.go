// Command webhooks measures how many signed GitHub webhook deliveries a
// running `chief serve` stores per second, and checks that every delivery
// it acknowledged is on disk after the process is killed. bench/webhooks.sh
// runs it; see docs/benchmarks.md for the figures.
//
//	webhooks setup  -url http://127.0.0.1:PORT -token TOKEN     # component, source; prints the secret
//	webhooks load   -url ... -source bench-github -secret S -c 64 -d 60s -pid PID -kill -acks acks.tsv
//	webhooks verify -db DATA/chief.db -source bench-github -acks acks.tsv
//
// Everything talks to loopback addresses only.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "webhooks:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("want a command: setup, load or verify")
	}
	switch args[0] {
	case "setup":
		return setup(ctx, args[1:], stdout)
	case "load":
		return load(ctx, args[1:], stdout)
	case "verify":
		return verify(ctx, args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q: want setup, load or verify", args[0])
}
