package e2e

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fixture reads a real GitHub webhook payload.
func fixture(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "delivery", "hooks", "testdata", "github", path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sendHook posts a webhook delivery signed with secret (unsigned when
// secret is empty) and returns the answer.
func sendHook(t testing.TB, c *client, source, event, delivery, secret string, body []byte) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/hooks/"+source, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", delivery)
	if secret != "" {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(body)
		req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(m.Sum(nil)))
	}
	return c.do(req)
}

// countOf reads a list endpoint's number of items.
func countOf(t testing.TB, c *client, path string) int {
	t.Helper()
	var out struct {
		Items []json.RawMessage `json:"items"`
	}
	mustJSON(t, c, http.MethodGet, path, nil, http.StatusOK, &out)
	return len(out.Items)
}

func TestDeliveryWebhooks(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		_, api := s.adminToken(t)
		hello := componentDesc("hello-world", "team-hello")
		metadataOf(hello)["annotations"] = map[string]any{"github.com/project-slug": "Codertocat/Hello-World"}
		mustCreate(t, api, hello)

		var src struct{ Secret string }
		mustJSON(t, api, http.MethodPost, "/api/v1/delivery/sources", obj{"name": "github-main", "provider": "github"}, http.StatusCreated, &src)
		if len(src.Secret) < 16 {
			t.Fatalf("created source has secret %q, want a generated one", src.Secret)
		}
		r := api.json(http.MethodPost, "/api/v1/delivery/sources", obj{"name": "x", "provider": "bitbucket"}, nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"field":"provider"`) {
			t.Errorf("unknown provider: got %d %s, want 422 naming provider", r.Status, r.Body)
		}
		anon := s.client(t)

		// A wrong signature is refused, logged and counted; nothing is stored.
		push := fixture(t, "push/with-new-branch.payload.json")
		wantStatus(t, "wrong signature", sendHook(t, anon, "github-main", "push", "d-0", "not-the-secret-at-all", push), http.StatusUnauthorized)
		wantStatus(t, "no signature", sendHook(t, anon, "github-main", "push", "d-0", "", push), http.StatusUnauthorized)
		wantStatus(t, "unknown source", sendHook(t, anon, "nope", "push", "d-0", src.Secret, push), http.StatusNotFound)
		if !strings.Contains(s.stderr.String(), "webhook refused") {
			t.Errorf("a refused webhook was not logged; stderr:\n%s", s.stderr)
		}

		// The real payloads, as GitHub sends them: the status before its
		// deployment, so the deployment must come out finished.
		r = sendHook(t, anon, "github-main", "push", "d-1", src.Secret, push)
		wantStatus(t, "push", r, http.StatusOK)
		if !strings.Contains(r.Body, `"changes":1`) {
			t.Errorf("push stored %s, want 1 change", r.Body)
		}
		wantStatus(t, "deployment_status", sendHook(t, anon, "github-main", "deployment_status", "d-2", src.Secret, fixture(t, "deployment_status/payload.json")), http.StatusOK)
		wantStatus(t, "deployment", sendHook(t, anon, "github-main", "deployment", "d-3", src.Secret, fixture(t, "deployment/payload.json")), http.StatusOK)
		var deps struct {
			Items []struct {
				ID          int64  `json:"id"`
				Result      string `json:"result"`
				SHA         string `json:"sha"`
				Environment string `json:"environment"`
				Component   string `json:"component"`
			} `json:"items"`
			Total int `json:"total"`
		}
		mustJSON(t, api, http.MethodGet, "/api/v1/deployments", nil, http.StatusOK, &deps)
		if deps.Total != 1 || deps.Items[0].Result != "success" || deps.Items[0].Component != "component:default/hello-world" ||
			deps.Items[0].SHA != "f95f852bd8fca8fcc58a9a2d6c842781e32a215e" {
			t.Fatalf("after status then deployment: got %+v, want one successful deployment of hello-world", deps)
		}

		// A merged pull request, derived from the closed one.
		var pr map[string]any
		if err := json.Unmarshal(fixture(t, "pull_request/closed.payload.json"), &pr); err != nil {
			t.Fatal(err)
		}
		p := pr["pull_request"].(map[string]any)
		p["merged"], p["merged_at"] = true, "2019-05-15T15:20:40Z"
		merged, _ := json.Marshal(pr)
		r = sendHook(t, anon, "github-main", "pull_request", "d-4", src.Secret, merged)
		wantStatus(t, "merged pull request", r, http.StatusOK)
		if !strings.Contains(r.Body, `"pull_requests":1`) {
			t.Errorf("merged pull request stored %s, want 1", r.Body)
		}
		// The closed-but-not-merged original is answered and ignored.
		r = sendHook(t, anon, "github-main", "pull_request", "d-5", src.Secret, fixture(t, "pull_request/closed.payload.json"))
		wantStatus(t, "unmerged pull request", r, http.StatusAccepted)

		// A replay changes nothing and says so.
		r = sendHook(t, anon, "github-main", "push", "d-1", src.Secret, push)
		wantStatus(t, "replay", r, http.StatusAccepted)
		if !strings.Contains(r.Body, `"replay":true`) {
			t.Errorf("replay answered %s, want replay true", r.Body)
		}
		// Unknown events are ignored with 2xx so GitHub does not retry.
		r = sendHook(t, anon, "github-main", "workflow_run", "d-6", src.Secret, fixture(t, "workflow_run/completed.payload.json"))
		wantStatus(t, "workflow_run", r, http.StatusAccepted)
		if !strings.Contains(r.Body, `"ignored"`) {
			t.Errorf("unknown event answered %s, want a reason", r.Body)
		}
		// Malformed JSON and a missing field: 400 naming the field.
		wantStatus(t, "malformed", sendHook(t, anon, "github-main", "deployment", "d-7", src.Secret, []byte(`{"deployment": {`)), http.StatusBadRequest)
		var dep map[string]any
		_ = json.Unmarshal(fixture(t, "deployment/payload.json"), &dep)
		delete(dep["deployment"].(map[string]any), "sha")
		noSHA, _ := json.Marshal(dep)
		r = sendHook(t, anon, "github-main", "deployment", "d-8", src.Secret, noSHA)
		wantStatus(t, "deployment without sha", r, http.StatusBadRequest)
		if !strings.Contains(r.Body, `"field":"deployment.sha"`) {
			t.Errorf("missing sha answered %s, want the field deployment.sha", r.Body)
		}
		if n := countOf(t, api, "/api/v1/deployments"); n != 1 {
			t.Errorf("after refused deliveries: %d deployments, want 1", n)
		}

		var sources struct {
			Items []struct {
				Received, Ignored, Rejected int
				Secret                      string
			} `json:"items"`
		}
		mustJSON(t, api, http.MethodGet, "/api/v1/delivery/sources", nil, http.StatusOK, &sources)
		got := sources.Items[0]
		// The deployment event after its status carried nothing new: it
		// counts as ignored, like the unmerged pull request, the replay and
		// the workflow run.
		if got.Received != 3 || got.Ignored != 4 || got.Rejected != 4 || got.Secret != "" {
			t.Errorf("source counters: got received %d, ignored %d, rejected %d, secret %q; want 3, 4, 4 and no secret",
				got.Received, got.Ignored, got.Rejected, got.Secret)
		}
	})
}

func TestDeliveryAPIAndCLI(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		_, api := s.adminToken(t)
		mustCreate(t, api, componentDesc("checkout", "team-payments"))

		// Bad input names the field and stores nothing.
		r := api.json(http.MethodPost, "/api/v1/deployments", obj{"component": "checkout", "sha": "abc1234"}, nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"field":"environment"`) {
			t.Errorf("no environment: got %d %s, want 422 naming environment", r.Status, r.Body)
		}
		r = api.json(http.MethodPost, "/api/v1/deployments", `{"component": "checkout",`, nil)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("malformed JSON: got %d %s, want 422", r.Status, r.Body)
		}
		r = api.json(http.MethodPost, "/api/v1/changes", []obj{{"component": "checkout", "sha": "aaaa111", "authored_at": "2026-01-01T00:00:00Z"},
			{"component": "checkout", "sha": "bbbb222"}}, nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"field":"changes[1].authored_at"`) {
			t.Errorf("second change without time: got %d %s, want 422 naming changes[1].authored_at", r.Status, r.Body)
		}

		// Two commits and two deployments a day apart, the second failing
		// and then fixed.
		mustJSON(t, api, http.MethodPost, "/api/v1/changes", []obj{
			{"component": "checkout", "sha": "aaaa111", "authored_at": "2026-01-01T00:00:00Z"},
			{"component": "checkout", "sha": "bbbb222", "parents": []string{"aaaa111"}, "authored_at": "2026-01-02T00:00:00Z"},
			{"component": "checkout", "sha": "cccc333", "parents": []string{"bbbb222"}, "authored_at": "2026-01-02T06:00:00Z"},
		}, http.StatusCreated, nil)
		mustJSON(t, api, http.MethodPost, "/api/v1/deployments", obj{"component": "checkout", "environment": "production", "sha": "aaaa111",
			"finished_at": "2026-01-01T12:00:00Z"}, http.StatusCreated, nil)
		out, err := s.cli(t, "", "deploy", "record", "--component", "checkout", "--env", "production", "--sha", "bbbb222",
			"--result", "failure", "--finished", "2026-01-02T10:00:00Z")
		if err != nil || !strings.Contains(out, "Recorded deployment of checkout to production at bbbb222 (failure)") {
			t.Fatalf("deploy record: %v\n%s", err, out)
		}
		out, err = s.cli(t, "", "deploy", "record", "--component", "checkout", "--sha", "cccc333", "--finished", "2026-01-02T12:00:00Z")
		if err != nil {
			t.Fatalf("deploy record: %v\n%s", err, out)
		}
		out, _ = s.cli(t, "", "deploy", "record", "--component", "checkout", "--sha", "cccc333", "--finished", "2026-01-02T12:00:00Z")
		if !strings.Contains(out, "Already recorded, unchanged") {
			t.Errorf("recording again: got %q, want it unchanged", out)
		}
		if _, err := s.cli(t, "", "deploy", "record", "--component", "nope", "--sha", "cccc333"); err == nil || !strings.Contains(err.Error(), "nope") {
			t.Errorf("unknown component: got %v, want an error naming it", err)
		}

		var api1 map[string]any
		mustJSON(t, api, http.MethodGet, "/api/v1/dora?component=checkout&from=2026-01-01&to=2026-01-07", nil, http.StatusOK, &api1)
		out, err = s.cli(t, "", "dora", "--component", "checkout", "--from", "2026-01-01", "--to", "2026-01-07", "--json")
		if err != nil {
			t.Fatalf("dora --json: %v\n%s", err, out)
		}
		var cli1 map[string]any
		if err := json.Unmarshal([]byte(out), &cli1); err != nil {
			t.Fatalf("dora --json printed %q: %v", out, err)
		}
		want := map[string]any{
			"deployments": 3.0, "deployment_days": 2.0, "change_failure_rate": 1.0 / 3, "rework_rate": 1.0 / 3,
			// Lead: bbbb222 12 h, cccc333 6 h, both shipped by the fix at
			// 12:00; aaaa111 was the first deployment's baseline.
			"lead_time_p50_seconds": 6 * 3600.0, "lead_time_p90_seconds": 12 * 3600.0, "recovery_time_p50_seconds": 2 * 3600.0,
			"deployments_per_day": 3.0 / 7,
		}
		for k, v := range want {
			if api1[k] != v || cli1[k] != v {
				t.Errorf("%s: API %v, CLI %v, want %v", k, api1[k], cli1[k], v)
			}
		}
		for _, k := range []string{"window_start", "window_end"} {
			if api1[k] != cli1[k] || api1[k] == nil {
				t.Errorf("%s: API %v, CLI %v", k, api1[k], cli1[k])
			}
		}
		// No data is null, never 0.
		var empty map[string]any
		mustJSON(t, api, http.MethodGet, "/api/v1/dora?component=checkout&from=2025-01-01&to=2025-01-07", nil, http.StatusOK, &empty)
		for _, k := range []string{"deployments_per_day", "lead_time_p50_seconds", "lead_time_p90_seconds", "change_failure_rate", "recovery_time_p50_seconds", "rework_rate"} {
			if v, ok := empty[k]; !ok || v != nil {
				t.Errorf("empty window: %s is %v (present %v), want null", k, v, ok)
			}
		}
		r = api.json(http.MethodGet, "/api/v1/dora?since=forever", nil, nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"field":"since"`) {
			t.Errorf("bad since: got %d %s, want 422 naming since", r.Status, r.Body)
		}
		if _, err := s.cli(t, "", "dora", "--since", "30d", "--from", "2026-01-01", "--to", "2026-01-07"); err == nil || !strings.Contains(err.Error(), "since") {
			t.Errorf("dora with --since and dates: got %v, want an error naming since", err)
		}
		out, err = s.cli(t, "", "dora", "--component", "checkout", "--from", "2026-01-01", "--to", "2026-01-07")
		if err != nil || !regexp.MustCompile(`Change failure rate +33\.3 %`).MatchString(out) {
			t.Errorf("dora table: %v\n%s", err, out)
		}
	})
}

// gitRepo makes a repository with three commits a day apart, tagged v1
// (the first) and v2 (the last), dated in January 2026.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed; it is needed to build the test repository")
	}
	dir := t.TempDir()
	run := func(date string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ana", "GIT_AUTHOR_EMAIL=ana@example.com", "GIT_COMMITTER_NAME=Ana",
			"GIT_COMMITTER_EMAIL=ana@example.com", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date, "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("2026-01-01T10:00:00Z", "init", "-q", "-b", "main")
	for i, date := range []string{"2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"} {
		if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(date), 0o644); err != nil {
			t.Fatal(err)
		}
		run(date, "add", "f.txt")
		run(date, "commit", "-q", "-m", "change "+date)
		if i == 0 {
			run(date, "tag", "v1")
		}
	}
	run("2026-01-03T12:00:00Z", "tag", "-a", "v2", "-m", "release 2")
	return dir
}

func TestImportGitCLI(t *testing.T) {
	t.Parallel()
	repo := gitRepo(t)
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		_, api := s.adminToken(t)
		mustCreate(t, api, componentDesc("checkout", "team-payments"))

		out, err := s.cli(t, "", "import", "git", repo, "--component", "checkout", "--deploy-tags", "v*")
		if err != nil || !strings.Contains(out, "Read 3 commits and 2 deployments; stored 3 new changes and 2 new or changed deployments") {
			t.Fatalf("import git: %v\n%s", err, out)
		}
		out, err = s.cli(t, "", "import", "git", repo, "--component", "checkout", "--deploy-tags", "v*")
		if err != nil || !strings.Contains(out, "stored 0 new changes and 0 new or changed deployments") {
			t.Errorf("import git again: %v\n%s", err, out)
		}
		if _, err := s.cli(t, "", "import", "git", repo, "--component", "checkout", "--deploy-tags", "release-*"); err == nil ||
			!strings.Contains(err.Error(), "no tag matches") {
			t.Errorf("no matching tag: got %v, want an error saying so", err)
		}
		if _, err := s.cli(t, "", "import", "git", t.TempDir(), "--component", "checkout"); err == nil {
			t.Error("a folder that is not a repository imported without error")
		}
		// v1 is the baseline; v2 (Jan 3, 12:00) shipped the commits of
		// Jan 2 and Jan 3: 26 h and 2 h.
		var keys map[string]any
		mustJSON(t, api, http.MethodGet, "/api/v1/dora?component=checkout&from=2026-01-01&to=2026-01-04", nil, http.StatusOK, &keys)
		if keys["deployments"] != 2.0 || keys["lead_time_p50_seconds"] != 2*3600.0 || keys["lead_time_p90_seconds"] != 26*3600.0 {
			t.Errorf("after the import: deployments %v, lead p50 %v, p90 %v; want 2, 7200, 93600",
				keys["deployments"], keys["lead_time_p50_seconds"], keys["lead_time_p90_seconds"])
		}
	})
}
