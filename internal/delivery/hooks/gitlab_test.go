package hooks

import (
	"net/http"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

const (
	glRepo      = "platform/payments"
	glMergeSHA  = "c0ffee11d2e3f405a6b7c8d9e0f1a2b3c4d5e6f7"
	glBranchSHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
)

func TestGitLabVerify(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		secret string
		ok     bool
	}{
		{name: "token ok", token: "s3cr3t-t0ken", secret: "s3cr3t-t0ken", ok: true},
		{name: "wrong token", token: "s3cr3t-t0kem", secret: "s3cr3t-t0ken"},
		{name: "token is a prefix", token: "s3cr3t", secret: "s3cr3t-t0ken"},
		{name: "missing token", token: "", secret: "s3cr3t-t0ken"},
		{name: "empty secret", token: "s3cr3t-t0ken", secret: ""},
	}
	gl := mustProvider(t, "gitlab")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.token != "" {
				h.Set("X-Gitlab-Token", tc.token)
			}
			err := gl.Verify(h, []byte(`{}`), tc.secret)
			if tc.ok && err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			if !tc.ok && !apperr.Is(err, apperr.Unauthorized) {
				t.Fatalf("got %v, want an unauthorized error", err)
			}
		})
	}
}

func TestGitLabHeaders(t *testing.T) {
	gl := mustProvider(t, "gitlab")
	tests := []struct {
		name   string
		header map[string]string
		want   string
	}{
		{name: "idempotency key", header: map[string]string{"Idempotency-Key": "f5b0c1d2", "X-Gitlab-Event-UUID": "9a8b7c6d"}, want: "f5b0c1d2"},
		{name: "event uuid from older GitLab", header: map[string]string{"X-Gitlab-Event-UUID": "9a8b7c6d"}, want: "9a8b7c6d"},
		{name: "none", header: map[string]string{}, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			if got := gl.DeliveryID(h); got != tc.want {
				t.Errorf("DeliveryID: got %q, want %q", got, tc.want)
			}
		})
	}
	h := http.Header{}
	h.Set("X-Gitlab-Event", "Merge Request Hook")
	if got := gl.Event(h); got != "Merge Request Hook" {
		t.Errorf("Event: got %q, want Merge Request Hook", got)
	}
}

func TestGitLabPush(t *testing.T) {
	push := readFixture(t, "gitlab/push.json")
	const before = "3f1c2a9d8e7b6a5c4d3e2f1a0b9c8d7e6f5a4b3c"
	const bump = "b7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6"
	changes := []delivery.ChangeInput{
		{
			Repository: glRepo, SHA: glBranchSHA, Parents: []string{before},
			Title: "Retry card captures on 502", Author: "Ada Park", AuthorEmail: "ada.park@example.com",
			AuthoredAt: at(t, "2024-03-05T07:12:44Z"), Source: "gitlab",
		},
		{
			Repository: glRepo, SHA: bump, Parents: []string{glBranchSHA},
			Title: "chore(deps): update module golang.org/x/net to v0.23.0", Author: "renovate", AuthorEmail: "renovate@example.com",
			AuthoredAt: at(t, "2024-03-05T07:30:00Z"), Bot: true, Source: "gitlab",
		},
		{
			Repository: glRepo, SHA: glMergeSHA, Parents: []string{bump},
			Title: "Merge branch 'retry-502' into 'main'", Author: "Ada Park", AuthorEmail: "ada.park@example.com",
			AuthoredAt: at(t, "2024-03-05T15:01:09Z"), Source: "gitlab",
		},
	}
	truncated := append([]delivery.ChangeInput(nil), changes...)
	truncated[0].Parents = nil
	tests := []parseCase{
		{name: "default branch", event: "Push Hook", body: push, want: delivery.Batch{Changes: changes}},
		{
			name: "more commits than listed: first parent unknown", event: "Push Hook",
			body: patch(t, push, "total_commits_count", 25), want: delivery.Batch{Changes: truncated},
		},
		{name: "other branch", event: "Push Hook", body: patch(t, push, "ref", "refs/heads/retry-502"), ignored: "not to the default branch main"},
		{name: "branch deleted", event: "Push Hook", body: patch(t, push, "after", "0000000000000000000000000000000000000000", "commits", []any{}), ignored: "push deletes refs/heads/main"},
		{name: "tag push", event: "Tag Push Hook", body: push, ignored: `"Tag Push Hook" events are not read`},
		{name: "no default branch", event: "Push Hook", body: patch(t, push, "project.default_branch", nil), field: "project.default_branch"},
		{name: "bad before", event: "Push Hook", body: patch(t, push, "before", "main~1"), field: "before"},
	}
	runParseCases(t, mustProvider(t, "gitlab"), tests)
}

func TestGitLabMergeRequest(t *testing.T) {
	merged := readFixture(t, "gitlab/merge_request.merged.json")
	want := delivery.PullRequestInput{
		Repository: glRepo,
		Number:     87,
		Title:      "Retry card captures on 502",
		URL:        "https://gitlab.example.com/platform/payments/-/merge_requests/87",
		OpenedAt:   at(t, "2024-03-04T16:40:12Z"),
		MergedAt:   at(t, "2024-03-05T15:01:09Z"),
		MergeSHA:   glMergeSHA,
		HeadSHA:    glBranchSHA,
		Source:     "gitlab",
	}
	fromUpdated := want
	fromUpdated.MergedAt = at(t, "2024-03-05T15:01:10Z")
	fastForward := want
	fastForward.MergeSHA = glBranchSHA
	isoTimes := want
	isoTimes.OpenedAt = at(t, "2024-03-04T15:40:12Z")
	tests := []parseCase{
		{name: "merged", event: "Merge Request Hook", body: merged, want: delivery.Batch{PullRequests: []delivery.PullRequestInput{want}}},
		{
			name: "merged_at absent: updated_at", event: "Merge Request Hook",
			body: patch(t, merged, "object_attributes.merged_at", deleted),
			want: delivery.Batch{PullRequests: []delivery.PullRequestInput{fromUpdated}},
		},
		{
			name: "fast-forward: no merge commit", event: "Merge Request Hook",
			body: patch(t, merged, "object_attributes.merge_commit_sha", nil),
			want: delivery.Batch{PullRequests: []delivery.PullRequestInput{fastForward}},
		},
		{
			name: "ISO times with an offset", event: "Merge Request Hook",
			body: patch(t, merged, "object_attributes.created_at", "2024-03-04T16:40:12+01:00"),
			want: delivery.Batch{PullRequests: []delivery.PullRequestInput{isoTimes}},
		},
		{
			name: "state merged on a later update", event: "Merge Request Hook",
			body: patch(t, merged, "object_attributes.action", "update"),
			want: delivery.Batch{PullRequests: []delivery.PullRequestInput{want}},
		},
		{
			name: "opened", event: "Merge Request Hook",
			body:    patch(t, merged, "object_attributes.action", "open", "object_attributes.state", "opened"),
			ignored: `merge request action "open"`,
		},
		{
			name: "closed unmerged", event: "Merge Request Hook",
			body:    patch(t, merged, "object_attributes.action", "close", "object_attributes.state", "closed"),
			ignored: `merge request action "close"`,
		},
		{
			name: "no time it merged", event: "Merge Request Hook",
			body:  patch(t, merged, "object_attributes.merged_at", deleted, "object_attributes.updated_at", deleted),
			field: "object_attributes.merged_at",
		},
		{
			name: "no commit at all", event: "Merge Request Hook",
			body:  patch(t, merged, "object_attributes.merge_commit_sha", nil, "object_attributes.last_commit", nil),
			field: "object_attributes.merge_commit_sha",
		},
		{name: "no iid", event: "Merge Request Hook", body: patch(t, merged, "object_attributes.iid", deleted), field: "object_attributes.iid"},
		{name: "bad created_at", event: "Merge Request Hook", body: patch(t, merged, "object_attributes.created_at", "2024-03-04 16:40:12 CET"), field: "object_attributes.created_at"},
	}
	runParseCases(t, mustProvider(t, "gitlab"), tests)
}

func TestGitLabDeployment(t *testing.T) {
	success := readFixture(t, "gitlab/deployment.success.json")
	base := delivery.DeploymentInput{
		Repository:  glRepo,
		Environment: "production",
		Version:     "v2.14.0",
		SHA:         glMergeSHA,
		Source:      "gitlab",
		ExternalID:  "4211",
		URL:         "https://gitlab.example.com/platform/payments/-/jobs/88120",
	}
	done := func(result string) delivery.Batch {
		d := base
		d.Result, d.FinishedAt = result, at(t, "2024-03-05T15:20:31Z")
		return delivery.Batch{Deployments: []delivery.DeploymentInput{d}}
	}
	running := base
	running.Result, running.StartedAt = delivery.ResultPending, at(t, "2024-03-05T15:18:02Z")
	short := done(delivery.ResultSuccess)
	short.Deployments[0].SHA = "c0ffee11"
	tests := []parseCase{
		{name: "success, full sha from commit_url", event: "Deployment Hook", body: success, want: done(delivery.ResultSuccess)},
		{name: "failed", event: "Deployment Hook", body: patch(t, success, "status", "failed"), want: done(delivery.ResultFailure)},
		{
			name: "running", event: "Deployment Hook", body: readFixture(t, "gitlab/deployment.running.json"),
			want: delivery.Batch{Deployments: []delivery.DeploymentInput{running}},
		},
		{
			name: "sha field wins", event: "Deployment Hook",
			body: patch(t, success, "sha", "C0FFEE11D2E3F405A6B7C8D9E0F1A2B3C4D5E6F7", "commit_url", deleted),
			want: done(delivery.ResultSuccess),
		},
		{name: "only short_sha", event: "Deployment Hook", body: patch(t, success, "commit_url", deleted), want: short},
		{name: "canceled", event: "Deployment Hook", body: patch(t, success, "status", "canceled"), ignored: "deployment 4211 canceled"},
		{name: "no sha at all", event: "Deployment Hook", body: patch(t, success, "commit_url", deleted, "short_sha", deleted), field: "sha"},
		{name: "no deployment_id", event: "Deployment Hook", body: patch(t, success, "deployment_id", deleted), field: "deployment_id"},
		{name: "no status", event: "Deployment Hook", body: patch(t, success, "status", deleted), field: "status"},
		{name: "no environment", event: "Deployment Hook", body: patch(t, success, "environment", ""), field: "environment"},
		{name: "malformed JSON", event: "Deployment Hook", body: []byte(`{"status": "success",}`), field: "body"},
	}
	runParseCases(t, mustProvider(t, "gitlab"), tests)
}

func TestGitLabIssue(t *testing.T) {
	incident := readFixture(t, "gitlab/issue.incident.json")
	labeled := readFixture(t, "gitlab/issue.labeled.json")
	closed := delivery.FailureInput{
		Repository: glRepo,
		Title:      "Card captures time out for EU merchants",
		StartedAt:  at(t, "2024-03-05T15:41:00Z"),
		ResolvedAt: at(t, "2024-03-05T17:05:11Z"),
		Deployment: glMergeSHA,
		Source:     "gitlab",
		ExternalID: "issue:131",
		URL:        "https://gitlab.example.com/platform/payments/-/issues/131",
	}
	closedLate := closed
	closedLate.ResolvedAt = at(t, "2024-03-05T17:05:12Z")
	tests := []parseCase{
		{name: "incident type, closed", event: "Issue Hook", body: incident, want: delivery.Batch{Failures: []delivery.FailureInput{closed}}},
		{
			name: "closed without closed_at: updated_at", event: "Issue Hook",
			body: patch(t, incident, "object_attributes.closed_at", nil),
			want: delivery.Batch{Failures: []delivery.FailureInput{closedLate}},
		},
		{
			name: "incident label, open", event: "Issue Hook", body: labeled,
			want: delivery.Batch{Failures: []delivery.FailureInput{{
				Repository: "platform/ledger",
				Title:      "Nightly balance export is empty",
				StartedAt:  at(t, "2024-03-06T02:14:00Z"),
				Source:     "gitlab",
				ExternalID: "issue:9",
				URL:        "https://gitlab.example.com/platform/ledger/-/issues/9",
			}}},
		},
		{
			name: "plain issue", event: "Issue Hook",
			body:    patch(t, incident, "object_attributes.issue_type", "issue"),
			ignored: "issue #131 is not an incident",
		},
		{name: "no created_at", event: "Issue Hook", body: patch(t, incident, "object_attributes.created_at", deleted), field: "object_attributes.created_at"},
		{
			name: "closed before it opened", event: "Issue Hook",
			body:  patch(t, incident, "object_attributes.closed_at", "2024-03-05T15:00:00Z"),
			field: "object_attributes.closed_at",
		},
		{name: "labels not a list", event: "Issue Hook", body: patch(t, labeled, "labels", "incident"), field: "labels"},
	}
	runParseCases(t, mustProvider(t, "gitlab"), tests)
}
