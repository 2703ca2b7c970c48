package hooks

import (
	"encoding/json"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

// githubDeploymentObject is the deployment object of deployment and
// deployment_status payloads. Payload is free JSON (an object or a string)
// and is only searched for rollback and fix markers.
type githubDeploymentObject struct {
	ID          ident           `json:"id"`
	SHA         string          `json:"sha"`
	Ref         string          `json:"ref"`
	Task        string          `json:"task"`
	Environment string          `json:"environment"`
	Description string          `json:"description"`
	Payload     json.RawMessage `json:"payload"`
	CreatedAt   string          `json:"created_at"`
	URL         string          `json:"url"`
}

// input is the deployment as it started: pending, keyed by GitHub's id so
// the statuses that follow update the same record.
func (d githubDeploymentObject) input(repo string) (delivery.DeploymentInput, error) {
	if d.ID == "" {
		return delivery.DeploymentInput{}, apperr.Field("deployment.id", "is required")
	}
	sha, err := shaAt("deployment.sha", d.SHA, true)
	if err != nil {
		return delivery.DeploymentInput{}, err
	}
	env, err := environmentAt("deployment.environment", d.Environment)
	if err != nil {
		return delivery.DeploymentInput{}, err
	}
	started, err := timeAt("deployment.created_at", d.CreatedAt, false)
	if err != nil {
		return delivery.DeploymentInput{}, err
	}
	return delivery.DeploymentInput{
		Repository:  repo,
		Environment: env,
		Version:     strings.TrimSpace(d.Ref),
		SHA:         sha,
		StartedAt:   started,
		Result:      delivery.ResultPending,
		Remedy:      remedyOf(d.Task, d.Description, string(d.Payload)),
		Source:      sourceGitHub,
		ExternalID:  string(d.ID),
		URL:         d.URL,
	}, nil
}

// githubDeployment records a deployment as it is created, still pending.
func githubDeployment(body []byte) (delivery.Batch, error) {
	var e struct {
		Deployment githubDeploymentObject `json:"deployment"`
		Repository githubRepository       `json:"repository"`
	}
	if err := decode(body, &e); err != nil {
		return delivery.Batch{}, err
	}
	d, err := e.Deployment.input(e.Repository.FullName)
	if err != nil {
		return delivery.Batch{}, err
	}
	return delivery.Batch{Deployments: []delivery.DeploymentInput{d}}, nil
}

// githubDeploymentStatus records a deployment's new state. Inactive is
// ignored: GitHub marks a deployment inactive when a newer one replaces it
// in the environment, which says nothing about how it went.
func githubDeploymentStatus(body []byte) (delivery.Batch, error) {
	var e struct {
		Status struct {
			State       string `json:"state"`
			Environment string `json:"environment"`
			CreatedAt   string `json:"created_at"`
			UpdatedAt   string `json:"updated_at"`
			LogURL      string `json:"log_url"`
			TargetURL   string `json:"target_url"`
		} `json:"deployment_status"`
		Deployment githubDeploymentObject `json:"deployment"`
		Repository githubRepository       `json:"repository"`
	}
	if err := decode(body, &e); err != nil {
		return delivery.Batch{}, err
	}
	st := e.Status
	var result string
	switch state := strings.ToLower(st.State); state {
	case "success":
		result = delivery.ResultSuccess
	case "failure", "error":
		result = delivery.ResultFailure
	case "pending", "queued", "in_progress", "waiting":
		result = delivery.ResultPending
	case "inactive":
		return ignored("deployment %s is inactive: a newer deployment replaced it", e.Deployment.ID), nil
	case "":
		return delivery.Batch{}, apperr.Field("deployment_status.state", "is required")
	default:
		return ignored("deployment status state %q", state), nil
	}
	if strings.TrimSpace(e.Deployment.Environment) == "" {
		e.Deployment.Environment = st.Environment
	}
	d, err := e.Deployment.input(e.Repository.FullName)
	if err != nil {
		return delivery.Batch{}, err
	}
	d.Result = result
	if st.LogURL != "" {
		d.URL = st.LogURL
	} else if st.TargetURL != "" {
		d.URL = st.TargetURL
	}
	if result != delivery.ResultPending {
		path, at := "deployment_status.created_at", st.CreatedAt
		if at == "" {
			path, at = "deployment_status.updated_at", st.UpdatedAt
		}
		if at == "" {
			return delivery.Batch{}, apperr.Field("deployment_status.created_at", "is required for a finished deployment")
		}
		if d.FinishedAt, err = timeAt(path, at, true); err != nil {
			return delivery.Batch{}, err
		}
		if d.FinishedAt.Before(d.StartedAt) {
			return delivery.Batch{}, apperr.Field(path, "is before deployment.created_at")
		}
	}
	return delivery.Batch{Deployments: []delivery.DeploymentInput{d}}, nil
}

// githubRelease records a published release as a successful deployment to
// production, for teams whose release is their deployment. GitHub gives a
// release's target as target_commitish, which is often a branch name; a
// branch says nothing about which commit shipped, so such releases are
// ignored with a reason pointing at deployment events, which do carry the
// SHA. Prereleases are not production and are ignored too.
func githubRelease(body []byte) (delivery.Batch, error) {
	var e struct {
		Action  string `json:"action"`
		Release struct {
			ID              ident  `json:"id"`
			TagName         string `json:"tag_name"`
			TargetCommitish string `json:"target_commitish"`
			HTMLURL         string `json:"html_url"`
			Prerelease      bool   `json:"prerelease"`
			CreatedAt       string `json:"created_at"`
			PublishedAt     string `json:"published_at"`
		} `json:"release"`
		Repository githubRepository `json:"repository"`
	}
	if err := decode(body, &e); err != nil {
		return delivery.Batch{}, err
	}
	r := e.Release
	switch {
	case e.Action != "published":
		return ignored("release action %q", e.Action), nil
	case r.Prerelease:
		return ignored("release %s is a prerelease, not a production deployment", r.TagName), nil
	case !isFullSHA(r.TargetCommitish):
		return ignored("release %s targets %q, not a commit SHA; send deployment events to record which commit shipped", r.TagName, r.TargetCommitish), nil
	case r.ID == "":
		return delivery.Batch{}, apperr.Field("release.id", "is required")
	}
	path, at := "release.published_at", r.PublishedAt
	if at == "" {
		path, at = "release.created_at", r.CreatedAt
	}
	if at == "" {
		return delivery.Batch{}, apperr.Field("release.published_at", "is required")
	}
	published, err := timeAt(path, at, true)
	if err != nil {
		return delivery.Batch{}, err
	}
	return delivery.Batch{Deployments: []delivery.DeploymentInput{{
		Repository:  e.Repository.FullName,
		Environment: delivery.Production,
		Version:     strings.TrimSpace(r.TagName),
		SHA:         strings.ToLower(r.TargetCommitish),
		StartedAt:   published,
		FinishedAt:  published,
		Result:      delivery.ResultSuccess,
		Source:      sourceGitHub,
		ExternalID:  "release:" + string(r.ID),
		URL:         r.HTMLURL,
	}}}, nil
}
