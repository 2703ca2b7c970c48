package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/demo"
	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/reliability"
	"github.com/chief-hq/chief/internal/web"
)

func (a *app) serveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the web server and API",
		Long: `Run Chief's web pages and JSON API.

On first start with no users, serve prints a one-time link to create the
first admin. With --demo it loads a sample company into a fresh temporary
database (unless --data or --database-url is given) and prints the demo
admin's email and password.`,
		Args: cobra.NoArgs,
		RunE: a.serve,
	}
	cmd.Flags().String("addr", "127.0.0.1:8080", "address to listen on; port 0 picks a free one (env CHIEF_ADDR)")
	cmd.Flags().String("base-url", "", "public address of Chief for printed links (env CHIEF_BASE_URL)")
	cmd.Flags().Bool("demo", false, "load demo data and create a demo admin")
	cmd.Flags().Int("checks", 256, "most monitor checks in flight at once (env CHIEF_CHECKS)")
	cmd.Flags().String("raw-retention", "48h", "how long raw check results are kept; rollups keep the rest (env CHIEF_RAW_RETENTION)")
	addDatabaseFlags(cmd.Flags())
	return cmd
}

func (a *app) serve(cmd *cobra.Command, _ []string) error {
	started := time.Now()
	ctx := cmd.Context()
	c, err := a.loadConfig(cmd)
	if err != nil {
		return err
	}
	isDemo, _ := cmd.Flags().GetBool("demo")
	if isDemo && !cmd.Flags().Changed("data") && a.getenv("CHIEF_DATA") == "" && c.DatabaseURL == "" {
		dir, err := os.MkdirTemp("", "chief-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.Data = dir
	}
	log := a.logger(c)
	d, err := openDB(ctx, c)
	if err != nil {
		return err
	}
	defer d.Close()

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	base := c.BaseURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}

	opts := web.Options{DB: d, Logger: log, Version: version()}
	if isDemo {
		opts.Demo = demo.Targets(started)
	}
	srv, err := web.New(opts)
	if err != nil {
		ln.Close()
		return err
	}
	defer srv.Close()
	if isDemo {
		login, err := demo.Load(audit.WithActor(ctx, audit.Actor{Name: "demo"}), d)
		if err != nil {
			ln.Close()
			return fmt.Errorf("load demo data: %w", err)
		}
		// The radar goes in before the server answers: it is quick, and
		// its pages would otherwise be empty for a moment.
		if err := demo.LoadRadar(audit.WithActor(ctx, audit.Actor{Name: "demo"}), d, time.Now()); err != nil {
			ln.Close()
			return fmt.Errorf("load demo radar: %w", err)
		}
		fmt.Fprintf(a.stdout, "Demo data loaded: %s.\n", demo.Company)
		if login.Password != "" {
			fmt.Fprintf(a.stdout, "Sign in as %s with password %s\n", login.Email, login.Password)
		} else {
			fmt.Fprintf(a.stdout, "Demo admin %s exists already; sign in with the password printed when it was created.\n", login.Email)
		}
	}
	if secret, err := srv.SetupToken(ctx); err != nil {
		ln.Close()
		return err
	} else if secret != "" {
		fmt.Fprintf(a.stdout, "No users yet. Create the first admin at %s/setup?token=%s\n", base, secret)
	}

	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          nil,
	}
	// Start-up hashes passwords with argon2 (19 MiB each) and imports; give
	// that memory back before settling in, or an idle server keeps it.
	debug.FreeOSMemory()
	// The live heap of a server is small and its requests allocate a lot
	// (pages of descriptors), so collecting at every doubling costs a fifth
	// of the CPU under load. Collect at 4x instead, unless GOGC says
	// otherwise. A soft memory limit of 100 MiB keeps that growth in
	// bounds: with 10,000 monitors the heap would otherwise sit at 250 MB
	// between collections (docs/benchmarks.md). GOMEMLIMIT overrides it.
	if a.getenv("GOGC") == "" {
		debug.SetGCPercent(400)
		if a.getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(100 << 20)
		}
	}
	// Background work stops after HTTP: checks in flight finish and are
	// recorded, messages being sent are marked.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	var work sync.WaitGroup
	srv.Reliability().BaseURL = base
	engine := reliability.NewEngine(srv.Reliability(), reliability.EngineOptions{
		Logger: log, BaseURL: base, Registerer: srv.Registerer(), Concurrency: c.CheckConcurrency, RawRetention: c.RawRetentionD,
	})
	deliverer := notify.NewDeliverer(d, log)
	work.Add(2)
	go func() {
		defer work.Done()
		if isDemo {
			// The demo's monitors and their 90 days of history load while
			// the server already answers; checks start once they are in.
			if err := demo.LoadReliability(audit.WithActor(workCtx, audit.Actor{Name: "demo"}), d, base, time.Now()); err != nil {
				log.Error("load demo monitors", "err", err)
			}
			// Making 90 days of history leaves garbage an idle demo would
			// keep for a long time at GOGC 400: give it back now.
			debug.FreeOSMemory()
		}
		engine.Run(workCtx)
	}()
	go func() { defer work.Done(); deliverer.Run(workCtx) }()
	if isDemo {
		// A year of deployments, commits and failures for the Delivery
		// page, written beside the monitors' history.
		work.Add(1)
		go func() {
			defer work.Done()
			if err := demo.LoadDelivery(audit.WithActor(workCtx, audit.Actor{Name: "demo"}), d, time.Now()); err != nil && workCtx.Err() == nil {
				log.Error("load demo deliveries", "err", err)
			}
			if err := d.ShrinkMemory(workCtx); err != nil {
				log.Warn("shrink SQLite caches", "err", err)
			}
			debug.FreeOSMemory()
		}()
	}
	work.Add(1)
	go func() {
		defer work.Done()
		srv.Delivery().RunIncidentSync(workCtx, srv.Reliability(), time.Minute, log)
	}()

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	log.Info("ready", "addr", ln.Addr().String(), "database", string(d.Dialect), "startup_ms", time.Since(started).Milliseconds())
	fmt.Fprintf(a.stdout, "Chief is listening on %s\n", base)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	stopWork()
	work.Wait()
	log.Info("stopped")
	return nil
}
