package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/reliability"
	"github.com/chief-hq/chief/internal/reliability/gatus"
)

func (a *app) importMonitorsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "monitors FILE",
		Short: "Create or update monitors from a YAML file kept in a repository",
		Long: `Make Chief's monitors match FILE, a YAML document with a monitors: list (the
format is in docs/reliability.md). Monitors new in the file are created,
changed ones updated, and monitors this file created before that are gone
from it are deleted. Importing the same file again changes nothing. Any
invalid monitor stops the import before anything changes, with the file,
line and field at fault.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			abs, f, err := openAbs(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			list, err := reliability.ParseMonitorsFile(f, filepath.Base(abs))
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				res, err := reliability.NewStore(d, catalog.NewStore(d)).ImportMonitors(ctx, list, "file:"+abs)
				if err != nil {
					return err
				}
				a.reportMonitors(res)
				return nil
			})
		},
	}
	addDatabaseFlags(cmd.Flags())
	return cmd
}

func (a *app) reportMonitors(res reliability.ImportResult) {
	fmt.Fprintf(a.stdout, "Monitors: %d created, %d updated, %d unchanged, %d deleted.\n",
		len(res.Created), len(res.Updated), len(res.Unchanged), len(res.Deleted))
	for _, group := range []struct {
		what  string
		names []string
	}{{"created", res.Created}, {"updated", res.Updated}, {"deleted", res.Deleted}} {
		if len(group.names) > 0 {
			fmt.Fprintf(a.stdout, "  %s: %s\n", group.what, strings.Join(group.names, ", "))
		}
	}
}

func (a *app) importGatusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gatus FILE",
		Short: "Import a Gatus configuration's endpoints, alerts and alerting providers",
		Long: `Read a Gatus configuration file. Its endpoints become monitors (conditions,
intervals, alert thresholds carried over), each watching a component named
after its group (created if missing, owned by --owner); its slack, teams,
email and custom alerting providers become channels. Everything that could
not be carried over is listed with its line. Importing the same file again
changes nothing; monitors it created that are gone from the file are deleted.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			owner, _ := cmd.Flags().GetString("owner")
			abs, f, err := openAbs(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			res, err := gatus.Convert(f, filepath.Base(abs))
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				cat := catalog.NewStore(d)
				st := gatus.Stores{DB: d, Catalog: cat, Reliability: reliability.NewStore(d, cat), Channels: notify.NewStore(d)}
				out, err := gatus.Apply(ctx, st, res, "gatus:"+abs, owner)
				if err != nil {
					return err
				}
				if len(out.ComponentsCreated) > 0 {
					fmt.Fprintf(a.stdout, "Components created (owner %s): %s\n", owner, strings.Join(out.ComponentsCreated, ", "))
				}
				a.reportMonitors(out.Monitors)
				fmt.Fprintf(a.stdout, "Channels: %d created or changed", len(out.ChannelsChanged))
				if len(out.ChannelsChanged) > 0 {
					fmt.Fprintf(a.stdout, " (%s)", strings.Join(out.ChannelsChanged, ", "))
				}
				fmt.Fprintln(a.stdout, ".")
				if len(out.Skipped) > 0 {
					fmt.Fprintf(a.stdout, "Not carried over as in Gatus (%d):\n", len(out.Skipped))
					for _, s := range out.Skipped {
						where := filepath.Base(abs)
						if s.Line > 0 {
							where = fmt.Sprintf("%s:%d", where, s.Line)
						}
						fmt.Fprintf(a.stdout, "  %s: %s: %s\n", where, s.What, s.Why)
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().String("owner", "group:default/unknown", "owner of the components the import creates")
	addDatabaseFlags(cmd.Flags())
	return cmd
}

// openAbs opens a file named on the command line and returns its absolute
// path, which imports record as the origin of what they create.
func openAbs(name string) (string, *os.File, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", nil, err
	}
	f, err := os.Open(abs)
	return abs, f, err
}
