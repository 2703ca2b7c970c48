package gitrepo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/delivery"
)

// testRepo is a repository built with the git binary, every date and name
// fixed so that what Read returns can be checked exactly.
type testRepo struct {
	tb  testing.TB
	dir string
}

// newTestRepo makes an empty repository whose first branch is main.
func newTestRepo(tb testing.TB) *testRepo {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("git is not installed")
	}
	r := &testRepo{tb: tb, dir: filepath.Join(tb.TempDir(), "repo")}
	runGit(tb, "", nil, "init", "-q", "-b", "main", r.dir)
	return r
}

// runGit runs git in dir with a clean configuration, the fixed identity
// and extra environment (dates) and returns its trimmed output.
func runGit(tb testing.TB, dir string, env []string, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"HOME="+tb.TempDir(),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Ada Lovelace",
		"GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Grace Hopper",
		"GIT_COMMITTER_EMAIL=grace@example.com",
		"GIT_AUTHOR_DATE=2024-01-01T00:00:00+02:00",
		"GIT_COMMITTER_DATE=2024-01-01T00:00:00+02:00",
	)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *testRepo) git(args ...string) string {
	r.tb.Helper()
	return runGit(r.tb, r.dir, nil, args...)
}

// at is the environment for a command run at the given author and
// committer dates (git's ISO 8601 form, with an offset).
func at(authored, committed string) []string {
	return []string{"GIT_AUTHOR_DATE=" + authored, "GIT_COMMITTER_DATE=" + committed}
}

// commit makes an empty commit authored and committed at the given dates
// and returns its SHA.
func (r *testRepo) commit(title, authored, committed string, env ...string) string {
	r.tb.Helper()
	runGit(r.tb, r.dir, append(at(authored, committed), env...), "commit", "-q", "--allow-empty", "-m", title, "-m", "Body of "+title+".")
	return r.git("rev-parse", "HEAD")
}

// merge merges branch into the current branch with a merge commit and
// returns its SHA.
func (r *testRepo) merge(branch, title, date string) string {
	r.tb.Helper()
	runGit(r.tb, r.dir, at(date, date), "merge", "-q", "--no-ff", "-m", title, branch)
	return r.git("rev-parse", "HEAD")
}

// change is a want value: a commit by the test identity.
func change(sha string, parents []string, title, authored, committed string) delivery.ChangeInput {
	return delivery.ChangeInput{
		SHA:         sha,
		Parents:     parents,
		Title:       title,
		Author:      "Ada Lovelace",
		AuthorEmail: "ada@example.com",
		AuthoredAt:  mustTime(authored),
		CommittedAt: mustTime(committed),
		Source:      "git",
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// checkChanges compares changes record by record.
func checkChanges(tb testing.TB, got, want []delivery.ChangeInput) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("got %d changes, want %d:\n%s", len(got), len(want), listChanges(got))
	}
	for i := range min(len(got), len(want)) {
		if g, w := fmt.Sprintf("%+v", got[i]), fmt.Sprintf("%+v", want[i]); g != w {
			tb.Errorf("change %d:\ngot  %s\nwant %s", i, g, w)
		}
	}
}

func listChanges(cs []delivery.ChangeInput) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "  %s %q %v\n", c.SHA[:7], c.Title, c.Parents)
	}
	return b.String()
}

// checkDeployments compares deployments record by record.
func checkDeployments(tb testing.TB, got, want []delivery.DeploymentInput) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("got %d deployments, want %d: %+v", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		if g, w := fmt.Sprintf("%+v", got[i]), fmt.Sprintf("%+v", want[i]); g != w {
			tb.Errorf("deployment %d:\ngot  %s\nwant %s", i, g, w)
		}
	}
}

// wantDeployment is a want value: a successful production deployment.
func wantDeployment(sha, version, externalID, when string) delivery.DeploymentInput {
	t := mustTime(when)
	return delivery.DeploymentInput{
		Environment: "production",
		Version:     version,
		SHA:         sha,
		StartedAt:   t,
		FinishedAt:  t,
		Result:      "success",
		Source:      "git",
		ExternalID:  externalID,
	}
}

// fastImport writes a linear history of n commits on main, one a minute
// from 2024-01-01, with git fast-import.
func (r *testRepo) fastImport(n int) {
	r.tb.Helper()
	var b strings.Builder
	start := mustTime("2024-01-01T00:00:00Z").Unix()
	for i := 1; i <= n; i++ {
		msg := fmt.Sprintf("Change %d\n", i)
		fmt.Fprintf(&b, "commit refs/heads/main\nmark :%d\n", i)
		fmt.Fprintf(&b, "author Ada Lovelace <ada@example.com> %d +0000\n", start+int64(i)*60)
		fmt.Fprintf(&b, "committer Ada Lovelace <ada@example.com> %d +0000\n", start+int64(i)*60)
		fmt.Fprintf(&b, "data %d\n%s", len(msg), msg)
		if i > 1 {
			fmt.Fprintf(&b, "from :%d\n", i-1)
		}
		b.WriteString("\n")
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = r.dir
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		r.tb.Fatalf("git fast-import: %v\n%s", err, out)
	}
}
