package hooks

import (
	"net/http"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

const (
	ghRepo      = "Codertocat/Hello-World"
	ghDeploySHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
	ghDeployURL = "https://api.github.com/repos/Codertocat/Hello-World/deployments/145988746"
)

func TestGitHubVerify(t *testing.T) {
	// The example GitHub documents for validating deliveries.
	const secret, body = "It's a Secret to Everybody", "Hello, World!"
	const good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	tests := []struct {
		name      string
		signature string
		body      string
		secret    string
		ok        bool
	}{
		{name: "documented example", signature: good, body: body, secret: secret, ok: true},
		{name: "wrong secret", signature: good, body: body, secret: "It's a secret to nobody"},
		{name: "body changed", signature: good, body: body + " ", secret: secret},
		{name: "missing header", signature: "", body: body, secret: secret},
		{name: "sha1 header form", signature: "sha1=" + good[7:], body: body, secret: secret},
		{name: "not hex", signature: "sha256=zz", body: body, secret: secret},
		{name: "truncated", signature: good[:len(good)-2], body: body, secret: secret},
		{name: "empty secret", signature: good, body: body, secret: ""},
	}
	gh := mustProvider(t, "github")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.signature != "" {
				h.Set("X-Hub-Signature-256", tc.signature)
			}
			err := gh.Verify(h, []byte(tc.body), tc.secret)
			if tc.ok && err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			if !tc.ok && !apperr.Is(err, apperr.Unauthorized) {
				t.Fatalf("got %v, want an unauthorized error", err)
			}
		})
	}
}

func TestGitHubHeaders(t *testing.T) {
	gh := mustProvider(t, "github")
	h := http.Header{}
	h.Set("X-GitHub-Event", "deployment_status")
	h.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	if got := gh.Event(h); got != "deployment_status" {
		t.Errorf("Event: got %q, want deployment_status", got)
	}
	if got := gh.DeliveryID(h); got != "72d3162e-cc78-11e3-81ab-4c9367dc0958" {
		t.Errorf("DeliveryID: got %q, want the X-GitHub-Delivery value", got)
	}
	if got := gh.Event(http.Header{}); got != "" {
		t.Errorf("Event without header: got %q, want empty", got)
	}
}

func TestGitHubPush(t *testing.T) {
	newBranch := readFixture(t, "github/push/with-new-branch.payload.json")
	initial := delivery.ChangeInput{
		Repository:  ghRepo,
		SHA:         "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
		Title:       "Initial commit",
		Author:      "Codertocat",
		AuthorEmail: "21031067+Codertocat@users.noreply.github.com",
		AuthoredAt:  at(t, "2019-05-15T15:19:25Z"),
		Source:      "github",
	}
	const before = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"
	twoCommits := patch(t, newBranch,
		"before", before,
		"created", false,
		"commits", []any{
			map[string]any{
				"id": "AAAA000000000000000000000000000000000001", "message": "Bump lodash from 4.17.20 to 4.17.21\n\nSigned-off-by: dependabot[bot]",
				"timestamp": "2019-05-15T08:19:25-07:00",
				"author":    map[string]any{"name": "dependabot[bot]", "email": "49699333+dependabot[bot]@users.noreply.github.com", "username": "dependabot[bot]"},
			},
			map[string]any{
				"id": "aaaa000000000000000000000000000000000002", "message": "Fix typo",
				"timestamp": "2019-05-16T01:00:00+09:00",
				"author":    map[string]any{"name": "", "email": "octo@example.com", "username": "octocat"},
			},
		})
	tests := []parseCase{
		{
			name: "new branch: no parent", event: "push", body: newBranch,
			want: delivery.Batch{Changes: []delivery.ChangeInput{initial}},
		},
		{
			name: "master_branch when default_branch is missing", event: "push",
			body: patch(t, newBranch, "repository.default_branch", deleted),
			want: delivery.Batch{Changes: []delivery.ChangeInput{initial}},
		},
		{
			name: "parents chain from before; offsets to UTC; bot", event: "push", body: twoCommits,
			want: delivery.Batch{Changes: []delivery.ChangeInput{
				{
					Repository: ghRepo, SHA: "aaaa000000000000000000000000000000000001", Parents: []string{before},
					Title: "Bump lodash from 4.17.20 to 4.17.21", Author: "dependabot[bot]",
					AuthorEmail: "49699333+dependabot[bot]@users.noreply.github.com",
					AuthoredAt:  at(t, "2019-05-15T15:19:25Z"), Bot: true, Source: "github",
				},
				{
					Repository: ghRepo, SHA: "aaaa000000000000000000000000000000000002",
					Parents: []string{"aaaa000000000000000000000000000000000001"},
					Title:   "Fix typo", Author: "octocat", AuthorEmail: "octo@example.com",
					AuthoredAt: at(t, "2019-05-15T16:00:00Z"), Source: "github",
				},
			}},
		},
		{
			name: "tag deletion", event: "push", body: readFixture(t, "github/push/payload.json"),
			ignored: "push deletes refs/tags/simple-tag",
		},
		{
			name: "other branch", event: "push", body: patch(t, newBranch, "ref", "refs/heads/changes"),
			ignored: "not to the default branch master",
		},
		{
			name: "no commits", event: "push", body: patch(t, newBranch, "commits", []any{}),
			ignored: "carries no commits",
		},
		{
			name: "commit without timestamp", event: "push", body: patch(t, twoCommits, "commits", []any{map[string]any{"id": before}}),
			field: "commits[0].timestamp",
		},
		{
			name: "commit with a bad id", event: "push",
			body:  patch(t, newBranch, "commits", []any{map[string]any{"id": "HEAD", "timestamp": "2019-05-15T15:19:25Z"}}),
			field: "commits[0].id",
		},
		{
			name: "no default branch", event: "push",
			body:  patch(t, newBranch, "repository.default_branch", deleted, "repository.master_branch", deleted),
			field: "repository.default_branch",
		},
	}
	runParseCases(t, mustProvider(t, "github"), tests)
}

func TestGitHubPullRequest(t *testing.T) {
	closed := readFixture(t, "github/pull_request/closed.payload.json")
	merged := patch(t, closed,
		"pull_request.merged", true,
		"pull_request.merged_at", "2019-05-15T17:21:18+02:00",
		"pull_request.merge_commit_sha", "c4295bd74fb0f4fda03689c3df3f2803b658fd85",
		"pull_request.merged_by", map[string]any{"login": "Codertocat"},
	)
	want := delivery.PullRequestInput{
		Repository: ghRepo,
		Number:     2,
		Title:      "Update the README with new information.",
		Author:     "Codertocat",
		URL:        "https://github.com/Codertocat/Hello-World/pull/2",
		OpenedAt:   at(t, "2019-05-15T15:20:33Z"),
		MergedAt:   at(t, "2019-05-15T15:21:18Z"),
		MergeSHA:   "c4295bd74fb0f4fda03689c3df3f2803b658fd85",
		HeadSHA:    "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
		Source:     "github",
	}
	byBot := want
	byBot.Author, byBot.Bot = "renovate", true
	tests := []parseCase{
		{
			name: "merged", event: "pull_request", body: merged,
			want: delivery.Batch{PullRequests: []delivery.PullRequestInput{want}},
		},
		{
			name: "merged, opened by a bot account", event: "pull_request",
			body: patch(t, merged, "pull_request.user.login", "renovate", "pull_request.user.type", "Bot"),
			want: delivery.Batch{PullRequests: []delivery.PullRequestInput{byBot}},
		},
		{
			name: "closed without merging", event: "pull_request", body: closed,
			ignored: "pull request #2 closed without merging",
		},
		{
			name: "opened", event: "pull_request", body: patch(t, closed, "action", "opened"),
			ignored: `pull request action "opened"`,
		},
		{
			name: "merged without merge_commit_sha", event: "pull_request",
			body: patch(t, merged, "pull_request.merge_commit_sha", nil), field: "pull_request.merge_commit_sha",
		},
		{
			name: "merged without merged_at", event: "pull_request",
			body: patch(t, merged, "pull_request.merged_at", nil), field: "pull_request.merged_at",
		},
		{
			name: "number is not a number", event: "pull_request",
			body: patch(t, merged, "pull_request.number", "two"), field: "pull_request.number",
		},
	}
	runParseCases(t, mustProvider(t, "github"), tests)
}

func TestGitHubReview(t *testing.T) {
	// pull_request_review payloads embed the same pull_request object.
	review := patch(t, readFixture(t, "github/pull_request/closed.payload.json"),
		"action", "submitted",
		"review", map[string]any{
			"id":           237895671,
			"state":        "approved",
			"submitted_at": "2019-05-15T17:25:00+02:00",
			"user":         map[string]any{"login": "hubot", "type": "User"},
		},
	)
	tests := []parseCase{
		{
			name: "submitted", event: "pull_request_review", body: review,
			want: delivery.Batch{PullRequests: []delivery.PullRequestInput{{
				Repository:    ghRepo,
				Number:        2,
				OpenedAt:      at(t, "2019-05-15T15:20:33Z"),
				FirstReviewAt: at(t, "2019-05-15T15:25:00Z"),
				Source:        "github",
			}}},
		},
		{
			name: "by the author", event: "pull_request_review", body: patch(t, review, "review.user.login", "Codertocat"),
			ignored: "by its own author",
		},
		{
			name: "by a bot", event: "pull_request_review", body: patch(t, review, "review.user.login", "copilot-reviewer[bot]"),
			ignored: "by a bot",
		},
		{
			name: "dismissed", event: "pull_request_review", body: patch(t, review, "action", "dismissed"),
			ignored: `review action "dismissed"`,
		},
		{
			name: "without submitted_at", event: "pull_request_review", body: patch(t, review, "review.submitted_at", deleted),
			field: "review.submitted_at",
		},
	}
	runParseCases(t, mustProvider(t, "github"), tests)
}

func TestGitHubDeployment(t *testing.T) {
	created := readFixture(t, "github/deployment/payload.json")
	want := delivery.DeploymentInput{
		Repository:  ghRepo,
		Environment: "production",
		Version:     "master",
		SHA:         ghDeploySHA,
		StartedAt:   at(t, "2019-05-15T15:20:53Z"),
		Result:      delivery.ResultPending,
		Source:      "github",
		ExternalID:  "145988746",
		URL:         ghDeployURL,
	}
	with := func(remedy string) delivery.Batch {
		d := want
		d.Remedy = remedy
		return delivery.Batch{Deployments: []delivery.DeploymentInput{d}}
	}
	tests := []parseCase{
		{name: "created", event: "deployment", body: created, want: with("")},
		{name: "rollback task", event: "deployment", body: patch(t, created, "deployment.task", "deploy:rollback"), want: with(delivery.RemedyRollback)},
		{name: "roll back in the description", event: "deployment", body: patch(t, created, "deployment.description", "Roll back v1.4"), want: with(delivery.RemedyRollback)},
		{name: "revert in the payload", event: "deployment", body: patch(t, created, "deployment.payload", map[string]any{"revert_to": "v1.3"}), want: with(delivery.RemedyRollback)},
		{name: "hotfix", event: "deployment", body: patch(t, created, "deployment.description", "HOTFIX for checkout"), want: with(delivery.RemedyFix)},
		{name: "fix inside a word is not a fix", event: "deployment", body: patch(t, created, "deployment.description", "prefix caches, fixtures"), want: with("")},
		{name: "id as a string", event: "deployment", body: patch(t, created, "deployment.id", "145988746"), want: with("")},
		{name: "without sha", event: "deployment", body: patch(t, created, "deployment.sha", deleted), field: "deployment.sha"},
		{name: "sha is a branch", event: "deployment", body: patch(t, created, "deployment.sha", "main"), field: "deployment.sha"},
		{name: "sha is a number", event: "deployment", body: patch(t, created, "deployment.sha", 1234), field: "deployment.sha"},
		{name: "id is an object", event: "deployment", body: patch(t, created, "deployment.id", map[string]any{}), field: "deployment.id"},
		{name: "without id", event: "deployment", body: patch(t, created, "deployment.id", nil), field: "deployment.id"},
		{name: "without environment", event: "deployment", body: patch(t, created, "deployment.environment", " "), field: "deployment.environment"},
		{name: "bad created_at", event: "deployment", body: patch(t, created, "deployment.created_at", "yesterday"), field: "deployment.created_at"},
		{name: "malformed JSON", event: "deployment", body: created[:len(created)/2], field: "body"},
		{name: "not an object", event: "deployment", body: []byte(`["deployment"]`), field: "body"},
	}
	runParseCases(t, mustProvider(t, "github"), tests)
}

func TestGitHubDeploymentStatus(t *testing.T) {
	status := readFixture(t, "github/deployment_status/payload.json")
	base := delivery.DeploymentInput{
		Repository:  ghRepo,
		Environment: "production",
		Version:     "master",
		SHA:         ghDeploySHA,
		StartedAt:   at(t, "2019-05-15T15:20:53Z"),
		Source:      "github",
		ExternalID:  "145988746",
		URL:         ghDeployURL,
	}
	finished := func(result string) delivery.Batch {
		d := base
		d.Result, d.FinishedAt = result, at(t, "2019-05-15T15:20:55Z")
		return delivery.Batch{Deployments: []delivery.DeploymentInput{d}}
	}
	pending := base
	pending.Result = delivery.ResultPending
	logged := finished(delivery.ResultFailure)
	logged.Deployments[0].URL = "https://ci.example.com/runs/7"
	tests := []parseCase{
		{name: "success", event: "deployment_status", body: status, want: finished(delivery.ResultSuccess)},
		{name: "failure", event: "deployment_status", body: patch(t, status, "deployment_status.state", "failure"), want: finished(delivery.ResultFailure)},
		{name: "error", event: "deployment_status", body: patch(t, status, "deployment_status.state", "error"), want: finished(delivery.ResultFailure)},
		{
			name: "log_url wins", event: "deployment_status",
			body: patch(t, status, "deployment_status.state", "error", "deployment_status.log_url", "https://ci.example.com/runs/7"),
			want: logged,
		},
		{
			name: "updated_at when created_at is missing", event: "deployment_status",
			body: patch(t, status, "deployment_status.created_at", deleted),
			want: finished(delivery.ResultSuccess),
		},
		{name: "in progress", event: "deployment_status", body: patch(t, status, "deployment_status.state", "in_progress"), want: delivery.Batch{Deployments: []delivery.DeploymentInput{pending}}},
		{name: "queued", event: "deployment_status", body: patch(t, status, "deployment_status.state", "queued"), want: delivery.Batch{Deployments: []delivery.DeploymentInput{pending}}},
		{name: "inactive", event: "deployment_status", body: patch(t, status, "deployment_status.state", "inactive"), ignored: "deployment 145988746 is inactive"},
		{name: "without state", event: "deployment_status", body: patch(t, status, "deployment_status.state", deleted), field: "deployment_status.state"},
		{
			name: "finished without a time", event: "deployment_status",
			body:  patch(t, status, "deployment_status.created_at", deleted, "deployment_status.updated_at", deleted),
			field: "deployment_status.created_at",
		},
		{
			name: "finished before it started", event: "deployment_status",
			body:  patch(t, status, "deployment_status.created_at", "2019-05-15T15:00:00Z"),
			field: "deployment_status.created_at",
		},
		{name: "deployment without sha", event: "deployment_status", body: patch(t, status, "deployment.sha", ""), field: "deployment.sha"},
	}
	runParseCases(t, mustProvider(t, "github"), tests)
}

func TestGitHubRelease(t *testing.T) {
	published := readFixture(t, "github/release/published.payload.json")
	const sha = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
	tests := []parseCase{
		{
			name: "target is a branch", event: "release", body: published,
			ignored: `release 0.0.1 targets "master", not a commit SHA; send deployment events`,
		},
		{
			name: "target is a commit", event: "release", body: patch(t, published, "release.target_commitish", sha),
			want: delivery.Batch{Deployments: []delivery.DeploymentInput{{
				Repository:  ghRepo,
				Environment: "production",
				Version:     "0.0.1",
				SHA:         sha,
				StartedAt:   at(t, "2019-05-15T15:20:53Z"),
				FinishedAt:  at(t, "2019-05-15T15:20:53Z"),
				Result:      delivery.ResultSuccess,
				Source:      "github",
				ExternalID:  "release:17372790",
				URL:         "https://github.com/Codertocat/Hello-World/releases/tag/0.0.1",
			}}},
		},
		{
			name: "prerelease", event: "release", body: patch(t, published, "release.target_commitish", sha, "release.prerelease", true),
			ignored: "prerelease",
		},
		{name: "created", event: "release", body: patch(t, published, "action", "created"), ignored: `release action "created"`},
	}
	runParseCases(t, mustProvider(t, "github"), tests)
}

func TestGitHubIssue(t *testing.T) {
	labeled := readFixture(t, "github/issues/labeled.payload.json")
	incident := patch(t, labeled, "issue.labels", []any{map[string]any{"name": "bug"}, map[string]any{"name": "Type: Incident"}})
	open := delivery.FailureInput{
		Repository: ghRepo,
		Title:      "Spelling error in the README file",
		StartedAt:  at(t, "2019-05-15T15:20:18Z"),
		Source:     "github",
		ExternalID: "issue:1",
		URL:        "https://github.com/Codertocat/Hello-World/issues/1",
	}
	resolved := open
	resolved.ResolvedAt = at(t, "2019-05-15T16:02:00Z")
	resolved.Deployment = "f95f852"
	tests := []parseCase{
		{name: "incident label", event: "issues", body: incident, want: delivery.Batch{Failures: []delivery.FailureInput{open}}},
		{
			name: "kind/incident", event: "issues",
			body: patch(t, labeled, "issue.labels", []any{map[string]any{"name": "kind/incident"}}),
			want: delivery.Batch{Failures: []delivery.FailureInput{open}},
		},
		{
			name: "closed, naming its deployment", event: "issues",
			body: patch(t, incident, "action", "closed", "issue.state", "closed", "issue.closed_at", "2019-05-15T18:02:00+02:00",
				"issue.body", "Checkout is down.\n\nDeployment: f95f852\n"),
			want: delivery.Batch{Failures: []delivery.FailureInput{resolved}},
		},
		{
			name: "reopened: open again", event: "issues",
			body: patch(t, incident, "action", "reopened", "issue.state", "open", "issue.closed_at", nil),
			want: delivery.Batch{Failures: []delivery.FailureInput{open}},
		},
		{name: "no incident label", event: "issues", body: labeled, ignored: "issue #1 has no incident label"},
		{name: "assigned", event: "issues", body: patch(t, incident, "action", "assigned"), ignored: `issue action "assigned"`},
		{name: "without title", event: "issues", body: patch(t, incident, "issue.title", "  "), field: "issue.title"},
		{
			name: "closed before it opened", event: "issues",
			body:  patch(t, incident, "issue.state", "closed", "issue.closed_at", "2019-05-14T00:00:00Z"),
			field: "issue.closed_at",
		},
	}
	runParseCases(t, mustProvider(t, "github"), tests)
}

func TestGitHubOtherEvents(t *testing.T) {
	tests := []parseCase{
		{name: "ping", event: "ping", body: []byte(`{"zen":"Keep it logically awesome."}`), ignored: "ping"},
		{name: "workflow_run", event: "workflow_run", body: readFixture(t, "github/workflow_run/completed.payload.json"), ignored: `"workflow_run" events are not read`},
		{name: "no event", event: "", body: []byte(`{}`), ignored: "no event type"},
		{name: "unknown event with a body that is not JSON", event: "star", body: []byte(`<html>`), ignored: `"star"`},
	}
	runParseCases(t, mustProvider(t, "github"), tests)
}
