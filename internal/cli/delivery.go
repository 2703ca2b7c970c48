package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/delivery"
	"github.com/chief-hq/chief/internal/reliability"
)

// addServerFlags lets a command talk to a running Chief over its API
// instead of opening the database: what a CI pipeline can do.
func addServerFlags(fs *pflag.FlagSet) {
	fs.String("server", "", "Chief's address, e.g. https://chief.example.com: use its API instead of the database (env CHIEF_SERVER)")
	fs.String("token", "", "API token for --server (env CHIEF_TOKEN); recording needs write scope")
}

// serverOf returns the --server address and token, "" when the command
// should use the database.
func (a *app) serverOf(cmd *cobra.Command) (string, string) {
	server, _ := cmd.Flags().GetString("server")
	token, _ := cmd.Flags().GetString("token")
	if server == "" {
		server = a.getenv("CHIEF_SERVER")
	}
	if token == "" {
		token = a.getenv("CHIEF_TOKEN")
	}
	return strings.TrimRight(server, "/"), token
}

// callAPI sends a request to a Chief server and decodes its JSON answer
// into out; an error answer becomes an error with its message and field.
func callAPI(ctx context.Context, method, server, token, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, server+path, rd)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error apperr.Error `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
			return &e.Error
		}
		return fmt.Errorf("server answered %s", resp.Status)
	}
	return json.Unmarshal(data, out)
}

func (a *app) deployCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "deploy", Short: "Record deployments from a pipeline"}
	record := &cobra.Command{
		Use:   "record --component NAME --env production --sha SHA",
		Short: "Record one deployment of a component",
		Long: `Record a deployment: which component, to which environment, of which
commit, and how it ended. Run it at the end of a pipeline's deploy step. The
same component, environment and SHA (or --id) again updates the one record,
so a retried step changes nothing. With --server (or CHIEF_SERVER and
CHIEF_TOKEN) it posts to a running Chief's API; without, it writes to the
database the configuration names.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := cmd.Flags()
			var in delivery.DeploymentInput
			in.Component, _ = f.GetString("component")
			in.Environment, _ = f.GetString("env")
			in.SHA, _ = f.GetString("sha")
			in.Version, _ = f.GetString("version")
			in.Result, _ = f.GetString("result")
			in.Remedy, _ = f.GetString("remedy")
			in.ExternalID, _ = f.GetString("id")
			in.URL, _ = f.GetString("url")
			in.Changes, _ = f.GetStringSlice("changes")
			in.Source = "cli"
			for _, t := range []struct {
				flag string
				dst  *time.Time
			}{{"started", &in.StartedAt}, {"finished", &in.FinishedAt}} {
				if v, _ := f.GetString(t.flag); v != "" {
					at, err := time.Parse(time.RFC3339, v)
					if err != nil {
						return apperr.Field(t.flag, "must be a time like 2026-01-31T09:00:00Z, got %q", v)
					}
					*t.dst = at
				}
			}
			if in.Component == "" {
				return apperr.Field("component", "is required")
			}
			var res delivery.IngestResult
			if server, token := a.serverOf(cmd); server != "" {
				if err := callAPI(cmd.Context(), http.MethodPost, server, token, "/api/v1/deployments", in, &res); err != nil {
					return err
				}
			} else if err := a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				var err error
				res, err = delivery.NewStore(d, catalog.NewStore(d)).Ingest(ctx, delivery.Batch{Deployments: []delivery.DeploymentInput{in}})
				return err
			}); err != nil {
				return err
			}
			what := "Recorded"
			if !res.Stored() {
				what = "Already recorded, unchanged:"
			}
			result := in.Result
			if result == "" {
				result = delivery.ResultSuccess
			}
			fmt.Fprintf(a.stdout, "%s deployment of %s to %s at %s (%s).\n", what, in.Component, in.Environment, shortSHA(in.SHA), result)
			return nil
		},
	}
	f := record.Flags()
	f.String("component", "", "the catalog component deployed (name or reference)")
	f.String("env", delivery.Production, "the environment; production is the one the DORA keys count")
	f.String("sha", "", "the full commit SHA deployed")
	f.String("version", "", "a version or tag, shown beside the SHA")
	f.String("result", "success", "success, failure or pending")
	f.String("remedy", "", "fix or rollback, when the deployment mends a failed one")
	f.String("id", "", "the pipeline's id for the deployment (default: environment and SHA)")
	f.String("url", "", "a link to the pipeline run")
	f.String("started", "", "when it started, RFC 3339 (default: when it finished)")
	f.String("finished", "", "when it finished, RFC 3339 (default: now)")
	f.StringSlice("changes", nil, "the commits it shipped, when the pipeline knows (default: found through the commit graph)")
	addDatabaseFlags(f)
	addServerFlags(f)
	cmd.AddCommand(record)
	return cmd
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func (a *app) doraCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dora [--component NAME | --team NAME | --system NAME] [--since 90d] [--json]",
		Short: "Print the DORA keys for the company, a team, a system or a component",
		Long: `Print deployment frequency, lead time for changes, change failure rate,
failed deployment recovery time and rework rate over a window, with the
window before it and where each value falls in the DORA table. --json prints
the object documented in docs/delivery.md; a measure with no data is null.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := cmd.Flags()
			var sc delivery.Scope
			sc.Component, _ = f.GetString("component")
			sc.Team, _ = f.GetString("team")
			sc.System, _ = f.GetString("system")
			since, _ := f.GetString("since")
			from, _ := f.GetString("from")
			to, _ := f.GetString("to")
			year, _ := f.GetInt("year")
			asJSON, _ := f.GetBool("json")
			if from != "" || to != "" {
				if f.Changed("since") {
					return apperr.Field("since", "give either --since or --from and --to, not both")
				}
				since = ""
			}
			win, err := delivery.ParseWindow(since, from, to, time.Now())
			if err != nil {
				return err
			}
			bench, ok := delivery.BenchmarkFor(year)
			if !ok {
				return apperr.Field("year", "must be 2024 or 2023")
			}
			var sum delivery.Summary
			if server, token := a.serverOf(cmd); server != "" {
				q := url.Values{"component": {sc.Component}, "team": {sc.Team}, "system": {sc.System}, "since": {since},
					"from": {from}, "to": {to}, "year": {strconv.Itoa(year)}}
				if err := callAPI(cmd.Context(), http.MethodGet, server, token, "/api/v1/dora?"+q.Encode(), nil, &sum); err != nil {
					return err
				}
			} else if err := a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				cat := catalog.NewStore(d)
				s := delivery.NewStore(d, cat)
				// Incidents count as failures; bring them in as serve would.
				if _, err := s.SyncIncidents(ctx, reliability.NewStore(d, cat)); err != nil {
					return err
				}
				sum, err = s.Summarize(ctx, sc, win, bench)
				return err
			}); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a, sum)
			}
			a.printDORA(sum)
			return nil
		},
	}
	f := cmd.Flags()
	f.String("component", "", "one component (name or reference)")
	f.String("team", "", "the components a team owns (name or reference)")
	f.String("system", "", "the components of a system (name or reference)")
	f.String("since", "90d", "the last days or weeks (7d, 30d, 90d, 12w, today included) or a quarter (2026-Q3)")
	f.String("from", "", "first day of a custom window (2026-01-01)")
	f.String("to", "", "last day of a custom window, included")
	f.Int("year", 2024, "the DORA report to compare with: 2024 or 2023")
	f.Bool("json", false, "print JSON")
	addDatabaseFlags(f)
	addServerFlags(f)
	return cmd
}
