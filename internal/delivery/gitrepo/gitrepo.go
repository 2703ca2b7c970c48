// Package gitrepo reads the history of a local git repository as delivery
// records: every commit that reached a deployment as a change, and as
// deployments either the tags that match a pattern or the merges to a
// branch. It reads the object database with go-git and never runs git, so
// `chief import git` works where no git binary is installed.
package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

// Source is the source name on every record a git import makes.
const Source = "git"

// Options says which refs are deployments. A repository carries no record
// of what was deployed; tags and merges to the main branch are the two
// conventions teams use, and the importer has to be told which.
type Options struct {
	// DeployTags is a glob such as "v*" (path.Match syntax, matched against
	// the tag's name without refs/tags/): each matching tag is a deployment
	// of its commit, at the annotated tag's tagger time or, for a
	// lightweight tag, the commit's committer time.
	DeployTags string
	// DeployBranch names a branch whose first-parent merge commits are
	// deployments, at their committer time. A remote-tracking branch
	// (origin/<name>) is used when there is no local one, as in a CI
	// checkout. With neither option, it is the branch HEAD names.
	DeployBranch string
	// Environment of the deployments; default production.
	Environment string
	// Progress, when set, is called after every 1000 commits read with
	// total 0 (the size of the history is not known until it is read) and
	// once at the end with done == total.
	Progress func(done, total int)
}

// Validate checks the options and fills the defaults. It returns invalid
// errors naming the command-line flag at fault.
func (o *Options) Validate() error {
	o.DeployTags = strings.TrimSpace(o.DeployTags)
	o.DeployBranch = strings.TrimPrefix(strings.TrimSpace(o.DeployBranch), "refs/heads/")
	o.Environment = strings.TrimSpace(o.Environment)
	if o.DeployTags != "" && o.DeployBranch != "" {
		return apperr.Field("deploy-tags", "cannot be combined with --deploy-branch: deployments are either tags or merges to a branch")
	}
	if o.DeployTags != "" {
		if _, err := path.Match(o.DeployTags, ""); err != nil {
			return apperr.Field("deploy-tags", "%q is not a valid pattern (use a glob such as v*)", o.DeployTags)
		}
	}
	if o.DeployBranch != "" {
		if plumbing.NewBranchReferenceName(o.DeployBranch).Validate() != nil || strings.HasPrefix(o.DeployBranch, "-") {
			return apperr.Field("deploy-branch", "%q is not a valid branch name", o.DeployBranch)
		}
	}
	if o.Environment == "" {
		o.Environment = delivery.Production
	}
	if len(o.Environment) > 100 {
		return apperr.Field("environment", "is longer than 100 characters")
	}
	return nil
}

// Repository is what Read found. Component and Repository are left empty
// on every record for the caller to fill.
type Repository struct {
	// Changes are the commits reachable from the deployments, each once,
	// parents before children.
	Changes []delivery.ChangeInput
	// Deployments are sorted by time, oldest first.
	Deployments []delivery.DeploymentInput
	// Shallow is set when the history read stops at a shallow clone's
	// boundary: the oldest commits have lost their parents, so the first
	// deployments seem to ship fewer, newer changes than they did.
	Shallow bool
	// Head is the commit HEAD points at ("" in an empty repository).
	Head string
	// Branch is the branch HEAD names ("" when HEAD is detached).
	Branch string
	// Warnings are things skipped or approximated, for the user to read.
	Warnings []string
}

// Read reads the repository at path, its top folder (holding .git) or a git
// folder (a bare repository). Errors are invalid errors for what the user
// can fix (not a repository, no such branch, no matching tag, a ref to an
// object the repository lacks) and plain errors for failures to read; a
// cancelled ctx returns ctx.Err().
func Read(ctx context.Context, path string, o Options) (*Repository, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := open(path)
	if err != nil {
		return nil, err
	}
	defer st.Close()

	repo := &Repository{}
	head, err := st.Reference(plumbing.HEAD)
	if err != nil {
		return nil, fmt.Errorf("reading HEAD of %s: %w", path, err)
	}
	if head.Type() == plumbing.SymbolicReference && head.Target().IsBranch() {
		repo.Branch = head.Target().Short()
	}
	if ref, err := storer.ResolveReference(st, plumbing.HEAD); err == nil {
		repo.Head = ref.Hash().String()
	}

	w := newWalker(ctx, st, o.Progress)
	if err := w.loadShallow(); err != nil {
		return nil, err
	}
	if o.DeployTags != "" {
		err = readTags(w, repo, o)
	} else {
		err = readBranch(w, repo, o)
	}
	if err != nil {
		return nil, err
	}
	repo.Changes = w.changes
	repo.Warnings = w.warnings
	if w.cut > 0 {
		repo.Shallow = true
		repo.Warnings = append(repo.Warnings, fmt.Sprintf(
			"shallow clone: the history stops at %d commit(s) whose parents were not fetched, so lead times for the earliest deployments are understated (git fetch --unshallow reads the whole history)", w.cut))
	}
	sort.SliceStable(repo.Deployments, func(i, j int) bool {
		return repo.Deployments[i].StartedAt.Before(repo.Deployments[j].StartedAt)
	})
	return repo, nil
}

func deployment(o Options, sha, version, externalID string, at time.Time) delivery.DeploymentInput {
	return delivery.DeploymentInput{
		Environment: o.Environment,
		Version:     version,
		SHA:         sha,
		StartedAt:   at,
		FinishedAt:  at,
		Result:      delivery.ResultSuccess,
		Source:      Source,
		ExternalID:  externalID,
	}
}

// readTags makes a deployment of each tag matching the pattern, then reads
// the history behind all of them.
func readTags(w *walker, repo *Repository, o Options) error {
	refs, err := w.st.IterReferences()
	if err != nil {
		return fmt.Errorf("listing refs: %w", err)
	}
	var matching []*plumbing.Reference
	var all []string
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		if !ref.Name().IsTag() {
			return nil
		}
		name := ref.Name().Short()
		all = append(all, name)
		if ok, _ := path.Match(o.DeployTags, name); ok {
			matching = append(matching, ref)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("listing refs: %w", err)
	}
	if len(matching) == 0 {
		if len(all) == 0 {
			return apperr.Field("deploy-tags", "no tag matches %q: the repository has no tags; use --deploy-branch to count merges to a branch as deployments", o.DeployTags)
		}
		sort.Strings(all)
		return apperr.Field("deploy-tags", "no tag matches %q: the repository has %d tag(s) (%s); use another pattern, or --deploy-branch to count merges to a branch as deployments", o.DeployTags, len(all), sample(all, 5))
	}
	sort.Slice(matching, func(i, j int) bool { return matching[i].Name() < matching[j].Name() })

	var roots []plumbing.Hash
	for _, ref := range matching {
		name := ref.Name().Short()
		commit, at, err := peel(w, ref)
		if err != nil {
			return err
		}
		if commit == nil {
			continue
		}
		roots = append(roots, commit.Hash)
		repo.Deployments = append(repo.Deployments, deployment(o, commit.Hash.String(), name, "tag:"+name, at.UTC()))
	}
	if len(roots) == 0 {
		return apperr.Field("deploy-tags", "none of the %d tag(s) matching %q points at a commit", len(matching), o.DeployTags)
	}
	return w.walk(roots)
}

// peel follows a tag to its commit; the time is the first annotated tag's
// tagger time, else the commit's committer time. A tag of a tree or a blob
// is a warning and a nil commit.
func peel(w *walker, ref *plumbing.Reference) (*object.Commit, time.Time, error) {
	name := ref.Name().Short()
	h := ref.Hash()
	var tagged time.Time
	for range 10 {
		obj, err := w.st.EncodedObject(plumbing.AnyObject, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil, time.Time{}, missingRef("tag", name, ref.Name(), h)
		}
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("reading tag %s (%s): %w", name, h, err)
		}
		switch obj.Type() {
		case plumbing.TagObject:
			tag, err := object.DecodeTag(w.st, obj)
			if err != nil {
				return nil, time.Time{}, fmt.Errorf("reading tag %s (%s): %w", name, h, err)
			}
			if tagged.IsZero() {
				tagged = tag.Tagger.When
			}
			h = tag.Target
		case plumbing.CommitObject:
			c, err := object.DecodeCommit(w.st, obj)
			if err != nil {
				return nil, time.Time{}, fmt.Errorf("reading commit %s of tag %s: %w", h, name, err)
			}
			if tagged.IsZero() {
				tagged = c.Committer.When
			}
			return c, tagged, nil
		default:
			w.warn("tag %s points at a %s (%s), not a commit; skipped", name, obj.Type(), h)
			return nil, time.Time{}, nil
		}
	}
	w.warn("tag %s is a chain of more than 10 tags; skipped", name)
	return nil, time.Time{}, nil
}

// readBranch reads the history of the branch and makes a deployment of each
// merge on its first-parent line.
func readBranch(w *walker, repo *Repository, o Options) error {
	name := o.DeployBranch
	if name == "" {
		if repo.Branch == "" {
			return apperr.Field("deploy-branch", "HEAD is detached, so there is no branch to default to; name one with --deploy-branch, or use --deploy-tags")
		}
		name = repo.Branch
	}
	ref, err := findBranch(w.st, name)
	if err != nil {
		return err
	}
	obj, err := w.st.EncodedObject(plumbing.AnyObject, ref.Hash())
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return missingRef("branch", name, ref.Name(), ref.Hash())
	}
	if err != nil {
		return fmt.Errorf("reading branch %s (%s): %w", name, ref.Hash(), err)
	}
	if obj.Type() != plumbing.CommitObject {
		return apperr.New(apperr.Invalid, "branch %s (%s) points at a %s (%s), not a commit", name, ref.Name(), obj.Type(), ref.Hash())
	}
	if err := w.walk([]plumbing.Hash{ref.Hash()}); err != nil {
		return err
	}
	for h := ref.Hash(); ; {
		i, ok := w.index[h]
		if !ok || i < 0 {
			break
		}
		c := &w.changes[i]
		parents := w.parents[i]
		if len(parents) >= 2 {
			sha := c.SHA
			repo.Deployments = append(repo.Deployments, deployment(o, sha, sha[:7], "merge:"+sha, c.CommittedAt))
		}
		if len(parents) == 0 {
			break
		}
		if next, ok := w.index[parents[0]]; !ok || next < 0 {
			break // cut by a shallow clone
		}
		h = parents[0]
	}
	// Walked newest first; Read sorts by time, and stable sorting keeps
	// equal times in history order only if they start oldest first.
	for i, j := 0, len(repo.Deployments)-1; i < j; i, j = i+1, j-1 {
		repo.Deployments[i], repo.Deployments[j] = repo.Deployments[j], repo.Deployments[i]
	}
	return nil
}

// findBranch finds a local branch, else origin's or another remote's
// remote-tracking branch of that name (a CI checkout has only those).
func findBranch(st storer.ReferenceStorer, name string) (*plumbing.Reference, error) {
	for _, n := range []plumbing.ReferenceName{
		plumbing.NewBranchReferenceName(name),
		plumbing.NewRemoteReferenceName("origin", name),
		plumbing.ReferenceName("refs/remotes/" + name),
	} {
		ref, err := storer.ResolveReference(st, n)
		if err == nil {
			return ref, nil
		}
		if !errors.Is(err, plumbing.ErrReferenceNotFound) {
			return nil, fmt.Errorf("reading branch %s: %w", name, err)
		}
	}
	refs, err := st.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("listing refs: %w", err)
	}
	var branches []string
	_ = refs.ForEach(func(ref *plumbing.Reference) error {
		if n := ref.Name(); n.IsBranch() || n.IsRemote() && !strings.HasSuffix(string(n), "/HEAD") {
			branches = append(branches, n.Short())
		}
		return nil
	})
	if len(branches) == 0 {
		return nil, apperr.Field("deploy-branch", "branch %q does not exist: the repository has no branches (no commit yet?)", name)
	}
	sort.Strings(branches)
	return nil, apperr.Field("deploy-branch", "branch %q does not exist; the branches are: %s", name, sample(branches, 20))
}

func missingRef(kind, name string, ref plumbing.ReferenceName, h plumbing.Hash) error {
	return apperr.New(apperr.Invalid, "%s %s (%s) points at %s, which the repository does not contain (a missing or corrupt object; git fsck tells more)", kind, name, ref, h)
}

// sample lists up to n names, saying how many more there are.
func sample(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}
