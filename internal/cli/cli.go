// Package cli is Chief's command line: serve, migrate, user, token, import,
// export, backup and version.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/user"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// Version is set at build time with -ldflags "-X .../cli.Version=v1.2.3".
var Version = ""

// app carries what every command needs: the process's outside world.
type app struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// Run runs the command line in args (without the program name). It returns
// when the command finishes or, for serve, when ctx is cancelled.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	a := &app{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "chief",
		Short:         "Chief runs a company's technology: catalog, reliability, delivery, security, people, strategy, budget",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("config", "", "YAML config file (env CHIEF_CONFIG); flags and CHIEF_* variables override it")
	root.PersistentFlags().String("log-level", "info", "debug, info, warn or error (env CHIEF_LOG_LEVEL)")
	root.PersistentFlags().String("log-format", "text", "text or json (env CHIEF_LOG_FORMAT)")
	root.AddCommand(a.serveCmd(), a.migrateCmd(), a.userCmd(), a.tokenCmd(), a.importCmd(), a.exportCmd(), a.backupCmd(), a.versionCmd(),
		a.checkCmd(), a.monitorsCmd(), a.incidentsCmd(), a.deployCmd(), a.doraCmd())
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}

func (a *app) logger(c Config) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(a.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(a.stderr, opts))
}

// openDB opens and migrates the database the configuration names.
func openDB(ctx context.Context, c Config) (*db.DB, error) {
	d, err := db.Open(ctx, c.Data, c.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return d, nil
}

// withDB resolves the configuration, opens the database and runs fn with a
// context whose audit actor is the person at the terminal.
func (a *app) withDB(cmd *cobra.Command, fn func(ctx context.Context, d *db.DB) error) error {
	c, err := a.loadConfig(cmd)
	if err != nil {
		return err
	}
	d, err := openDB(cmd.Context(), c)
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(audit.WithActor(cmd.Context(), audit.Actor{Name: "cli:" + a.osUser()}), d)
}

func (a *app) osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := a.getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

func version() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print Chief's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(a.stdout, "chief", version())
			return err
		},
	}
}
