package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// payloads builds deliveries in the shape GitHub sends them (see
// internal/delivery/hooks/testdata/github/), with the repository, owner
// and sender objects GitHub embeds, so that bodies have about the size of
// real ones (push 6-8 KB, deployment_status 9 KB, pull_request 20 KB,
// workflow_run 20 KB). The parts that never change are encoded once.
type payloads struct {
	repo string
	// repoPush writes created_at and pushed_at as numbers, as push
	// payloads do; repoOther as strings, as every other event does.
	repoPush, repoOther, sender json.RawMessage
}

func newPayloads(repo string) *payloads {
	owner, name, _ := strings.Cut(repo, "/")
	p := &payloads{repo: repo}
	p.repoPush = mustJSON(repository(owner, name, true))
	p.repoOther = mustJSON(repository(owner, name, false))
	p.sender = mustJSON(user(owner, 21031067, "User"))
	return p
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func user(login string, id int64, typ string) map[string]any {
	api := "https://api.github.com/users/" + login
	return map[string]any{
		"login": login, "id": id, "node_id": "MDQ6VXNlcjIxMDMxMDY3", "avatar_url": "https://avatars.githubusercontent.com/u/21031067?v=4",
		"gravatar_id": "", "url": api, "html_url": "https://github.com/" + login, "followers_url": api + "/followers",
		"following_url": api + "/following{/other_user}", "gists_url": api + "/gists{/gist_id}", "starred_url": api + "/starred{/owner}{/repo}",
		"subscriptions_url": api + "/subscriptions", "organizations_url": api + "/orgs", "repos_url": api + "/repos",
		"events_url": api + "/events{/privacy}", "received_events_url": api + "/received_events", "type": typ, "site_admin": false,
	}
}

// repository is the repository object with every field GitHub sends.
func repository(owner, name string, push bool) map[string]any {
	full := owner + "/" + name
	api := "https://api.github.com/repos/" + full
	r := map[string]any{
		"id": 186853002, "node_id": "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=", "name": name, "full_name": full, "private": false,
		"owner": user(owner, 21031067, "Organization"), "html_url": "https://github.com/" + full, "description": "The bench repository",
		"fork": false, "url": api, "homepage": nil, "size": 4821, "stargazers_count": 12, "watchers_count": 12, "language": "Go",
		"has_issues": true, "has_projects": true, "has_downloads": true, "has_wiki": true, "has_pages": false, "has_discussions": false,
		"forks_count": 3, "mirror_url": nil, "archived": false, "disabled": false, "open_issues_count": 7, "license": nil,
		"allow_forking": true, "is_template": false, "web_commit_signoff_required": false, "topics": []string{"service", "go"},
		"visibility": "private", "forks": 3, "open_issues": 7, "watchers": 12, "default_branch": "main", "custom_properties": map[string]any{},
		"git_url": "git://github.com/" + full + ".git", "ssh_url": "git@github.com:" + full + ".git",
		"clone_url": "https://github.com/" + full + ".git", "svn_url": "https://github.com/" + full,
	}
	for _, kv := range []string{"forks=forks", "keys=keys{/key_id}", "collaborators=collaborators{/collaborator}", "teams=teams",
		"hooks=hooks", "issue_events=issues/events{/number}", "events=events", "assignees=assignees{/user}", "branches=branches{/branch}",
		"tags=tags", "blobs=git/blobs{/sha}", "git_tags=git/tags{/sha}", "git_refs=git/refs{/sha}", "trees=git/trees{/sha}",
		"statuses=statuses/{sha}", "languages=languages", "stargazers=stargazers", "contributors=contributors",
		"subscribers=subscribers", "subscription=subscription", "commits=commits{/sha}", "git_commits=git/commits{/sha}",
		"comments=comments{/number}", "issue_comment=issues/comments{/number}", "contents=contents/{+path}",
		"compare=compare/{base}...{head}", "merges=merges", "archive={archive_format}{/ref}", "downloads=downloads",
		"issues=issues{/number}", "pulls=pulls{/number}", "milestones=milestones{/number}",
		"notifications=notifications{?since,all,participating}", "labels=labels{/name}", "releases=releases{/id}",
		"deployments=deployments"} {
		field, path, _ := strings.Cut(kv, "=")
		r[field+"_url"] = api + "/" + path
	}
	if push {
		r["created_at"], r["pushed_at"], r["updated_at"] = 1557933565, time.Now().Unix(), "2026-01-15T15:20:41Z"
		r["stargazers"], r["master_branch"] = 12, "main"
	} else {
		r["created_at"], r["pushed_at"], r["updated_at"] = "2019-05-15T15:19:25Z", time.Now().UTC().Format(time.RFC3339), "2026-01-15T15:20:41Z"
	}
	return r
}

// commit is one commit of a push.
type commit struct {
	SHA     string
	Message string
	Author  string
	At      time.Time
}

type pushAuthor struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Username string `json:"username"`
}

type pushCommit struct {
	ID        string     `json:"id"`
	TreeID    string     `json:"tree_id"`
	Distinct  bool       `json:"distinct"`
	Message   string     `json:"message"`
	Timestamp string     `json:"timestamp"`
	URL       string     `json:"url"`
	Author    pushAuthor `json:"author"`
	Committer pushAuthor `json:"committer"`
	Added     []string   `json:"added"`
	Removed   []string   `json:"removed"`
	Modified  []string   `json:"modified"`
}

// push is a push of commits (oldest first) to the default branch.
func (p *payloads) push(before string, commits []commit) []byte {
	list := make([]pushCommit, len(commits))
	for i, c := range commits {
		a := pushAuthor{Name: c.Author, Email: strings.ToLower(strings.ReplaceAll(c.Author, " ", ".")) + "@example.com", Username: c.Author}
		list[i] = pushCommit{ID: c.SHA, TreeID: c.SHA[20:] + c.SHA[:20], Distinct: true, Message: c.Message,
			Timestamp: c.At.Format(time.RFC3339), URL: "https://github.com/" + p.repo + "/commit/" + c.SHA, Author: a,
			Committer: pushAuthor{Name: "GitHub", Email: "noreply@github.com", Username: "web-flow"},
			Added:     []string{}, Removed: []string{}, Modified: []string{"internal/server/handler.go", "internal/server/handler_test.go"}}
	}
	after := commits[len(commits)-1].SHA
	return mustJSON(map[string]any{
		"ref": "refs/heads/main", "before": before, "after": after, "repository": p.repoPush,
		"pusher": map[string]string{"name": commits[0].Author, "email": "dev@example.com"}, "sender": p.sender,
		"created": false, "deleted": false, "forced": false, "base_ref": nil,
		"compare": "https://github.com/" + p.repo + "/compare/" + before[:12] + "..." + after[:12],
		"commits": list, "head_commit": list[len(list)-1],
	})
}

// deploymentStatus is the success of a production deployment of sha.
func (p *payloads) deploymentStatus(id int64, sha string, created, finished time.Time) []byte {
	api := "https://api.github.com/repos/" + p.repo + "/deployments/" + fmt.Sprint(id)
	deployment := map[string]any{
		"url": api, "id": id, "node_id": "MDEwOkRlcGxveW1lbnQxNDU5ODg3NDY=", "sha": sha, "ref": "main", "task": "deploy",
		"payload": map[string]any{}, "original_environment": "production", "environment": "production", "description": nil,
		"creator": p.sender, "created_at": created.Format(time.RFC3339), "updated_at": finished.Format(time.RFC3339),
		"statuses_url": api + "/statuses", "repository_url": "https://api.github.com/repos/" + p.repo,
		"transient_environment": false, "production_environment": true, "performed_via_github_app": nil,
	}
	status := map[string]any{
		"url": api + "/statuses/" + fmt.Sprint(id+7), "id": id + 7, "node_id": "MDE2OkRlcGxveW1lbnRTdGF0dXMyMDk5MTYyNTQ=", "state": "success",
		"creator": p.sender, "description": "Deployment finished successfully.", "environment": "production",
		"target_url": "https://ci.example.com/deploy/" + fmt.Sprint(id), "log_url": "https://ci.example.com/deploy/" + fmt.Sprint(id) + "/log",
		"created_at": finished.Format(time.RFC3339), "updated_at": finished.Format(time.RFC3339), "deployment_url": api,
		"repository_url": "https://api.github.com/repos/" + p.repo, "environment_url": "", "performed_via_github_app": nil,
	}
	return mustJSON(map[string]any{"action": "created", "deployment_status": status, "deployment": deployment,
		"repository": p.repoOther, "sender": p.sender})
}

// pullRequest is a pull request closed by merging it.
func (p *payloads) pullRequest(number int64, mergeSHA, headSHA, login string, bot bool, opened, merged time.Time) []byte {
	typ := "User"
	if bot {
		typ = "Bot"
	}
	api := "https://api.github.com/repos/" + p.repo
	n := fmt.Sprint(number)
	ref := func(label, r, sha string) map[string]any {
		return map[string]any{"label": label, "ref": r, "sha": sha, "user": p.sender, "repo": p.repoOther}
	}
	pr := map[string]any{
		"url": api + "/pulls/" + n, "id": 279147437 + number, "node_id": "MDExOlB1bGxSZXF1ZXN0Mjc5MTQ3NDM3",
		"html_url": "https://github.com/" + p.repo + "/pull/" + n, "diff_url": "https://github.com/" + p.repo + "/pull/" + n + ".diff",
		"patch_url": "https://github.com/" + p.repo + "/pull/" + n + ".patch", "issue_url": api + "/issues/" + n,
		"number": number, "state": "closed", "locked": false, "title": "Make the handler retry on timeouts (#" + n + ")",
		"user": user(login, 4000+number%1000, typ), "body": "Retries the upstream call once when it times out.\n\nCloses #" + n + ".",
		"created_at": opened.Format(time.RFC3339), "updated_at": merged.Format(time.RFC3339), "closed_at": merged.Format(time.RFC3339),
		"merged_at": merged.Format(time.RFC3339), "merge_commit_sha": mergeSHA, "assignee": nil, "assignees": []any{},
		"requested_reviewers": []any{}, "requested_teams": []any{}, "labels": []any{}, "milestone": nil, "draft": false,
		"commits_url": api + "/pulls/" + n + "/commits", "review_comments_url": api + "/pulls/" + n + "/comments",
		"review_comment_url": api + "/pulls/comments{/number}", "comments_url": api + "/issues/" + n + "/comments",
		"statuses_url": api + "/statuses/" + headSHA, "head": ref("bench:feature-"+n, "feature-"+n, headSHA),
		"base": ref("bench:main", "main", mergeSHA), "_links": map[string]any{"self": map[string]string{"href": api + "/pulls/" + n}},
		"author_association": "MEMBER", "auto_merge": nil, "active_lock_reason": nil, "merged": true, "mergeable": nil,
		"rebaseable": nil, "mergeable_state": "unknown", "merged_by": p.sender, "comments": 1, "review_comments": 2,
		"maintainer_can_modify": false, "commits": 2, "additions": 41, "deletions": 7, "changed_files": 3,
	}
	return mustJSON(map[string]any{"action": "closed", "number": number, "pull_request": pr, "repository": p.repoOther, "sender": p.sender})
}

// workflowRun is a finished CI run, an event Chief does not read.
func (p *payloads) workflowRun(id int64, headSHA string, at time.Time) []byte {
	api := "https://api.github.com/repos/" + p.repo + "/actions/runs/" + fmt.Sprint(id)
	run := map[string]any{
		"id": id, "name": "CI", "node_id": "WFR_kwLOBPVXjs4", "head_branch": "main", "head_sha": headSHA, "path": ".github/workflows/ci.yml",
		"display_title": "CI", "run_number": id % 100000, "event": "push", "status": "completed", "conclusion": "success",
		"workflow_id": 161335, "check_suite_id": id + 11, "check_suite_node_id": "CS_kwDOBPVXjs8AAAAB", "url": api,
		"html_url": "https://github.com/" + p.repo + "/actions/runs/" + fmt.Sprint(id), "pull_requests": []any{},
		"created_at": at.Add(-4 * time.Minute).Format(time.RFC3339), "updated_at": at.Format(time.RFC3339),
		"actor": p.sender, "triggering_actor": p.sender, "run_attempt": 1, "referenced_workflows": []any{},
		"run_started_at": at.Add(-4 * time.Minute).Format(time.RFC3339), "jobs_url": api + "/jobs", "logs_url": api + "/logs",
		"check_suite_url": api + "/check-suites", "artifacts_url": api + "/artifacts", "cancel_url": api + "/cancel",
		"rerun_url": api + "/rerun", "previous_attempt_url": nil, "workflow_url": "https://api.github.com/repos/" + p.repo + "/actions/workflows/161335",
		"head_commit": map[string]any{"id": headSHA, "tree_id": headSHA, "message": "Merge pull request", "timestamp": at.Format(time.RFC3339),
			"author": map[string]string{"name": "Dev", "email": "dev@example.com"}, "committer": map[string]string{"name": "GitHub", "email": "noreply@github.com"}},
		"repository": p.repoOther, "head_repository": p.repoOther,
	}
	return mustJSON(map[string]any{"action": "completed", "workflow_run": run,
		"workflow":   map[string]any{"id": 161335, "name": "CI", "path": ".github/workflows/ci.yml", "state": "active"},
		"repository": p.repoOther, "sender": p.sender})
}
