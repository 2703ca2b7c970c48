package gitrepo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

func TestReadTagsLinear(t *testing.T) {
	r := newTestRepo(t)
	c1 := r.commit("First", "2024-03-01T10:00:00+02:00", "2024-03-01T10:30:00+02:00")
	c2 := r.commit("Second", "2024-03-02T10:00:00+02:00", "2024-03-02T11:00:00+02:00")
	c3 := r.commit("Third", "2024-03-03T10:00:00+02:00", "2024-03-03T11:00:00+02:00")
	c4 := r.commit("Fourth", "2024-03-04T10:00:00+02:00", "2024-03-04T11:00:00+02:00")
	c5 := r.commit("Fifth", "2024-03-05T10:00:00+02:00", "2024-03-05T11:00:00+02:00")
	c6 := r.commit("Not released", "2024-03-06T10:00:00+02:00", "2024-03-06T11:00:00+02:00")
	r.git("tag", "v1", c1)
	r.git("tag", "v2", c3)
	r.git("tag", "v3", c5)
	r.git("tag", "nightly", c4)

	got, err := Read(context.Background(), r.dir, Options{DeployTags: "v*"})
	if err != nil {
		t.Fatal(err)
	}
	checkChanges(t, got.Changes, []delivery.ChangeInput{
		change(c1, nil, "First", "2024-03-01T08:00:00Z", "2024-03-01T08:30:00Z"),
		change(c2, []string{c1}, "Second", "2024-03-02T08:00:00Z", "2024-03-02T09:00:00Z"),
		change(c3, []string{c2}, "Third", "2024-03-03T08:00:00Z", "2024-03-03T09:00:00Z"),
		change(c4, []string{c3}, "Fourth", "2024-03-04T08:00:00Z", "2024-03-04T09:00:00Z"),
		change(c5, []string{c4}, "Fifth", "2024-03-05T08:00:00Z", "2024-03-05T09:00:00Z"),
	})
	checkDeployments(t, got.Deployments, []delivery.DeploymentInput{
		wantDeployment(c1, "v1", "tag:v1", "2024-03-01T08:30:00Z"),
		wantDeployment(c3, "v2", "tag:v2", "2024-03-03T09:00:00Z"),
		wantDeployment(c5, "v3", "tag:v3", "2024-03-05T09:00:00Z"),
	})
	if got.Head != c6 {
		t.Errorf("Head: got %s, want %s", got.Head, c6)
	}
	if got.Branch != "main" {
		t.Errorf("Branch: got %q, want main", got.Branch)
	}
	if got.Shallow || len(got.Warnings) != 0 {
		t.Errorf("got Shallow %v, warnings %q; want false, none", got.Shallow, got.Warnings)
	}
	for _, c := range got.Changes {
		if loc := c.AuthoredAt.Location(); loc.String() != "UTC" {
			t.Errorf("%s: AuthoredAt in %s, want UTC", c.Title, loc)
		}
	}

	t.Run("environment", func(t *testing.T) {
		got, err := Read(context.Background(), r.dir, Options{DeployTags: "v[23]", Environment: "staging"})
		if err != nil {
			t.Fatal(err)
		}
		checkDeployments(t, got.Deployments, []delivery.DeploymentInput{
			withEnv(wantDeployment(c3, "v2", "tag:v2", "2024-03-03T09:00:00Z"), "staging"),
			withEnv(wantDeployment(c5, "v3", "tag:v3", "2024-03-05T09:00:00Z"), "staging"),
		})
		if len(got.Changes) != 5 {
			t.Errorf("got %d changes, want 5", len(got.Changes))
		}
	})
}

func withEnv(d delivery.DeploymentInput, env string) delivery.DeploymentInput {
	d.Environment = env
	return d
}

func TestReadTagKinds(t *testing.T) {
	r := newTestRepo(t)
	c1 := r.commit("First", "2024-03-01T10:00:00+02:00", "2024-03-01T10:30:00+02:00")
	c2 := r.commit("Second", "2024-03-02T10:00:00+02:00", "2024-03-02T11:00:00+02:00")
	r.git("tag", "v1", c1)
	// The tagger date is the committer date of the environment.
	runGit(t, r.dir, at("2024-03-09T00:00:00+02:00", "2024-03-10T12:00:00+02:00"), "tag", "-a", "-m", "Release 2", "v2", c2)
	tree := r.git("rev-parse", c2+"^{tree}")
	r.git("tag", "v9-tree", tree)

	got, err := Read(context.Background(), r.dir, Options{DeployTags: "v*"})
	if err != nil {
		t.Fatal(err)
	}
	checkDeployments(t, got.Deployments, []delivery.DeploymentInput{
		wantDeployment(c1, "v1", "tag:v1", "2024-03-01T08:30:00Z"),
		wantDeployment(c2, "v2", "tag:v2", "2024-03-10T10:00:00Z"),
	})
	wantWarnings := []string{"tag v9-tree points at a tree (" + tree + "), not a commit; skipped"}
	if !slices.Equal(got.Warnings, wantWarnings) {
		t.Errorf("warnings: got %q, want %q", got.Warnings, wantWarnings)
	}
	if len(got.Changes) != 2 {
		t.Errorf("got %d changes, want 2", len(got.Changes))
	}
}

// mergeRepo is main with two feature branches merged with --no-ff, the
// second of which merged main into itself on the way:
//
//	c1 - c2 - c3 - M1 - c4 ------- M2    main
//	      \        /      \        /
//	       f1 - f2     g1 - X - g2        feature, feature2 (X merges main)
type mergeRepo struct {
	*testRepo
	c1, c2, c3, f1, f2, m1, c4, g1, x, g2, m2 string
}

func newMergeRepo(t *testing.T) *mergeRepo {
	t.Helper()
	r := &mergeRepo{testRepo: newTestRepo(t)}
	r.c1 = r.commit("c1", "2024-03-01T10:00:00+02:00", "2024-03-01T10:00:00+02:00")
	r.c2 = r.commit("c2", "2024-03-02T10:00:00+02:00", "2024-03-02T10:00:00+02:00")
	r.git("checkout", "-q", "-b", "feature")
	r.f1 = r.commit("f1", "2024-03-03T10:00:00+02:00", "2024-03-03T10:00:00+02:00")
	r.f2 = r.commit("f2", "2024-03-04T10:00:00+02:00", "2024-03-04T10:00:00+02:00")
	r.git("checkout", "-q", "main")
	r.c3 = r.commit("c3", "2024-03-05T10:00:00+02:00", "2024-03-05T10:00:00+02:00")
	r.m1 = r.merge("feature", "Merge feature", "2024-03-06T09:00:00+02:00")
	r.git("checkout", "-q", "-b", "feature2")
	r.g1 = r.commit("g1", "2024-03-07T10:00:00+02:00", "2024-03-07T10:00:00+02:00")
	r.git("checkout", "-q", "main")
	r.c4 = r.commit("c4", "2024-03-08T10:00:00+02:00", "2024-03-08T10:00:00+02:00")
	r.git("checkout", "-q", "feature2")
	r.x = r.merge("main", "Merge main into feature2", "2024-03-09T10:00:00+02:00")
	r.g2 = r.commit("g2", "2024-03-10T10:00:00+02:00", "2024-03-10T10:00:00+02:00")
	r.git("checkout", "-q", "main")
	r.m2 = r.merge("feature2", "Merge feature2", "2024-03-11T09:00:00+02:00")
	return r
}

func TestReadBranchMerges(t *testing.T) {
	r := newMergeRepo(t)
	wantChanges := []delivery.ChangeInput{
		change(r.c1, nil, "c1", "2024-03-01T08:00:00Z", "2024-03-01T08:00:00Z"),
		change(r.c2, []string{r.c1}, "c2", "2024-03-02T08:00:00Z", "2024-03-02T08:00:00Z"),
		change(r.c3, []string{r.c2}, "c3", "2024-03-05T08:00:00Z", "2024-03-05T08:00:00Z"),
		change(r.f1, []string{r.c2}, "f1", "2024-03-03T08:00:00Z", "2024-03-03T08:00:00Z"),
		change(r.f2, []string{r.f1}, "f2", "2024-03-04T08:00:00Z", "2024-03-04T08:00:00Z"),
		change(r.m1, []string{r.c3, r.f2}, "Merge feature", "2024-03-06T07:00:00Z", "2024-03-06T07:00:00Z"),
		change(r.c4, []string{r.m1}, "c4", "2024-03-08T08:00:00Z", "2024-03-08T08:00:00Z"),
		change(r.g1, []string{r.m1}, "g1", "2024-03-07T08:00:00Z", "2024-03-07T08:00:00Z"),
		change(r.x, []string{r.g1, r.c4}, "Merge main into feature2", "2024-03-09T08:00:00Z", "2024-03-09T08:00:00Z"),
		change(r.g2, []string{r.x}, "g2", "2024-03-10T08:00:00Z", "2024-03-10T08:00:00Z"),
		change(r.m2, []string{r.c4, r.g2}, "Merge feature2", "2024-03-11T07:00:00Z", "2024-03-11T07:00:00Z"),
	}
	wantDeployments := []delivery.DeploymentInput{
		wantDeployment(r.m1, r.m1[:7], "merge:"+r.m1, "2024-03-06T07:00:00Z"),
		wantDeployment(r.m2, r.m2[:7], "merge:"+r.m2, "2024-03-11T07:00:00Z"),
	}
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"named", Options{DeployBranch: "main"}},
		{"full ref name", Options{DeployBranch: "refs/heads/main"}},
		{"HEAD's branch by default", Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(context.Background(), r.dir, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			checkChanges(t, got.Changes, wantChanges)
			checkDeployments(t, got.Deployments, wantDeployments)
			if got.Head != r.m2 || got.Branch != "main" {
				t.Errorf("got Head %s on %q, want %s on main", got.Head, got.Branch, r.m2)
			}
		})
	}

	// On feature2, X is on the first-parent line and M1 is too (through
	// g1); M2 is not reachable at all.
	t.Run("another branch", func(t *testing.T) {
		got, err := Read(context.Background(), r.dir, Options{DeployBranch: "feature2"})
		if err != nil {
			t.Fatal(err)
		}
		checkDeployments(t, got.Deployments, []delivery.DeploymentInput{
			wantDeployment(r.m1, r.m1[:7], "merge:"+r.m1, "2024-03-06T07:00:00Z"),
			wantDeployment(r.x, r.x[:7], "merge:"+r.x, "2024-03-09T08:00:00Z"),
		})
		if len(got.Changes) != 10 {
			t.Errorf("got %d changes, want 10 (all but M2)", len(got.Changes))
		}
	})
}

func TestReadErrors(t *testing.T) {
	plain := t.TempDir()
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) (dir string, want string)
		opts  Options
	}{
		{
			name: "no tags",
			setup: func(t *testing.T) (string, string) {
				r := newTestRepo(t)
				r.commit("First", "2024-03-01T10:00:00+02:00", "2024-03-01T10:00:00+02:00")
				return r.dir, `deploy-tags: no tag matches "v*": the repository has no tags; use --deploy-branch to count merges to a branch as deployments`
			},
			opts: Options{DeployTags: "v*"},
		},
		{
			name: "no tag matches",
			setup: func(t *testing.T) (string, string) {
				r := newTestRepo(t)
				r.commit("First", "2024-03-01T10:00:00+02:00", "2024-03-01T10:00:00+02:00")
				r.git("tag", "release-2")
				r.git("tag", "release-1")
				return r.dir, `deploy-tags: no tag matches "v*": the repository has 2 tag(s) (release-1, release-2); use another pattern, or --deploy-branch to count merges to a branch as deployments`
			},
			opts: Options{DeployTags: "v*"},
		},
		{
			name: "missing branch",
			setup: func(t *testing.T) (string, string) {
				r := newTestRepo(t)
				r.commit("First", "2024-03-01T10:00:00+02:00", "2024-03-01T10:00:00+02:00")
				r.git("branch", "feature")
				return r.dir, `deploy-branch: branch "develop" does not exist; the branches are: feature, main`
			},
			opts: Options{DeployBranch: "develop"},
		},
		{
			name: "empty repository",
			setup: func(t *testing.T) (string, string) {
				return newTestRepo(t).dir, `deploy-branch: branch "main" does not exist: the repository has no branches (no commit yet?)`
			},
		},
		{
			name: "detached HEAD",
			setup: func(t *testing.T) (string, string) {
				r := newTestRepo(t)
				r.commit("First", "2024-03-01T10:00:00+02:00", "2024-03-01T10:00:00+02:00")
				r.git("checkout", "-q", "--detach")
				return r.dir, "deploy-branch: HEAD is detached, so there is no branch to default to; name one with --deploy-branch, or use --deploy-tags"
			},
		},
		{
			name: "not a repository",
			setup: func(t *testing.T) (string, string) {
				return plain, plain + " is not a git repository: it holds no .git and is not a bare repository"
			},
		},
		{
			name: "no such folder",
			setup: func(t *testing.T) (string, string) {
				dir := filepath.Join(plain, "nowhere")
				return dir, dir + " does not exist"
			},
		},
		{
			name: "a file",
			setup: func(t *testing.T) (string, string) {
				file := filepath.Join(plain, "file")
				if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
				return file, file + " is not a git repository (it is a file, not a folder)"
			},
		},
		{
			name: "tag at a missing commit",
			setup: func(t *testing.T) (string, string) {
				r := newTestRepo(t)
				r.commit("First", "2024-03-01T10:00:00+02:00", "2024-03-01T10:00:00+02:00")
				r.git("tag", "v1")
				writeRef(t, r.dir, "refs/tags/v2", strings.Repeat("1", 40))
				return r.dir, "tag v2 (refs/tags/v2) points at " + strings.Repeat("1", 40) + ", which the repository does not contain (a missing or corrupt object; git fsck tells more)"
			},
			opts: Options{DeployTags: "v*"},
		},
		{
			name: "branch at a missing commit",
			setup: func(t *testing.T) (string, string) {
				r := newTestRepo(t)
				r.commit("First", "2024-03-01T10:00:00+02:00", "2024-03-01T10:00:00+02:00")
				writeRef(t, r.dir, "refs/heads/broken", strings.Repeat("2", 40))
				return r.dir, "branch broken (refs/heads/broken) points at " + strings.Repeat("2", 40) + ", which the repository does not contain (a missing or corrupt object; git fsck tells more)"
			},
			opts: Options{DeployBranch: "broken"},
		},
		{
			name: "parent missing without a shallow clone",
			setup: func(t *testing.T) (string, string) {
				r := newTestRepo(t)
				c1 := r.commit("First", "2024-03-01T10:00:00+02:00", "2024-03-01T10:00:00+02:00")
				c2 := r.commit("Second", "2024-03-02T10:00:00+02:00", "2024-03-02T10:00:00+02:00")
				if err := os.Remove(filepath.Join(r.dir, ".git", "objects", c1[:2], c1[2:])); err != nil {
					t.Fatal(err)
				}
				return r.dir, "commit " + c2 + " names parent " + c1 + ", which the repository does not contain (a missing or corrupt object; git fsck tells more)"
			},
		},
		{
			name: "both kinds of deployment",
			setup: func(t *testing.T) (string, string) {
				return plain, "deploy-tags: cannot be combined with --deploy-branch: deployments are either tags or merges to a branch"
			},
			opts: Options{DeployTags: "v*", DeployBranch: "main"},
		},
		{
			name: "bad pattern",
			setup: func(t *testing.T) (string, string) {
				return plain, `deploy-tags: "v[" is not a valid pattern (use a glob such as v*)`
			},
			opts: Options{DeployTags: "v["},
		},
		{
			name: "bad branch name",
			setup: func(t *testing.T) (string, string) {
				return plain, `deploy-branch: "a..b" is not a valid branch name`
			},
			opts: Options{DeployBranch: "a..b"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, want := tc.setup(t)
			got, err := Read(context.Background(), dir, tc.opts)
			if err == nil {
				t.Fatalf("got %d changes and no error, want %q", len(got.Changes), want)
			}
			if err.Error() != want {
				t.Errorf("got error %q, want %q", err, want)
			}
			if code := apperr.CodeOf(err); code != apperr.Invalid {
				t.Errorf("got code %s, want %s", code, apperr.Invalid)
			}
		})
	}
}

// writeRef writes a loose ref by hand; git refuses to point one at an
// object it does not have.
func writeRef(t *testing.T, dir, ref, sha string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, ".git", ref), []byte(sha+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadShallow(t *testing.T) {
	r := newMergeRepo(t)
	clone := filepath.Join(t.TempDir(), "clone")
	runGit(t, "", nil, "clone", "-q", "--depth", "3", "file://"+r.dir, clone)
	// Depth 3 from M2 keeps M2; c4 and g2; M1 and X, which lose their
	// parents.
	boundary := strings.Fields(readFile(t, filepath.Join(clone, ".git", "shallow")))
	slices.Sort(boundary)
	wantBoundary := []string{r.m1, r.x}
	slices.Sort(wantBoundary)
	if !slices.Equal(boundary, wantBoundary) {
		t.Fatalf("the clone's shallow commits: got %v, want M1 and X %v", boundary, wantBoundary)
	}

	got, err := Read(context.Background(), clone, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Shallow {
		t.Errorf("got Shallow false, want true")
	}
	wantWarnings := []string{"shallow clone: the history stops at 2 commit(s) whose parents were not fetched, so lead times for the earliest deployments are understated (git fetch --unshallow reads the whole history)"}
	if !slices.Equal(got.Warnings, wantWarnings) {
		t.Errorf("warnings: got %q, want %q", got.Warnings, wantWarnings)
	}
	checkChanges(t, got.Changes, []delivery.ChangeInput{
		change(r.m1, nil, "Merge feature", "2024-03-06T07:00:00Z", "2024-03-06T07:00:00Z"),
		change(r.c4, []string{r.m1}, "c4", "2024-03-08T08:00:00Z", "2024-03-08T08:00:00Z"),
		change(r.x, nil, "Merge main into feature2", "2024-03-09T08:00:00Z", "2024-03-09T08:00:00Z"),
		change(r.g2, []string{r.x}, "g2", "2024-03-10T08:00:00Z", "2024-03-10T08:00:00Z"),
		change(r.m2, []string{r.c4, r.g2}, "Merge feature2", "2024-03-11T07:00:00Z", "2024-03-11T07:00:00Z"),
	})
	// M1 is still a merge, though its parents are gone.
	checkDeployments(t, got.Deployments, []delivery.DeploymentInput{
		wantDeployment(r.m1, r.m1[:7], "merge:"+r.m1, "2024-03-06T07:00:00Z"),
		wantDeployment(r.m2, r.m2[:7], "merge:"+r.m2, "2024-03-11T07:00:00Z"),
	})
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReadLayouts(t *testing.T) {
	r := newMergeRepo(t)
	base := t.TempDir()

	worktree := filepath.Join(base, "worktree")
	r.git("worktree", "add", "-q", "-b", "wt", worktree, r.m1)
	bare := filepath.Join(base, "bare.git")
	runGit(t, "", nil, "clone", "-q", "--bare", r.dir, bare)
	ci := filepath.Join(base, "ci")
	runGit(t, "", nil, "clone", "-q", r.dir, ci)
	runGit(t, ci, nil, "checkout", "-q", "--detach")
	runGit(t, ci, nil, "branch", "-q", "-D", "main")

	for _, tc := range []struct {
		name        string
		dir         string
		opts        Options
		head        string
		branch      string
		changes     int
		deployments int
	}{
		{"work tree", r.dir, Options{}, r.m2, "main", 11, 2},
		{"git folder", filepath.Join(r.dir, ".git"), Options{}, r.m2, "main", 11, 2},
		{"linked work tree", worktree, Options{}, r.m1, "wt", 6, 1},
		{"bare", bare, Options{DeployBranch: "main"}, r.m2, "main", 11, 2},
		{"remote-tracking branch", ci, Options{DeployBranch: "main"}, r.m2, "", 11, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(context.Background(), tc.dir, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got.Head != tc.head || got.Branch != tc.branch {
				t.Errorf("got Head %s on %q, want %s on %q", got.Head, got.Branch, tc.head, tc.branch)
			}
			if len(got.Changes) != tc.changes || len(got.Deployments) != tc.deployments {
				t.Errorf("got %d changes and %d deployments, want %d and %d", len(got.Changes), len(got.Deployments), tc.changes, tc.deployments)
			}
		})
	}
}

func TestReadBot(t *testing.T) {
	r := newTestRepo(t)
	human := r.commit("Fix the thing", "2024-03-01T10:00:00+02:00", "2024-03-01T10:00:00+02:00")
	bot := r.commit("Bump golang.org/x/net from 0.61.0 to 0.62.0", "2024-03-02T10:00:00+02:00", "2024-03-02T10:00:00+02:00",
		"GIT_AUTHOR_NAME=dependabot[bot]", "GIT_AUTHOR_EMAIL=49699333+dependabot[bot]@users.noreply.github.com")
	got, err := Read(context.Background(), r.dir, Options{DeployBranch: "main"})
	if err != nil {
		t.Fatal(err)
	}
	want := []delivery.ChangeInput{
		change(human, nil, "Fix the thing", "2024-03-01T08:00:00Z", "2024-03-01T08:00:00Z"),
		change(bot, []string{human}, "Bump golang.org/x/net from 0.61.0 to 0.62.0", "2024-03-02T08:00:00Z", "2024-03-02T08:00:00Z"),
	}
	want[1].Author, want[1].AuthorEmail, want[1].Bot = "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", true
	checkChanges(t, got.Changes, want)
	if len(got.Deployments) != 0 {
		t.Errorf("got %d deployments, want none (no merge)", len(got.Deployments))
	}
}

func TestReadProgressAndCancel(t *testing.T) {
	r := newTestRepo(t)
	r.fastImport(2500)

	t.Run("progress", func(t *testing.T) {
		var calls [][2]int
		got, err := Read(context.Background(), r.dir, Options{Progress: func(done, total int) {
			calls = append(calls, [2]int{done, total})
		}})
		if err != nil {
			t.Fatal(err)
		}
		want := [][2]int{{1000, 0}, {2000, 0}, {2500, 2500}}
		if !slices.Equal(calls, want) {
			t.Errorf("progress: got %v, want %v", calls, want)
		}
		if len(got.Changes) != 2500 {
			t.Errorf("got %d changes, want 2500", len(got.Changes))
		}
	})

	t.Run("cancelled while reading", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		calls := 0
		got, err := Read(ctx, r.dir, Options{Progress: func(done, total int) {
			calls++
			cancel()
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v (%v), want context.Canceled", err, got != nil)
		}
		if calls != 1 {
			t.Errorf("got %d progress calls, want 1: reading goes on after the cancel", calls)
		}
	})

	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Read(ctx, r.dir, Options{}); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}
