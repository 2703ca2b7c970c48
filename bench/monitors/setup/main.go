// Command setup writes the input files of the monitors benchmark: a
// Backstage descriptor file with one owning Group and -components
// Components, and a monitors file with -monitors HTTP monitors spread over
// those components, each checking http://ADDR/t/{i} on one of the loopback
// addresses -targets lists (round robin) with
//
//	[STATUS] == 200
//	[BODY].status == UP
//
//	setup -targets 127.0.0.1:4001,127.0.0.1:4002 -out /tmp/mon
//	chief import backstage /tmp/mon/catalog.yaml --data D
//	chief import monitors /tmp/mon/monitors.yaml --data D
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "setup:", err)
		os.Exit(1)
	}
}

func run(_ context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	monitors := fs.Int("monitors", 10000, "number of HTTP monitors")
	components := fs.Int("components", 100, "number of components the monitors are spread over")
	interval := fs.Duration("interval", 30*time.Second, "interval of every monitor")
	targets := fs.String("targets", "", "comma-separated loopback host:port list the targets program printed")
	out := fs.String("out", "", "folder to write catalog.yaml and monitors.yaml to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *monitors < 1 || *components < 1 || *out == "" {
		return fmt.Errorf("-monitors and -components must be positive and -out given")
	}
	var addrs []string
	for _, a := range strings.Split(*targets, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		host, _, err := net.SplitHostPort(a)
		if err != nil {
			return fmt.Errorf("-targets %q: %v", a, err)
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("-targets %q: only loopback addresses are allowed", a)
		}
		addrs = append(addrs, a)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("-targets is empty")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(*out, "catalog.yaml"), func(w *bufio.Writer) {
		fmt.Fprint(w, "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: bench-team\nspec:\n  type: team\n  children: []\n")
		for c := range *components {
			fmt.Fprintf(w, "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: %s\n"+
				"spec:\n  type: service\n  lifecycle: production\n  owner: group:bench-team\n", componentName(c))
		}
	}); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(*out, "monitors.yaml"), func(w *bufio.Writer) {
		fmt.Fprintln(w, "monitors:")
		for i := range *monitors {
			fmt.Fprintf(w, "  - name: mon-%05d\n    entity: component:default/%s\n    type: http\n    target: http://%s/t/%d\n"+
				"    interval: %s\n    conditions:\n      - \"[STATUS] == 200\"\n      - \"[BODY].status == UP\"\n",
				i, componentName(i%*components), addrs[i%len(addrs)], i, interval.String())
		}
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s: 1 group, %d components; %s: %d http monitors every %s over %d target address(es).\n",
		filepath.Join(*out, "catalog.yaml"), *components, filepath.Join(*out, "monitors.yaml"), *monitors, interval, len(addrs))
	return nil
}

func componentName(i int) string { return fmt.Sprintf("svc-%03d", i) }

func writeFile(path string, fill func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
