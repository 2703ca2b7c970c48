package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/reliability"
)

func (a *app) monitorsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "monitors", Short: "List monitors and their uptime"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List monitors with their state, last check and uptime over 1h, 24h, 7d and 30d",
		Long: `List every monitor with the entity it watches, its state, when it was last
checked, and for the last 1 h, 24 h, 7 d and 30 d its good and bad checks and
the uptime they give. Checks during maintenance count for neither. --json
prints the array documented in docs/reliability.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			asJSON, _ := cmd.Flags().GetBool("json")
			entity, _ := cmd.Flags().GetString("entity")
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				s := reliability.NewStore(d, catalog.NewStore(d))
				mons, err := s.Monitors(ctx)
				if err != nil {
					return err
				}
				if entity != "" {
					ref, err := catalog.ParseRef(entity, "Component", catalog.DefaultNamespace)
					if err != nil {
						return fmt.Errorf("entity: %w", err)
					}
					if mons, err = s.MonitorsOf(ctx, ref); err != nil {
						return err
					}
				}
				sts, err := s.Statuses(ctx, mons, time.Now())
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(a, sts)
				}
				return a.printMonitors(sts)
			})
		},
	}
	list.Flags().Bool("json", false, "print JSON")
	list.Flags().String("entity", "", "only the monitors of this entity")
	addDatabaseFlags(list.Flags())
	cmd.AddCommand(list)
	return cmd
}

func writeJSON(a *app, v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (a *app) printMonitors(sts []reliability.MonitorStatus) error {
	if len(sts) == 0 {
		fmt.Fprintln(a.stdout, "No monitors yet. Add one in the web UI under Reliability, or import a file: chief import monitors FILE (or chief import gatus FILE).")
		return nil
	}
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "NAME\tENTITY\tSTATE\tLAST CHECK\t1H\t24H\t7D\t30D\t")
	for _, m := range sts {
		last := "never"
		if m.LastCheckAt != nil {
			last = time.Since(*m.LastCheckAt).Round(time.Second).String() + " ago"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t", m.Name, m.Entity, m.State, last)
		for _, win := range reliability.Windows {
			fmt.Fprintf(w, "%s\t", uptimeText(m.Windows[win.Name]))
		}
		fmt.Fprintln(w)
	}
	return w.Flush()
}

func uptimeText(w reliability.WindowCounts) string {
	if w.Uptime == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", *w.Uptime*100)
}

func (a *app) incidentsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "incidents", Short: "List incidents"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List incidents, newest first",
		Long: `List incidents with their entity, severity, status and when they opened and
were resolved. --json prints the array documented in docs/reliability.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			asJSON, _ := cmd.Flags().GetBool("json")
			open, _ := cmd.Flags().GetBool("open")
			limit, _ := cmd.Flags().GetInt("limit")
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				s := reliability.NewStore(d, catalog.NewStore(d))
				incs, err := s.Incidents(ctx, reliability.IncidentFilter{Open: true, Resolved: !open, Limit: limit})
				if err != nil {
					return err
				}
				if incs == nil {
					incs = []reliability.Incident{}
				}
				if asJSON {
					return writeJSON(a, incs)
				}
				if len(incs) == 0 {
					fmt.Fprintln(a.stdout, "No incidents. Monitors open them when an entity goes down; open one by hand in the web UI under Incidents.")
					return nil
				}
				w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tSEVERITY\tSTATUS\tENTITY\tOPENED\tRESOLVED\tTITLE")
				for _, i := range incs {
					resolved := "-"
					if i.ResolvedAt != nil {
						resolved = i.ResolvedAt.Format(time.RFC3339)
					}
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", i.ID, i.Severity, i.Status, i.Entity, i.OpenedAt.Format(time.RFC3339), resolved, i.Title)
				}
				return w.Flush()
			})
		},
	}
	list.Flags().Bool("json", false, "print JSON")
	list.Flags().Bool("open", false, "only incidents not resolved yet")
	list.Flags().Int("limit", 100, "at most this many")
	addDatabaseFlags(list.Flags())
	cmd.AddCommand(list)
	return cmd
}
