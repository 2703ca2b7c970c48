// Package delivery holds deployments, the changes they shipped and the
// failures they caused, and computes the DORA keys from them for a
// component, a system, a team or the whole company.
package delivery

import (
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
)

// Deployment results. A pending deployment has started and not finished; it
// counts for nothing until it does.
const (
	ResultPending = "pending"
	ResultSuccess = "success"
	ResultFailure = "failure"
)

// Remedies: a deployment made to undo or mend a failed one. Both count as
// rework (unplanned work).
const (
	RemedyFix      = "fix"
	RemedyRollback = "rollback"
)

// Production is the environment the keys count; other environments are
// stored and shown.
const Production = "production"

// DeploymentInput is a deployment as a webhook, the API, the CLI or a git
// import reports it. The same (component, source, external id) again
// updates the one record, so a replayed or later event (a status after its
// deployment, or before it) lands on the same deployment.
type DeploymentInput struct {
	// Component names the catalog component: a reference such as
	// "component:default/payments" or just "payments". Webhooks leave it
	// empty and give Repository; the store finds the components that declare
	// that repository.
	Component  string `json:"component,omitempty"`
	Repository string `json:"repository,omitempty"`
	// Environment is free text; "production" (any case; "prod" and "prd"
	// too) is the one the keys count.
	Environment string `json:"environment"`
	Version     string `json:"version,omitempty"`
	// SHA is the full commit the deployment put in place.
	SHA string `json:"sha"`
	// StartedAt defaults to FinishedAt, or to now.
	StartedAt time.Time `json:"started_at,omitzero"`
	// FinishedAt is when the result became known; zero while pending.
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// Result: pending, success or failure; default success. A finished
	// result is never replaced by pending (events can arrive out of order).
	Result string `json:"result,omitempty"`
	// Remedy: "", "fix" or "rollback".
	Remedy string `json:"remedy,omitempty"`
	// Source names where it came from: github, gitlab, api, cli, git.
	Source string `json:"source,omitempty"`
	// ExternalID identifies the deployment at its source (a GitHub
	// deployment id, a CI run id). Empty means the SHA and environment.
	ExternalID string `json:"external_id,omitempty"`
	URL        string `json:"url,omitempty"`
	// Changes, when given, are the commits the deployment shipped; otherwise
	// they are found through the commit graph.
	Changes []string `json:"changes,omitempty"`

	// finishDefaulted says FinishedAt was not given but set to now, so a
	// retried report does not move a finished deployment.
	finishDefaulted bool
}

// ChangeInput is one commit.
type ChangeInput struct {
	Component  string `json:"component,omitempty"`
	Repository string `json:"repository,omitempty"`
	SHA        string `json:"sha"`
	// Parents are the commit's parents; a merge commit has two or more. A
	// source that does not know them (a push webhook) gives the commit
	// before it in the push.
	Parents     []string  `json:"parents,omitempty"`
	Title       string    `json:"title,omitempty"`
	Author      string    `json:"author,omitempty"`
	AuthorEmail string    `json:"author_email,omitempty"`
	AuthoredAt  time.Time `json:"authored_at"`
	CommittedAt time.Time `json:"committed_at,omitzero"`
	// Bot marks commits made by automation (dependabot, renovate, release
	// bots); they are stored but not counted in lead time.
	Bot    bool   `json:"bot,omitempty"`
	Source string `json:"source,omitempty"`
}

// PullRequestInput is a merged (or open) pull or merge request.
type PullRequestInput struct {
	Component  string    `json:"component,omitempty"`
	Repository string    `json:"repository,omitempty"`
	Number     int64     `json:"number"`
	Title      string    `json:"title,omitempty"`
	Author     string    `json:"author,omitempty"`
	Bot        bool      `json:"bot,omitempty"`
	URL        string    `json:"url,omitempty"`
	OpenedAt   time.Time `json:"opened_at"`
	// FirstCommitAt, FirstReviewAt and MergedAt are zero when unknown.
	FirstCommitAt time.Time `json:"first_commit_at,omitzero"`
	FirstReviewAt time.Time `json:"first_review_at,omitzero"`
	MergedAt      time.Time `json:"merged_at,omitzero"`
	// MergeSHA is the commit the merge put on the target branch (the merge,
	// squash or last rebased commit); HeadSHA the branch's last commit.
	MergeSHA string `json:"merge_sha,omitempty"`
	HeadSHA  string `json:"head_sha,omitempty"`
	Source   string `json:"source,omitempty"`
}

// FailureInput is a failure in production: an incident, an issue labelled
// as one, or a report from a pipeline.
type FailureInput struct {
	Component  string    `json:"component,omitempty"`
	Repository string    `json:"repository,omitempty"`
	Title      string    `json:"title"`
	StartedAt  time.Time `json:"started_at"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// Deployment names the deployment that caused it, when the source knows:
	// its external id or its commit SHA. Otherwise the attribution rule in
	// docs/delivery.md picks one.
	Deployment string `json:"deployment,omitempty"`
	Source     string `json:"source,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	URL        string `json:"url,omitempty"`
}

// Batch is what one webhook delivery or one API call carries. Ignored,
// when set, says why nothing in the delivery is of use (an event type Chief
// does not read, a pull request closed without merging); such deliveries are
// answered 2xx and counted so the sender does not retry.
type Batch struct {
	Deployments  []DeploymentInput
	Changes      []ChangeInput
	PullRequests []PullRequestInput
	Failures     []FailureInput
	Ignored      string
}

// Empty reports whether the batch carries no record.
func (b *Batch) Empty() bool {
	return len(b.Deployments)+len(b.Changes)+len(b.PullRequests)+len(b.Failures) == 0
}

// IsProduction reports whether an environment name means production.
func IsProduction(env string) bool {
	switch strings.ToLower(strings.TrimSpace(env)) {
	case "production", "prod", "prd", "live":
		return true
	}
	return false
}

// validSHA accepts 4 to 64 hexadecimal digits (abbreviated to SHA-256).
func validSHA(s string) bool {
	if len(s) < 4 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func needTarget(prefix, component, repository string) error {
	if strings.TrimSpace(component) == "" && strings.TrimSpace(repository) == "" {
		return apperr.Field(prefix+"component", "is required (or repository)")
	}
	return nil
}

// Validate checks a deployment and fills its defaults.
func (d *DeploymentInput) Validate() error {
	if err := needTarget("", d.Component, d.Repository); err != nil {
		return err
	}
	d.Environment = strings.ToLower(strings.TrimSpace(d.Environment))
	if d.Environment == "" {
		return apperr.Field("environment", "is required, for example production")
	}
	if len(d.Environment) > 100 {
		return apperr.Field("environment", "is longer than 100 characters")
	}
	if !validSHA(d.SHA) {
		return apperr.Field("sha", "must be a commit SHA (hexadecimal), got %q", d.SHA)
	}
	d.SHA = strings.ToLower(d.SHA)
	switch d.Result {
	case "":
		d.Result = ResultSuccess
	case ResultPending, ResultSuccess, ResultFailure:
	default:
		return apperr.Field("result", "must be pending, success or failure, got %q", d.Result)
	}
	switch d.Remedy {
	case "", RemedyFix, RemedyRollback:
	default:
		return apperr.Field("remedy", "must be fix, rollback or empty, got %q", d.Remedy)
	}
	if d.Result != ResultPending && d.FinishedAt.IsZero() {
		d.FinishedAt, d.finishDefaulted = time.Now().UTC(), true
	}
	if d.StartedAt.IsZero() {
		d.StartedAt = d.FinishedAt
		if d.StartedAt.IsZero() {
			d.StartedAt = time.Now().UTC()
		}
	}
	if !d.FinishedAt.IsZero() && d.FinishedAt.Before(d.StartedAt) {
		return apperr.Field("finished_at", "is before started_at")
	}
	for i, c := range d.Changes {
		if !validSHA(c) {
			return apperr.Field("changes["+strconv.Itoa(i)+"]", "must be a commit SHA, got %q", c)
		}
		d.Changes[i] = strings.ToLower(c)
	}
	if d.Source == "" {
		d.Source = "api"
	}
	if d.ExternalID == "" {
		// A rollback redeploys an earlier commit: it must not land on
		// that commit's own deployment.
		d.ExternalID = d.Environment + "@" + d.SHA
		if d.Remedy == RemedyRollback {
			d.ExternalID += "#rollback"
		}
	}
	return nil
}

// Validate checks a change.
func (c *ChangeInput) Validate() error {
	if err := needTarget("", c.Component, c.Repository); err != nil {
		return err
	}
	if !validSHA(c.SHA) {
		return apperr.Field("sha", "must be a commit SHA (hexadecimal), got %q", c.SHA)
	}
	c.SHA = strings.ToLower(c.SHA)
	for i, p := range c.Parents {
		if !validSHA(p) {
			return apperr.Field("parents["+strconv.Itoa(i)+"]", "must be a commit SHA, got %q", p)
		}
		c.Parents[i] = strings.ToLower(p)
	}
	if c.AuthoredAt.IsZero() {
		return apperr.Field("authored_at", "is required (RFC 3339)")
	}
	if c.CommittedAt.IsZero() {
		c.CommittedAt = c.AuthoredAt
	}
	c.Bot = c.Bot || IsBot(c.Author, c.AuthorEmail)
	if c.Source == "" {
		c.Source = "api"
	}
	return nil
}

// Validate checks a pull request.
func (p *PullRequestInput) Validate() error {
	if err := needTarget("", p.Component, p.Repository); err != nil {
		return err
	}
	if p.Number <= 0 {
		return apperr.Field("number", "must be a positive pull request number")
	}
	if p.OpenedAt.IsZero() {
		return apperr.Field("opened_at", "is required (RFC 3339)")
	}
	if p.MergeSHA != "" && !validSHA(p.MergeSHA) {
		return apperr.Field("merge_sha", "must be a commit SHA, got %q", p.MergeSHA)
	}
	if p.HeadSHA != "" && !validSHA(p.HeadSHA) {
		return apperr.Field("head_sha", "must be a commit SHA, got %q", p.HeadSHA)
	}
	p.MergeSHA, p.HeadSHA = strings.ToLower(p.MergeSHA), strings.ToLower(p.HeadSHA)
	p.Bot = p.Bot || IsBot(p.Author)
	if !p.MergedAt.IsZero() && p.MergeSHA == "" {
		return apperr.Field("merge_sha", "is required when merged_at is set")
	}
	if p.Source == "" {
		p.Source = "api"
	}
	return nil
}

// Validate checks a failure.
func (f *FailureInput) Validate() error {
	if err := needTarget("", f.Component, f.Repository); err != nil {
		return err
	}
	f.Title = strings.TrimSpace(f.Title)
	if f.Title == "" {
		return apperr.Field("title", "is required")
	}
	if f.StartedAt.IsZero() {
		return apperr.Field("started_at", "is required (RFC 3339)")
	}
	if !f.ResolvedAt.IsZero() && f.ResolvedAt.Before(f.StartedAt) {
		return apperr.Field("resolved_at", "is before started_at")
	}
	if f.Source == "" {
		f.Source = "api"
	}
	if f.ExternalID == "" {
		f.ExternalID = f.StartedAt.UTC().Format(time.RFC3339) + " " + f.Title
	}
	return nil
}
