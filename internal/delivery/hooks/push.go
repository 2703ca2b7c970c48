package hooks

import (
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/delivery"
)

// pushCommit is a commit as both GitHub's and GitLab's push payloads list
// it; GitLab leaves out the username.
type pushCommit struct {
	ID        string `json:"id"`
	Message   string `json:"message"`
	Timestamp string `json:"timestamp"`
	Author    struct {
		Name     string `json:"name"`
		Email    string `json:"email"`
		Username string `json:"username"`
	} `json:"author"`
}

// beforeAt reads a push's before SHA as the parent of its first commit: ""
// when it is missing or all zeros (a new branch has no before).
func beforeAt(path, before string) (string, error) {
	if isZeroSHA(strings.TrimSpace(before)) {
		return "", nil
	}
	return shaAt(path, before, false)
}

// pushChanges turns a push's commits, oldest first, into changes. Push
// payloads give no parents, so each commit's parent is taken to be the one
// before it in the list, and the first commit's is before ("" for none).
// A SHA listed twice is kept once, and a before that is also in the list is
// dropped, so the guessed parents never form a cycle.
func pushChanges(source, repo, before string, commits []pushCommit) ([]delivery.ChangeInput, error) {
	seen := make(map[string]bool, len(commits))
	changes := make([]delivery.ChangeInput, 0, len(commits))
	for i, c := range commits {
		path := "commits[" + strconv.Itoa(i) + "]"
		sha, err := shaAt(path+".id", c.ID, true)
		if err != nil {
			return nil, err
		}
		at, err := timeAt(path+".timestamp", c.Timestamp, true)
		if err != nil {
			return nil, err
		}
		if seen[sha] {
			continue
		}
		seen[sha] = true
		author := strings.TrimSpace(c.Author.Name)
		if author == "" {
			author = strings.TrimSpace(c.Author.Username)
		}
		changes = append(changes, delivery.ChangeInput{
			Repository:  repo,
			SHA:         sha,
			Title:       firstLine(c.Message),
			Author:      author,
			AuthorEmail: strings.TrimSpace(c.Author.Email),
			AuthoredAt:  at,
			Bot:         delivery.IsBot(c.Author.Username, c.Author.Name, c.Author.Email),
			Source:      source,
		})
	}
	parent := strings.ToLower(before)
	if seen[parent] {
		parent = ""
	}
	for i := range changes {
		if parent != "" {
			changes[i].Parents = []string{parent}
		}
		parent = changes[i].SHA
	}
	return changes, nil
}
