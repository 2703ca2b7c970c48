package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/db"
)

func (a *app) migrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate [status|up]",
		Short: "Show or apply database migrations (serve applies them too)",
		Long: `Show which schema migrations are applied (status, the default) or apply
the pending ones (up). Each migration runs in its own transaction.`,
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: []string{"status", "up"},
		RunE: func(cmd *cobra.Command, args []string) error {
			action := "status"
			if len(args) == 1 {
				action = args[0]
			}
			if action != "status" && action != "up" {
				return fmt.Errorf("unknown migrate action %q: use status or up", action)
			}
			c, err := a.loadConfig(cmd)
			if err != nil {
				return err
			}
			d, err := db.Open(cmd.Context(), c.Data, c.DatabaseURL)
			if err != nil {
				return err
			}
			defer d.Close()
			if action == "up" {
				n, err := d.Migrate(cmd.Context())
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "Applied %d migration(s).\n", n)
				return nil
			}
			return a.migrationStatus(cmd.Context(), d)
		},
	}
	addDatabaseFlags(cmd.Flags())
	return cmd
}

func (a *app) migrationStatus(ctx context.Context, d *db.DB) error {
	ms, err := d.Migrations(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "VERSION\tNAME\tAPPLIED (%s)\n", d.Dialect)
	for _, m := range ms {
		applied := "pending"
		if m.AppliedAt != nil {
			applied = m.AppliedAt.Format("2006-01-02 15:04:05 UTC")
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\n", m.Version, m.Name, applied)
	}
	return tw.Flush()
}
