package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

func (a *app) importCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "import", Short: "Import records from other tools"}
	backstage := &cobra.Command{
		Use:   "backstage PATH...",
		Short: "Import Backstage descriptor files and folders into the catalog",
		Long: `Import Backstage catalog descriptors (catalog-info.yaml and the like). A
folder is read for every .yaml and .yml file in it. Location entities are
followed to relative targets; URL targets are never fetched and are listed
as skipped. Entities are upserted by kind, namespace and name, so importing
the same files again changes nothing. Entities that were imported from the
same PATH before and are gone now are marked orphaned, not deleted. Invalid
entities are reported with file and line and skipped.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			strict, _ := cmd.Flags().GetBool("strict")
			roots := make([]string, len(args))
			for i, p := range args {
				abs, err := filepath.Abs(p)
				if err != nil {
					return err
				}
				roots[i] = strings.TrimPrefix(filepath.ToSlash(abs), "/")
			}
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				res, err := catalog.NewStore(d).Import(ctx, os.DirFS("/"), roots, catalog.ImportOptions{
					LocationPrefix: "file:/",
					Progress:       a.progress("entities"),
				})
				if err != nil {
					return err
				}
				a.report(res)
				// Descriptors declare technologies in tags and the
				// chief.dev/technologies annotation: link them on the radar.
				if err := a.syncUsage(ctx, d); err != nil {
					return err
				}
				if strict && len(res.Problems) > 0 {
					return fmt.Errorf("%d problem(s); valid entities were imported", len(res.Problems))
				}
				return nil
			})
		},
	}
	backstage.Flags().Bool("strict", false, "exit with an error when any entity or file was skipped")
	addDatabaseFlags(backstage.Flags())
	cmd.AddCommand(backstage, a.importMonitorsCmd(), a.importGatusCmd(), a.importGitCmd())
	cmd.AddCommand(a.importRadarCmd(), a.importADRCmd(), a.importUsageCmd())
	return cmd
}

// progress returns a callback that prints how far a long job is, at most
// twice a second, to standard error.
func (a *app) progress(what string) func(done int) {
	start := time.Now()
	last := time.Now()
	return func(done int) {
		if time.Since(last) < 500*time.Millisecond {
			return
		}
		last = time.Now()
		fmt.Fprintf(a.stderr, "  %d %s written (%s)\n", done, what, time.Since(start).Round(100*time.Millisecond))
	}
}

func (a *app) report(res catalog.ImportResult) {
	fmt.Fprintf(a.stdout, "Read %d file(s): %d entities; %d created, %d updated, %d unchanged, %d orphaned.\n",
		res.Files, res.Entities, res.Created, res.Updated, res.Unchanged, res.Orphaned)
	if len(res.Problems) > 0 {
		fmt.Fprintf(a.stdout, "Skipped %d:\n", len(res.Problems))
		for _, p := range res.Problems {
			// Paths are relative to "/" inside the importer; show them whole.
			p.File = "/" + p.File
			fmt.Fprintf(a.stdout, "  %s\n", p)
		}
	}
	if len(res.Remote) > 0 {
		fmt.Fprintf(a.stdout, "Not fetched (remote, Chief never downloads): %d\n", len(res.Remote))
		for _, r := range res.Remote {
			fmt.Fprintf(a.stdout, "  %s\n", r)
		}
	}
}

func (a *app) exportCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "export", Short: "Export records in other tools' formats"}
	backstage := &cobra.Command{
		Use:   "backstage [--out DIR]",
		Short: "Write the catalog as Backstage descriptor files",
		Long: `Write the catalog as Backstage descriptors: one file per kind and a
catalog-info.yaml Location that lists them. Importing that file into an
empty catalog gives the same entities back.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out, _ := cmd.Flags().GetString("out")
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				files, err := catalog.NewStore(d).Export(ctx)
				if err != nil {
					return err
				}
				if err := os.MkdirAll(out, 0o755); err != nil {
					return err
				}
				for _, f := range files {
					if err := os.WriteFile(filepath.Join(out, f.Name), f.Data, 0o644); err != nil {
						return err
					}
				}
				fmt.Fprintf(a.stdout, "Wrote %d file(s) to %s; import %s to load them.\n", len(files), out, filepath.Join(out, catalog.ExportRoot))
				return nil
			})
		},
	}
	backstage.Flags().String("out", "catalog-export", "folder to write the files to")
	addDatabaseFlags(backstage.Flags())
	cmd.AddCommand(backstage)
	cmd.AddCommand(a.exportRadarCmd(), a.exportADRCmd())
	return cmd
}
