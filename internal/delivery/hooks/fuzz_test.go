package hooks

import (
	"io/fs"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

// brokenJSON seeds both fuzzers with bodies that are not payloads.
var brokenJSON = []string{
	``, `null`, `[]`, `"push"`, `{`, `{}`, `{"commits": null}`, `{"commits": [null]}`,
	`{"deployment": {"id": 1.5e300, "sha": "ABCD", "environment": "prod", "created_at": "9999-12-31T23:59:59Z"}}`,
	`{"object_attributes": {"iid": -1}}`, `{"status": "success", "deployment_id": "x", "sha": "abcd", "environment": "e"}`,
}

// fuzzEvents lists a provider's event types, plus one it does not read, so
// the fuzzer picks an event with a byte and spends its time on bodies.
func fuzzEvents[V any](events map[string]V, unread string) []string {
	return append(slices.Sorted(maps.Keys(events)), unread)
}

// seed adds every JSON file under testdata/dir, its event found by name.
func seed(f *testing.F, dir string, events []string, eventOf func(path string) string) {
	f.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join("testdata", dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		i := slices.Index(events, eventOf(filepath.ToSlash(p)))
		if i < 0 {
			i = len(events) - 1
		}
		f.Add(uint8(i), readFixture(f, strings.TrimPrefix(filepath.ToSlash(p), "testdata/")))
		n++
		return nil
	})
	if err != nil || n == 0 {
		f.Fatalf("seeding from testdata/%s: %d files, %v", dir, n, err)
	}
	for _, s := range brokenJSON {
		for i := range events {
			f.Add(uint8(i), []byte(s))
		}
	}
}

func FuzzGitHubParse(f *testing.F) {
	gh := mustProvider(f, "github")
	events := fuzzEvents(githubEvents, "ping")
	seed(f, "github", events, func(p string) string { return strings.Split(p, "/")[2] })
	// Payloads the fixtures lack, derived as the table tests do.
	closed := readFixture(f, "github/pull_request/closed.payload.json")
	for event, body := range map[string][]byte{
		"pull_request": patch(f, closed, "pull_request.merged", true, "pull_request.merged_at", "2019-05-15T15:21:18Z"),
		"pull_request_review": patch(f, closed, "action", "submitted",
			"review", map[string]any{"submitted_at": "2019-05-15T17:25:00+02:00", "user": map[string]any{"login": "hubot"}}),
		"release": patch(f, readFixture(f, "github/release/published.payload.json"),
			"release.target_commitish", "6113728f27ae82c7b1a177c8d03f9e96e0adf246"),
		"issues": patch(f, readFixture(f, "github/issues/labeled.payload.json"),
			"issue.labels", []any{map[string]any{"name": "incident"}}, "issue.state", "closed", "issue.closed_at", "2019-05-16T00:00:00Z"),
	} {
		f.Add(uint8(slices.Index(events, event)), body)
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		event := events[int(which)%len(events)]
		b, err := gh.Parse(event, body)
		checkParse(t, b, err)
	})
}

func FuzzGitLabParse(f *testing.F) {
	gl := mustProvider(f, "gitlab")
	events := fuzzEvents(gitlabEvents, "Pipeline Hook")
	byFile := map[string]string{
		"push": "Push Hook", "merge_request": "Merge Request Hook",
		"deployment": "Deployment Hook", "issue": "Issue Hook",
	}
	seed(f, "gitlab", events, func(p string) string {
		kind, _, _ := strings.Cut(filepath.Base(p), ".")
		return byFile[kind]
	})
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		event := events[int(which)%len(events)]
		b, err := gl.Parse(event, body)
		checkParse(t, b, err)
	})
}

// checkParse asserts Parse's contract: a field-naming invalid error with an
// empty batch, or a batch that is either ignored or carries valid records.
func checkParse(t *testing.T, b delivery.Batch, err error) {
	t.Helper()
	if err != nil {
		if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || e.Field == "" {
			t.Fatalf("got error %#v, want an invalid error naming a field", err)
		}
		if !reflect.DeepEqual(b, delivery.Batch{}) {
			t.Fatalf("got batch %+v with error %v, want an empty batch", b, err)
		}
		return
	}
	if b.Empty() == (b.Ignored == "") {
		t.Fatalf("got ignored %q with %d deployments, %d changes, %d pull requests, %d failures; want a reason or records, not both",
			b.Ignored, len(b.Deployments), len(b.Changes), len(b.PullRequests), len(b.Failures))
	}
	checkValid(t, b)
}
