package hooks

import (
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

// githubPull is the pull_request object of pull_request and
// pull_request_review payloads.
type githubPull struct {
	Number         int64      `json:"number"`
	Title          string     `json:"title"`
	HTMLURL        string     `json:"html_url"`
	User           githubUser `json:"user"`
	CreatedAt      string     `json:"created_at"`
	MergedAt       string     `json:"merged_at"`
	Merged         bool       `json:"merged"`
	MergeCommitSHA string     `json:"merge_commit_sha"`
	Head           struct {
		SHA string `json:"sha"`
	} `json:"head"`
}

// numberAndOpened reads what every pull request record needs.
func (p githubPull) numberAndOpened() (delivery.PullRequestInput, error) {
	if p.Number <= 0 {
		return delivery.PullRequestInput{}, apperr.Field("pull_request.number", "must be a positive number, got %d", p.Number)
	}
	opened, err := timeAt("pull_request.created_at", p.CreatedAt, true)
	if err != nil {
		return delivery.PullRequestInput{}, err
	}
	return delivery.PullRequestInput{Number: p.Number, OpenedAt: opened, Source: sourceGitHub}, nil
}

// githubPullRequest records a merged pull request; every other action
// (opened, synchronize, closed unmerged...) is ignored.
func githubPullRequest(body []byte) (delivery.Batch, error) {
	var e struct {
		Action      string           `json:"action"`
		PullRequest githubPull       `json:"pull_request"`
		Repository  githubRepository `json:"repository"`
	}
	if err := decode(body, &e); err != nil {
		return delivery.Batch{}, err
	}
	pr := e.PullRequest
	if e.Action != "closed" {
		return ignored("pull request action %q", e.Action), nil
	}
	if !pr.Merged {
		return ignored("pull request #%d closed without merging", pr.Number), nil
	}
	in, err := pr.numberAndOpened()
	if err != nil {
		return delivery.Batch{}, err
	}
	if in.MergedAt, err = timeAt("pull_request.merged_at", pr.MergedAt, true); err != nil {
		return delivery.Batch{}, err
	}
	if in.MergeSHA, err = shaAt("pull_request.merge_commit_sha", pr.MergeCommitSHA, true); err != nil {
		return delivery.Batch{}, err
	}
	if in.HeadSHA, err = shaAt("pull_request.head.sha", pr.Head.SHA, false); err != nil {
		return delivery.Batch{}, err
	}
	in.Repository = e.Repository.FullName
	in.Title = strings.TrimSpace(pr.Title)
	in.Author = pr.User.Login
	in.Bot = pr.User.Type == "Bot" || delivery.IsBot(pr.User.Login)
	in.URL = pr.HTMLURL
	return delivery.Batch{PullRequests: []delivery.PullRequestInput{in}}, nil
}

// githubReview records when a pull request was reviewed. It carries only
// the number, the repository, the opening time and FirstReviewAt: the store
// keeps the earliest review time it has seen for the pull request, so every
// submitted review may be sent and replays do no harm. Reviews by the pull
// request's own author and by bots are not reviews for this purpose and are
// ignored.
func githubReview(body []byte) (delivery.Batch, error) {
	var e struct {
		Action string `json:"action"`
		Review struct {
			User        githubUser `json:"user"`
			SubmittedAt string     `json:"submitted_at"`
		} `json:"review"`
		PullRequest githubPull       `json:"pull_request"`
		Repository  githubRepository `json:"repository"`
	}
	if err := decode(body, &e); err != nil {
		return delivery.Batch{}, err
	}
	if e.Action != "submitted" {
		return ignored("pull request review action %q", e.Action), nil
	}
	reviewer := e.Review.User
	switch {
	case reviewer.Login != "" && strings.EqualFold(reviewer.Login, e.PullRequest.User.Login):
		return ignored("review of pull request #%d by its own author", e.PullRequest.Number), nil
	case reviewer.Type == "Bot" || delivery.IsBot(reviewer.Login):
		return ignored("review of pull request #%d by a bot (%s)", e.PullRequest.Number, reviewer.Login), nil
	}
	in, err := e.PullRequest.numberAndOpened()
	if err != nil {
		return delivery.Batch{}, err
	}
	if in.FirstReviewAt, err = timeAt("review.submitted_at", e.Review.SubmittedAt, true); err != nil {
		return delivery.Batch{}, err
	}
	in.Repository = e.Repository.FullName
	return delivery.Batch{PullRequests: []delivery.PullRequestInput{in}}, nil
}
