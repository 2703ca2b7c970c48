package hooks

import (
	"strconv"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

// githubIssueActions are the issue actions that can start, change or end an
// incident; others (assigned, milestoned, unlabeled...) are ignored.
var githubIssueActions = map[string]bool{
	"opened": true, "labeled": true, "edited": true, "closed": true, "reopened": true,
}

// githubIssue records an issue labelled as an incident ("incident", "type:
// incident", "kind/incident") as a production failure, resolved when the
// issue is closed. A "Deployment: <sha or id>" line in the body names the
// deployment that caused it.
func githubIssue(body []byte) (delivery.Batch, error) {
	var e struct {
		Action string `json:"action"`
		Issue  struct {
			Number    int64  `json:"number"`
			Title     string `json:"title"`
			Body      string `json:"body"`
			HTMLURL   string `json:"html_url"`
			State     string `json:"state"`
			CreatedAt string `json:"created_at"`
			ClosedAt  string `json:"closed_at"`
			Labels    []struct {
				Name string `json:"name"`
			} `json:"labels"`
		} `json:"issue"`
		Repository githubRepository `json:"repository"`
	}
	if err := decode(body, &e); err != nil {
		return delivery.Batch{}, err
	}
	is := e.Issue
	if !githubIssueActions[e.Action] {
		return ignored("issue action %q", e.Action), nil
	}
	incident := false
	for _, l := range is.Labels {
		incident = incident || isIncidentLabel(l.Name)
	}
	if !incident {
		return ignored("issue #%d has no incident label", is.Number), nil
	}
	if is.Number <= 0 {
		return delivery.Batch{}, apperr.Field("issue.number", "must be a positive number, got %d", is.Number)
	}
	f, err := failure(sourceGitHub, "issue", is.Title, is.CreatedAt)
	if err != nil {
		return delivery.Batch{}, err
	}
	if is.State == "closed" {
		if err := resolve(&f, "issue.closed_at", is.ClosedAt); err != nil {
			return delivery.Batch{}, err
		}
	}
	f.Repository = e.Repository.FullName
	f.Deployment = deploymentLine(is.Body)
	f.ExternalID = "issue:" + strconv.FormatInt(is.Number, 10)
	f.URL = is.HTMLURL
	return delivery.Batch{Failures: []delivery.FailureInput{f}}, nil
}
