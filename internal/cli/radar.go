package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/radar"
)

func newRadarStore(d *db.DB) *radar.Store { return radar.NewStore(d, catalog.NewStore(d)) }

func (a *app) importRadarCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "radar FILE",
		Short: "Import a technology radar: BYOR CSV or JSON, or a Zalando radar config",
		Long: `Read a ThoughtWorks Build Your Own Radar CSV (name,ring,quadrant,isNew,
description, optionally status) or JSON, or a Zalando tech-radar config.json,
and make the radar match it: technologies new in the file are added, others
updated, and a changed ring is recorded as a ring change citing the file.
Technologies not in the file are left alone. Quadrant and ring names match
without regard to case and punctuation ("Languages & Frameworks" is
"languages-and-frameworks"); Zalando entries refer to them by position.
Descriptions are kept as written, Markdown or HTML, and sanitized when shown.
If any entry cannot be used, nothing changes and every problem is listed by
line (CSV) or entry (JSON). Importing the same file again changes nothing.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := radar.ParseFormat(radarFlag(cmd, "format"))
			if err != nil {
				return err
			}
			abs, f, err := openAbs(args[0])
			if err != nil {
				return err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return err
			}
			name := filepath.Base(abs)
			file, err := radar.ParseRadarFile(name, data, format)
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				res, err := newRadarStore(d).ImportRadar(ctx, file, name)
				if err != nil {
					return err
				}
				if res.Configured {
					fmt.Fprintln(a.stdout, "The radar took the file's quadrants and rings.")
				}
				fmt.Fprintf(a.stdout, "Technologies (%s): %d created, %d moved, %d updated, %d unchanged.\n",
					file.Format, len(res.Created), len(res.Moved), len(res.Updated), len(res.Unchanged))
				for _, group := range []struct {
					what  string
					names []string
				}{{"created", res.Created}, {"moved", res.Moved}, {"updated", res.Updated}} {
					if n := len(group.names); n > 20 {
						fmt.Fprintf(a.stdout, "  %s: %s and %d more\n", group.what, strings.Join(group.names[:20], ", "), n-20)
					} else if n > 0 {
						fmt.Fprintf(a.stdout, "  %s: %s\n", group.what, strings.Join(group.names, ", "))
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().String("format", "auto", "auto, byor-csv, byor-json or zalando")
	addDatabaseFlags(cmd.Flags())
	return cmd
}

func (a *app) exportRadarCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "radar --format byor-csv|byor-json|zalando [--out FILE]",
		Short: "Write the technology radar as BYOR CSV or JSON, or a Zalando radar config",
		Long: `Write the radar in the order of the last import, then by name. Markers
(new, moved in, moved out) are those of the current edition as imported or
changed; with --since they are computed from the history since that date.
Keys kept from an earlier import of the same format are written back, so a
Zalando config imported and exported again is the same JSON.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := radar.ParseFormat(radarFlag(cmd, "format"))
			if err != nil {
				return err
			}
			if format == "" || format == radar.FormatAuto {
				return fmt.Errorf("--format is required: byor-csv, byor-json or zalando")
			}
			var opt radar.ExportOptions
			if since := radarFlag(cmd, "since"); since != "" {
				if opt.Since, err = time.Parse("2006-01-02", since); err != nil {
					return fmt.Errorf("--since %q: want YYYY-MM-DD", since)
				}
			}
			out := radarFlag(cmd, "out")
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				data, err := newRadarStore(d).ExportRadar(ctx, format, opt)
				if err != nil {
					return err
				}
				if out == "" || out == "-" {
					_, err = a.stdout.Write(data)
					return err
				}
				if err := os.WriteFile(out, data, 0o644); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "Wrote the radar to %s.\n", out)
				return nil
			})
		},
	}
	cmd.Flags().String("format", "", "byor-csv, byor-json or zalando")
	cmd.Flags().String("out", "-", "file to write, - for standard output")
	cmd.Flags().String("since", "", "compute markers from the history since this date (YYYY-MM-DD)")
	addDatabaseFlags(cmd.Flags())
	return cmd
}

func (a *app) importADRCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "adr DIR",
		Short: "Import architecture decision records from an adr-tools or MADR folder",
		Long: `Read the numbered Markdown files in DIR (0001-use-postgres.md, ...) written
by adr-tools ("# 1. Title", "Date:", "## Status") or in MADR (YAML front
matter or "* Status:" lines). Records are matched by number: new ones are
added, changed ones updated, and links made in Chief are kept. Each record
remembers its layout and file name, which "chief export adr" writes back.
Importing the same folder again changes nothing. Errors name the file and
line, and stop the import before anything changes.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			abs, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			files, skipped, err := radar.ParseADRDir(os.DirFS(abs), ".")
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				res, err := newRadarStore(d).ImportADRs(ctx, files)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "Decisions: %d created, %d updated, %d unchanged.\n", len(res.Created), len(res.Updated), len(res.Unchanged))
				if len(skipped) > 0 {
					fmt.Fprintf(a.stdout, "Skipped (no number in the name): %s\n", strings.Join(skipped, ", "))
				}
				return nil
			})
		},
	}
	addDatabaseFlags(cmd.Flags())
	return cmd
}

func (a *app) exportADRCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "adr [--out DIR]",
		Short: "Write the decision records as Markdown files, each in the layout it came from",
		Long: `Write every decision record to DIR as a numbered Markdown file: imported
records in their adr-tools or MADR layout under their original file name,
records made in Chief as MADR. Importing the folder gives the same records.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := radarFlag(cmd, "out")
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				files, err := newRadarStore(d).ExportADRs(ctx)
				if err != nil {
					return err
				}
				if err := os.MkdirAll(out, 0o755); err != nil {
					return err
				}
				for _, f := range files {
					// Names come from imports; write none outside the folder.
					if !radar.IsADRFileName(f.Name) || filepath.Base(f.Name) != f.Name {
						return fmt.Errorf("decision record file name %q is not a plain NNNN-title.md name; nothing after it was written", f.Name)
					}
					if err := os.WriteFile(filepath.Join(out, f.Name), f.Data, 0o644); err != nil {
						return err
					}
				}
				fmt.Fprintf(a.stdout, "Wrote %d decision record(s) to %s.\n", len(files), out)
				return nil
			})
		},
	}
	cmd.Flags().String("out", "adr-export", "folder to write the files to")
	addDatabaseFlags(cmd.Flags())
	return cmd
}

func (a *app) importUsageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "technology-usage",
		Short: "Link catalog components to radar technologies from their descriptors",
		Long: `Read every component, API and resource in the catalog and link it to the
technologies its descriptor declares: tags that name a technology on the
radar, and the entries of the chief.dev/technologies annotation
(comma-separated). Links the descriptors no longer declare are removed;
links made by hand are kept. Annotation entries that name no technology are
listed. Run it after "chief import backstage"; running it twice changes
nothing the second time.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				return a.syncUsage(ctx, d)
			})
		},
	}
	addDatabaseFlags(cmd.Flags())
	return cmd
}

// syncUsage links catalog entities to the radar technologies their
// descriptors declare, and says what it did.
func (a *app) syncUsage(ctx context.Context, d *db.DB) error {
	res, err := newRadarStore(d).SyncUsageFromCatalog(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Technologies: read %d descriptor(s), %d link(s) made, %d removed.\n", res.Entities, len(res.Linked), len(res.Unlinked))
	if len(res.Unmatched) > 0 {
		fmt.Fprintf(a.stdout, "Not on the radar (%s annotation):\n", radar.TechnologiesAnnotation)
		for _, u := range res.Unmatched {
			fmt.Fprintf(a.stdout, "  %s: %s\n", u.Entity, u.Name)
		}
	}
	return nil
}

// radarFlag reads a string flag the command defines.
func radarFlag(cmd *cobra.Command, name string) string {
	v, _ := cmd.Flags().GetString(name)
	return v
}
