package hooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

const sourceGitHub = "github"

// github reads GitHub repository and organization webhooks.
type github struct{}

// githubEvents maps X-GitHub-Event to its parser; events not listed are
// ignored (workflow_run among them: deployments come from deployment
// events).
var githubEvents = map[string]parser{
	"push":                githubPush,
	"pull_request":        githubPullRequest,
	"pull_request_review": githubReview,
	"deployment":          githubDeployment,
	"deployment_status":   githubDeploymentStatus,
	"release":             githubRelease,
	"issues":              githubIssue,
}

// githubRepository is the part of a payload's repository Chief reads.
// Nothing else is decoded: push payloads write its times as numbers and
// other events as strings.
type githubRepository struct {
	FullName      string `json:"full_name"`
	DefaultBranch string `json:"default_branch"`
	MasterBranch  string `json:"master_branch"`
}

// githubUser is an account as payloads embed it.
type githubUser struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}

func (github) Name() string { return sourceGitHub }

// Verify checks X-Hub-Signature-256, the HMAC-SHA256 of the body keyed with
// the webhook's secret, in constant time. An empty secret is refused: anyone
// can sign with it.
func (github) Verify(header http.Header, body []byte, secret string) error {
	if secret == "" {
		return apperr.New(apperr.Unauthorized, "no webhook secret is set for github; set one on both sides")
	}
	sig := header.Get("X-Hub-Signature-256")
	if sig == "" {
		return apperr.New(apperr.Unauthorized, "the X-Hub-Signature-256 header is missing; set a secret on the GitHub webhook")
	}
	digits, ok := strings.CutPrefix(sig, "sha256=")
	got, err := hex.DecodeString(digits)
	if !ok || err != nil {
		return apperr.New(apperr.Unauthorized, "the X-Hub-Signature-256 header is not sha256=<hex>")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return apperr.New(apperr.Unauthorized, "the X-Hub-Signature-256 signature does not match; check the webhook secret")
	}
	return nil
}

func (github) Event(header http.Header) string { return header.Get("X-GitHub-Event") }

func (github) DeliveryID(header http.Header) string { return header.Get("X-GitHub-Delivery") }

func (github) Parse(event string, body []byte) (delivery.Batch, error) {
	if event == "ping" {
		return ignored("ping"), nil
	}
	return parseEvent(githubEvents, event, body)
}

// githubPush records the commits a push puts on the default branch; pushes
// to other branches and tags are ignored, since only the default branch
// is deployed.
func githubPush(body []byte) (delivery.Batch, error) {
	var p struct {
		Ref        string           `json:"ref"`
		Before     string           `json:"before"`
		After      string           `json:"after"`
		Deleted    bool             `json:"deleted"`
		Commits    []pushCommit     `json:"commits"`
		Repository githubRepository `json:"repository"`
	}
	if err := decode(body, &p); err != nil {
		return delivery.Batch{}, err
	}
	if p.Deleted || isZeroSHA(p.After) {
		return ignored("push deletes %s", p.Ref), nil
	}
	branch := p.Repository.DefaultBranch
	if branch == "" {
		branch = p.Repository.MasterBranch
	}
	if branch == "" {
		return delivery.Batch{}, apperr.Field("repository.default_branch", "is required")
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
	changes, err := pushChanges(sourceGitHub, p.Repository.FullName, before, p.Commits)
	if err != nil {
		return delivery.Batch{}, err
	}
	return delivery.Batch{Changes: changes}, nil
}
