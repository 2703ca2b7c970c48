package cli

import (
	"context"
	"fmt"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/delivery"
	"github.com/chief-hq/chief/internal/delivery/gitrepo"
)

// gitChunk is how many commits one transaction of a git import writes.
const gitChunk = 20000

func (a *app) importGitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "git PATH --component NAME [--deploy-tags 'v*' | --deploy-branch main]",
		Short: "Import a local git repository's commits and deployments",
		Long: `Read a local git repository: every commit that reached a deployment becomes
a change, and either the tags matching --deploy-tags or the merge commits on
--deploy-branch (first parent only) become production deployments. Nothing is
fetched: clone or pull first. Importing again stores only what is new. A
shallow clone imports with a warning: the earliest deployments' lead times
are understated.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			component, _ := f.GetString("component")
			if component == "" {
				return apperr.Field("component", "is required: the catalog component the repository builds")
			}
			var o gitrepo.Options
			o.DeployTags, _ = f.GetString("deploy-tags")
			o.DeployBranch, _ = f.GetString("deploy-branch")
			o.Environment, _ = f.GetString("env")
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				s := delivery.NewStore(d, catalog.NewStore(d))
				bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(a.stderr), progressbar.OptionSetDescription("reading commits"),
					progressbar.OptionShowCount(), progressbar.OptionThrottle(200e6), progressbar.OptionClearOnFinish())
				o.Progress = func(done, _ int) { _ = bar.Set(done) }
				repo, err := gitrepo.Read(ctx, args[0], o)
				_ = bar.Finish()
				if err != nil {
					return err
				}
				for _, w := range repo.Warnings {
					fmt.Fprintf(a.stderr, "warning: %s\n", w)
				}
				return a.storeGit(ctx, s, component, repo)
			})
		},
	}
	f := cmd.Flags()
	f.String("component", "", "the catalog component the repository builds (name or reference)")
	f.String("deploy-tags", "", "tags that are deployments, a glob such as 'v*'")
	f.String("deploy-branch", "", "a branch whose merge commits are deployments (default: the checked-out branch, when no tags are given)")
	f.String("env", delivery.Production, "the environment the deployments went to")
	addDatabaseFlags(f)
	return cmd
}

// storeGit writes the commits in chunks, then the deployments in one
// transaction, which finds what each shipped.
func (a *app) storeGit(ctx context.Context, s *delivery.Store, component string, repo *gitrepo.Repository) error {
	for i := range repo.Changes {
		repo.Changes[i].Component = component
	}
	for i := range repo.Deployments {
		repo.Deployments[i].Component = component
	}
	bar := progressbar.NewOptions(len(repo.Changes)+len(repo.Deployments), progressbar.OptionSetWriter(a.stderr),
		progressbar.OptionSetDescription("storing"), progressbar.OptionShowCount(), progressbar.OptionThrottle(200e6), progressbar.OptionClearOnFinish())
	var total delivery.IngestResult
	for start := 0; start < len(repo.Changes); start += gitChunk {
		chunk := repo.Changes[start:min(start+gitChunk, len(repo.Changes))]
		res, err := s.Ingest(ctx, delivery.Batch{Changes: chunk})
		if err != nil {
			return err
		}
		total.Changes += res.Changes
		_ = bar.Add(len(chunk))
	}
	res, err := s.Ingest(ctx, delivery.Batch{Deployments: repo.Deployments})
	if err != nil {
		return err
	}
	total.Deployments = res.Deployments
	_ = bar.Finish()
	fmt.Fprintf(a.stdout, "Read %d commits and %d deployments; stored %d new changes and %d new or changed deployments for %s.\n",
		len(repo.Changes), len(repo.Deployments), total.Changes, total.Deployments, component)
	return nil
}
