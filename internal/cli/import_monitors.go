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
	"github.com/chief-hq/chief/internal/reliability"
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
			abs, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			f, err := os.Open(abs)
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
