package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/db"
)

func (a *app) backupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the SQLite database while Chief runs",
		Long: `Write a consistent copy of the SQLite database to FILE, which must not
exist. The server may keep running. For PostgreSQL use pg_dump.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				if err := d.Backup(ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "Backed up %s to %s.\n", d.Path, args[0])
				return nil
			})
		},
	}
	addDatabaseFlags(cmd.Flags())
	return cmd
}
