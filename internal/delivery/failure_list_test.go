package delivery

import (
	"testing"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestFailuresOf(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		b := history()
		// A second failure, named by the deployment's commit, on the
		// deployment before the one the rule picks.
		b.Failures = append(b.Failures, FailureInput{Component: "pay", Title: "slow refunds", StartedAt: at(30), Deployment: sha("m"), ExternalID: "INC-2"})
		mustIngest(t, s, b)
		for _, c := range []struct {
			id   string
			want []string
		}{
			{"D4", []string{"checkout errors (rule)"}},
			{"D2", []string{"slow refunds (explicit)"}},
			{"D1", nil},
		} {
			dep := mustDeployment(t, s, "pay", c.id)
			fs, err := s.FailuresOf(testCtx, dep.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				if f.DeploymentID != dep.ID {
					t.Errorf("%s: failure %q charged to deployment %d, want %d", c.id, f.Title, f.DeploymentID, dep.ID)
				}
				got = append(got, f.Title+" ("+f.Attribution+")")
			}
			if len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
				t.Errorf("%s: got failures %q, want %q", c.id, got, c.want)
			}
		}
		fs, err := s.FailuresOf(testCtx, 999999)
		if err != nil || len(fs) != 0 {
			t.Errorf("unknown deployment: got %d failures, error %v; want none and no error", len(fs), err)
		}
	})
}
