package hooks

import (
	"path"
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

// gitlabDeployment records a deployment's status change. GitLab sends only
// the time the status changed: it starts a running or created deployment
// and finishes a successful or failed one. A canceled deployment put nothing
// in place and is ignored, as is any status GitLab may add later.
//
// The hook documents short_sha and commit_url but no full SHA: the full
// one is taken from "sha" when present, else from the end of commit_url,
// else the short one is used (delivery accepts 4 to 64 hex digits).
func gitlabDeployment(body []byte) (delivery.Batch, error) {
	var e struct {
		Status          string        `json:"status"`
		StatusChangedAt string        `json:"status_changed_at"`
		DeploymentID    ident         `json:"deployment_id"`
		DeployableURL   string        `json:"deployable_url"`
		Environment     string        `json:"environment"`
		SHA             string        `json:"sha"`
		ShortSHA        string        `json:"short_sha"`
		CommitURL       string        `json:"commit_url"`
		Ref             string        `json:"ref"`
		Project         gitlabProject `json:"project"`
	}
	if err := decode(body, &e); err != nil {
		return delivery.Batch{}, err
	}
	var result string
	switch status := strings.ToLower(e.Status); status {
	case "success":
		result = delivery.ResultSuccess
	case "failed":
		result = delivery.ResultFailure
	case "running", "created", "blocked":
		result = delivery.ResultPending
	case "canceled":
		return ignored("deployment %s canceled", e.DeploymentID), nil
	case "":
		return delivery.Batch{}, apperr.Field("status", "is required")
	default:
		return ignored("deployment status %q", status), nil
	}
	if e.DeploymentID == "" {
		return delivery.Batch{}, apperr.Field("deployment_id", "is required")
	}
	shaPath, sha := "sha", e.SHA
	if sha == "" {
		if last := path.Base(e.CommitURL); isFullSHA(last) {
			shaPath, sha = "commit_url", last
		} else {
			shaPath, sha = "short_sha", e.ShortSHA
		}
	}
	sha, err := shaAt(shaPath, sha, true)
	if err != nil {
		if e.SHA == "" && e.ShortSHA == "" {
			return delivery.Batch{}, apperr.Field("sha", "is required (or short_sha)")
		}
		return delivery.Batch{}, err
	}
	env, err := environmentAt("environment", e.Environment)
	if err != nil {
		return delivery.Batch{}, err
	}
	changed, err := timeAt("status_changed_at", e.StatusChangedAt, false)
	if err != nil {
		return delivery.Batch{}, err
	}
	d := delivery.DeploymentInput{
		Repository:  e.Project.PathWithNamespace,
		Environment: env,
		Version:     strings.TrimSpace(e.Ref),
		SHA:         sha,
		Result:      result,
		Source:      sourceGitLab,
		ExternalID:  string(e.DeploymentID),
		URL:         e.DeployableURL,
	}
	if result == delivery.ResultPending {
		d.StartedAt = changed
	} else {
		d.FinishedAt = changed
	}
	return delivery.Batch{Deployments: []delivery.DeploymentInput{d}}, nil
}

// gitlabLabel is a label as issue hooks list it.
type gitlabLabel struct {
	Title string `json:"title"`
}

// gitlabIssue records an incident (issue_type "incident", or a label such
// as "incident" or "type::incident") as a production failure, resolved when
// the issue is closed. A "Deployment: <sha or id>" line in the description
// names the deployment that caused it.
func gitlabIssue(body []byte) (delivery.Batch, error) {
	var e struct {
		Attrs struct {
			IID         int64         `json:"iid"`
			Title       string        `json:"title"`
			Description string        `json:"description"`
			URL         string        `json:"url"`
			State       string        `json:"state"`
			IssueType   string        `json:"issue_type"`
			CreatedAt   string        `json:"created_at"`
			UpdatedAt   string        `json:"updated_at"`
			ClosedAt    string        `json:"closed_at"`
			Labels      []gitlabLabel `json:"labels"`
		} `json:"object_attributes"`
		Labels  []gitlabLabel `json:"labels"`
		Project gitlabProject `json:"project"`
	}
	if err := decode(body, &e); err != nil {
		return delivery.Batch{}, err
	}
	is := e.Attrs
	incident := strings.EqualFold(is.IssueType, "incident")
	for _, l := range append(e.Labels, is.Labels...) {
		incident = incident || isIncidentLabel(l.Title)
	}
	if !incident {
		return ignored("issue #%d is not an incident and has no incident label", is.IID), nil
	}
	if is.IID <= 0 {
		return delivery.Batch{}, apperr.Field("object_attributes.iid", "must be a positive number, got %d", is.IID)
	}
	f, err := failure(sourceGitLab, "object_attributes", is.Title, is.CreatedAt)
	if err != nil {
		return delivery.Batch{}, err
	}
	if is.State == "closed" {
		closedPath, closed := "object_attributes.closed_at", is.ClosedAt
		if closed == "" {
			closedPath, closed = "object_attributes.updated_at", is.UpdatedAt
		}
		if err := resolve(&f, closedPath, closed); err != nil {
			return delivery.Batch{}, err
		}
	}
	f.Repository = e.Project.PathWithNamespace
	f.Deployment = deploymentLine(is.Description)
	f.ExternalID = "issue:" + strconv.FormatInt(is.IID, 10)
	f.URL = is.URL
	return delivery.Batch{Failures: []delivery.FailureInput{f}}, nil
}
