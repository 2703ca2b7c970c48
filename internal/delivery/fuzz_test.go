package delivery

import (
	"encoding/json"
	"testing"
)

// FuzzBatchJSON feeds the API's record shapes arbitrary JSON: validation
// must never panic, and what it accepts must be what the store relies on.
func FuzzBatchJSON(f *testing.F) {
	for _, seed := range []string{
		`{"component":"pay","environment":"Production","sha":"ABCDEF1","result":"failure","finished_at":"2026-01-02T03:04:05+02:00"}`,
		`{"component":"pay","sha":"abc","authored_at":"2026-01-01T00:00:00Z","parents":["zz"]}`,
		`{"repository":"a/b","number":7,"opened_at":"2026-01-01T00:00:00Z","merged_at":"2026-01-02T00:00:00Z"}`,
		`{"component":"pay","title":" ","started_at":"2026-01-01T00:00:00Z","resolved_at":"2025-01-01T00:00:00Z"}`,
		`{"environment":"prod","sha":"0123456789abcdef0123456789abcdef01234567","changes":["x"],"remedy":"undo"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d DeploymentInput
		if json.Unmarshal(data, &d) == nil && d.Validate() == nil {
			if !validSHA(d.SHA) || d.Environment == "" || d.ExternalID == "" || d.StartedAt.IsZero() {
				t.Fatalf("accepted deployment %+v", d)
			}
			if d.Result != ResultPending && (d.FinishedAt.IsZero() || d.FinishedAt.Before(d.StartedAt)) {
				t.Fatalf("accepted finished deployment without a sane finish: %+v", d)
			}
		}
		var c ChangeInput
		if json.Unmarshal(data, &c) == nil && c.Validate() == nil {
			if !validSHA(c.SHA) || c.AuthoredAt.IsZero() || c.CommittedAt.IsZero() {
				t.Fatalf("accepted change %+v", c)
			}
		}
		var p PullRequestInput
		if json.Unmarshal(data, &p) == nil && p.Validate() == nil {
			if p.Number <= 0 || p.OpenedAt.IsZero() || !p.MergedAt.IsZero() && p.MergeSHA == "" {
				t.Fatalf("accepted pull request %+v", p)
			}
		}
		var fl FailureInput
		if json.Unmarshal(data, &fl) == nil && fl.Validate() == nil {
			if fl.Title == "" || fl.StartedAt.IsZero() || fl.ExternalID == "" {
				t.Fatalf("accepted failure %+v", fl)
			}
		}
	})
}
