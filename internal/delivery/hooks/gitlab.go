package hooks

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

const sourceGitLab = "gitlab"

// gitlab reads GitLab project and group webhooks.
type gitlab struct{}

// gitlabEvents maps X-Gitlab-Event to its parser; events not listed (Tag
// Push Hook, Pipeline Hook, Job Hook...) are ignored.
var gitlabEvents = map[string]parser{
	"Push Hook":               gitlabPush,
	"Merge Request Hook":      gitlabMergeRequest,
	"Deployment Hook":         gitlabDeployment,
	"Issue Hook":              gitlabIssue,
	"Confidential Issue Hook": gitlabIssue,
}

// gitlabProject is the part of a payload's project Chief reads.
type gitlabProject struct {
	PathWithNamespace string `json:"path_with_namespace"`
	DefaultBranch     string `json:"default_branch"`
}

func (gitlab) Name() string { return sourceGitLab }

// Verify compares X-Gitlab-Token, which GitLab sends as given, with the
// secret in constant time. Both are hashed first so the comparison does not
// leak the secret's length either. An empty secret is refused.
func (gitlab) Verify(header http.Header, _ []byte, secret string) error {
	if secret == "" {
		return apperr.New(apperr.Unauthorized, "no webhook secret is set for gitlab; set one on both sides")
	}
	token := header.Get("X-Gitlab-Token")
	if token == "" {
		return apperr.New(apperr.Unauthorized, "the X-Gitlab-Token header is missing; set a secret token on the GitLab webhook")
	}
	got, want := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return apperr.New(apperr.Unauthorized, "the X-Gitlab-Token does not match; check the webhook secret token")
	}
	return nil
}

func (gitlab) Event(header http.Header) string { return header.Get("X-Gitlab-Event") }

// DeliveryID prefers Idempotency-Key, which GitLab keeps the same when it
// retries a delivery, and falls back to X-Gitlab-Event-UUID from GitLab
// versions that do not send it.
func (gitlab) DeliveryID(header http.Header) string {
	if id := header.Get("Idempotency-Key"); id != "" {
		return id
	}
	return header.Get("X-Gitlab-Event-UUID")
}

func (gitlab) Parse(event string, body []byte) (delivery.Batch, error) {
	return parseEvent(gitlabEvents, event, body)
}

// gitlabPush records the commits a push puts on the default branch. GitLab
// lists at most 20 commits (total_commits_count says how many there were);
// when some are left out, the first listed commit's parent is unknown
// rather than before.
func gitlabPush(body []byte) (delivery.Batch, error) {
	var p struct {
		Ref               string        `json:"ref"`
		Before            string        `json:"before"`
		After             string        `json:"after"`
		TotalCommitsCount int           `json:"total_commits_count"`
		Commits           []pushCommit  `json:"commits"`
		Project           gitlabProject `json:"project"`
	}
	if err := decode(body, &p); err != nil {
		return delivery.Batch{}, err
	}
	if isZeroSHA(p.After) {
		return ignored("push deletes %s", p.Ref), nil
	}
	branch := p.Project.DefaultBranch
	if branch == "" {
		return delivery.Batch{}, apperr.Field("project.default_branch", "is required")
	}
	if p.Ref != "refs/heads/"+branch {
		return ignored("push to %s, not to the default branch %s", p.Ref, branch), nil
	}
	if len(p.Commits) == 0 {
		return ignored("push to %s carries no commits", p.Ref), nil
	}
	before, err := beforeAt("before", p.Before)
	if err != nil {
		return delivery.Batch{}, err
	}
	if p.TotalCommitsCount > len(p.Commits) {
		before = ""
	}
	changes, err := pushChanges(sourceGitLab, p.Project.PathWithNamespace, before, p.Commits)
	if err != nil {
		return delivery.Batch{}, err
	}
	return delivery.Batch{Changes: changes}, nil
}

// gitlabMergeRequest records a merged merge request; other actions are
// ignored. GitLab names neither the author nor, on fast-forward merges, a
// merge commit: then the source branch's last commit is what landed.
func gitlabMergeRequest(body []byte) (delivery.Batch, error) {
	var e struct {
		Attrs struct {
			IID             int64  `json:"iid"`
			Title           string `json:"title"`
			URL             string `json:"url"`
			State           string `json:"state"`
			Action          string `json:"action"`
			CreatedAt       string `json:"created_at"`
			UpdatedAt       string `json:"updated_at"`
			MergedAt        string `json:"merged_at"`
			MergeCommitSHA  string `json:"merge_commit_sha"`
			SquashCommitSHA string `json:"squash_commit_sha"`
			LastCommit      struct {
				ID string `json:"id"`
			} `json:"last_commit"`
		} `json:"object_attributes"`
		Project gitlabProject `json:"project"`
	}
	if err := decode(body, &e); err != nil {
		return delivery.Batch{}, err
	}
	mr := e.Attrs
	if mr.Action != "merge" && mr.State != "merged" {
		return ignored("merge request action %q (state %q)", mr.Action, mr.State), nil
	}
	if mr.IID <= 0 {
		return delivery.Batch{}, apperr.Field("object_attributes.iid", "must be a positive number, got %d", mr.IID)
	}
	in := delivery.PullRequestInput{
		Repository: e.Project.PathWithNamespace,
		Number:     mr.IID,
		Title:      strings.TrimSpace(mr.Title),
		URL:        mr.URL,
		Source:     sourceGitLab,
	}
	var err error
	if in.OpenedAt, err = timeAt("object_attributes.created_at", mr.CreatedAt, true); err != nil {
		return delivery.Batch{}, err
	}
	path, at := "object_attributes.merged_at", mr.MergedAt
	if at == "" {
		path, at = "object_attributes.updated_at", mr.UpdatedAt
	}
	if at == "" {
		return delivery.Batch{}, apperr.Field("object_attributes.merged_at", "is required (or updated_at)")
	}
	if in.MergedAt, err = timeAt(path, at, true); err != nil {
		return delivery.Batch{}, err
	}
	if in.HeadSHA, err = shaAt("object_attributes.last_commit.id", mr.LastCommit.ID, false); err != nil {
		return delivery.Batch{}, err
	}
	path, sha := "object_attributes.merge_commit_sha", mr.MergeCommitSHA
	if sha == "" && mr.SquashCommitSHA != "" {
		path, sha = "object_attributes.squash_commit_sha", mr.SquashCommitSHA
	}
	if sha == "" {
		sha = in.HeadSHA
	}
	if in.MergeSHA, err = shaAt(path, sha, true); err != nil {
		return delivery.Batch{}, err
	}
	return delivery.Batch{PullRequests: []delivery.PullRequestInput{in}}, nil
}
