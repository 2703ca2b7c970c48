package delivery

import (
	"testing"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// These tests send events late, twice or corrected, and check that what is
// derived from them ends up as if they had come in order.

func TestCorrectedDeploymentLeavesItsOldDay(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustIngest(t, s, Batch{Changes: []ChangeInput{commit("pay", "a", -1)}, Deployments: []DeploymentInput{deploy("pay", "1", "a", 10, ResultSuccess)}})
		moved := deploy("pay", "1", "a", 34, ResultSuccess)
		mustIngest(t, s, Batch{Deployments: []DeploymentInput{moved}})
		if k := measure(t, s, Scope{}, window(0, 48)); k.Deployments != 1 || k.DeploymentDays != 1 {
			t.Errorf("after moving to the next day: %d deployments on %d days, want 1 on 1", k.Deployments, k.DeploymentDays)
		}
		moved.Environment = "staging"
		mustIngest(t, s, Batch{Deployments: []DeploymentInput{moved}})
		if k := measure(t, s, Scope{}, window(0, 48)); k.Deployments != 0 {
			t.Errorf("after moving to staging: %d production deployments, want 0", k.Deployments)
		}
	})
}

func TestLateParentIsShipped(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustIngest(t, s, Batch{Changes: []ChangeInput{commit("pay", "a", 0)}, Deployments: []DeploymentInput{deploy("pay", "1", "a", 1, ResultSuccess)}})
		// The second push and its deployment come before the first push.
		mustIngest(t, s, Batch{Changes: []ChangeInput{commit("pay", "p2", 3, "p1")}, Deployments: []DeploymentInput{deploy("pay", "2", "p2", 5, ResultSuccess)}})
		mustIngest(t, s, Batch{Changes: []ChangeInput{commit("pay", "p1", 2, "a")}})
		if got := mustDeployment(t, s, "pay", "2"); got.ChangeCount != 2 {
			t.Errorf("after the late parent: deployment ships %d changes, want 2", got.ChangeCount)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM delivery_missing`); n != 0 {
			t.Errorf("%d commits still missing, want none", n)
		}
	})
}

func TestListedChangesShipOnlyOnSuccess(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		failed := deploy("pay", "2", "b", 2, ResultFailure)
		failed.Changes = []string{sha("b")}
		b := Batch{
			Changes:     []ChangeInput{commit("pay", "a", 0), commit("pay", "b", 1, "a")},
			Deployments: []DeploymentInput{deploy("pay", "1", "a", 0.5, ResultSuccess), failed, deploy("pay", "3", "b", 3, ResultSuccess)},
		}
		mustIngest(t, s, b)
		if got := mustDeployment(t, s, "pay", "2"); got.ChangeCount != 0 {
			t.Errorf("failed deployment with a list ships %d changes, want 0", got.ChangeCount)
		}
		if got := mustDeployment(t, s, "pay", "3"); got.ChangeCount != 1 {
			t.Errorf("the success after it ships %d changes, want 1", got.ChangeCount)
		}
		if again := mustIngest(t, s, b); again.Stored() {
			t.Errorf("replay of a deployment with a list stored %+v, want nothing", again)
		}
	})
}

func TestRecoveryAfterConsecutiveFailures(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustIngest(t, s, Batch{
			Changes: []ChangeInput{commit("pay", "a", 0), commit("pay", "b", 1, "a")},
			Deployments: []DeploymentInput{deploy("pay", "0", "a", 1, ResultSuccess), deploy("pay", "z", "b", 10, ResultFailure),
				deploy("pay", "y", "b", 20, ResultFailure), deploy("pay", "ok", "b", 40, ResultSuccess)},
		})
		// A success between them arrives late: both failures recovered
		// earlier.
		mustIngest(t, s, Batch{Deployments: []DeploymentInput{deploy("pay", "late", "a", 25, ResultSuccess)}})
		for id, want := range map[string]int64{"z": 15 * 3600, "y": 5 * 3600} {
			if got := mustDeployment(t, s, "pay", id); got.RecoverySeconds == nil || *got.RecoverySeconds != want {
				t.Errorf("%s: recovery %v, want %d", id, got.RecoverySeconds, want)
			}
		}
	})
}

func TestWaitingFirstDeploymentIsNoBaseline(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		// The first deployment's commit never arrives; the second is the
		// first to ship, so its history is baseline.
		mustIngest(t, s, Batch{
			Changes:     []ChangeInput{commit("pay", "a", -5000), commit("pay", "b", 1, "a")},
			Deployments: []DeploymentInput{deploy("pay", "1", "nowhere", 0.5, ResultSuccess), deploy("pay", "2", "b", 2, ResultSuccess)},
		})
		if k := measure(t, s, Scope{}, window(-1, 24)); k.Changes != 0 || k.LeadTimeP90 != nil {
			t.Errorf("got %d changes measured, lead p90 %s; want 0 and null", k.Changes, f64(k.LeadTimeP90))
		}
	})
}

func TestFailureNamesDeploymentAsTheSourceSpellsIt(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustIngest(t, s, Batch{
			Changes: []ChangeInput{commit("pay", "a", 0)},
			Deployments: []DeploymentInput{deploy("pay", "Run-42", "a", 1, ResultSuccess), deploy("pay", "Run-43", "a", 2, ResultSuccess),
				func() DeploymentInput {
					d := deploy("pay", "Run-44", "a", 3, ResultPending)
					d.FinishedAt = zero()
					return d
				}()},
			Failures: []FailureInput{
				{Component: "pay", Title: "by id", StartedAt: at(5), Deployment: "Run-42", ExternalID: "f1"},
				{Component: "pay", Title: "by sha", StartedAt: at(5), Deployment: sha("a")[:10], ExternalID: "f2"},
			},
		})
		if got := mustDeployment(t, s, "pay", "Run-42"); got.FailReason != "incident" {
			t.Errorf("Run-42: fail reason %q, want incident (named with its own spelling)", got.FailReason)
		}
		if got := mustDeployment(t, s, "pay", "Run-43"); got.FailReason != "incident" {
			t.Errorf("Run-43: fail reason %q, want incident (the latest finished one with that SHA)", got.FailReason)
		}
	})
}

func TestRollbackWithoutIDIsItsOwnDeployment(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		back := deploy("pay", "", "a", 3, ResultSuccess)
		back.Remedy = RemedyRollback
		first, second := deploy("pay", "", "a", 1, ResultSuccess), deploy("pay", "", "b", 2, ResultSuccess)
		mustIngest(t, s, Batch{Changes: []ChangeInput{commit("pay", "a", 0), commit("pay", "b", 1.5, "a")},
			Deployments: []DeploymentInput{first, second, back}})
		k := measure(t, s, Scope{}, window(0, 24))
		if k.Deployments != 3 || k.Failed != 1 || k.Rework != 1 {
			t.Errorf("got %d deployments, %d failed, %d rework; want 3, 1 (rolled back), 1 (the rollback)", k.Deployments, k.Failed, k.Rework)
		}
	})
}

func TestRetriedReportWithoutFinishChangesNothing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustIngest(t, s, Batch{Changes: []ChangeInput{commit("pay", "a", 0)}})
		report := func() DeploymentInput {
			return DeploymentInput{Component: "pay", Environment: "production", SHA: sha("a")}
		}
		if r := mustIngest(t, s, Batch{Deployments: []DeploymentInput{report()}}); r.Deployments != 1 {
			t.Fatalf("first report stored %+v", r)
		}
		if r := mustIngest(t, s, Batch{Deployments: []DeploymentInput{report()}}); r.Stored() {
			t.Errorf("retried report stored %+v, want nothing", r)
		}
	})
}

func TestBotChangesFromTheAPIAreNotCounted(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		bump := commit("pay", "b", 1, "a")
		bump.Author = "dependabot[bot]"
		mustIngest(t, s, Batch{Changes: []ChangeInput{commit("pay", "a", 0), bump, commit("pay", "c", 2, "b")},
			Deployments: []DeploymentInput{deploy("pay", "1", "a", 0.5, ResultSuccess), deploy("pay", "2", "c", 3, ResultSuccess)}})
		if k := measure(t, s, Scope{}, window(0, 24)); k.Changes != 1 {
			t.Errorf("got %d changes measured, want 1 (the bot's left out)", k.Changes)
		}
	})
}

func TestCycleTimeDeployPhase(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustIngest(t, s, Batch{
			Changes:     []ChangeInput{commit("pay", "a", 0), commit("pay", "f", 1, "a"), commit("pay", "m", 4, "a", "f")},
			Deployments: []DeploymentInput{deploy("pay", "1", "a", 0.5, ResultSuccess), deploy("pay", "2", "m", 7, ResultSuccess)},
		})
		// The pull request arrives after its merge commit was deployed.
		mustIngest(t, s, Batch{PullRequests: []PullRequestInput{{Component: "pay", Number: 1, OpenedAt: at(2), FirstCommitAt: at(1),
			FirstReviewAt: at(3), MergedAt: at(4), MergeSHA: sha("m")}}})
		ct, err := s.CycleTime(testCtx, Scope{}, window(0, 24))
		if err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string][2]string{
			"coding": {f64(ct.CodingP50), "3600"}, "pickup": {f64(ct.PickupP50), "3600"},
			"review": {f64(ct.ReviewP50), "3600"}, "deploy": {f64(ct.DeployP50), "10800"},
		} {
			if c[0] != c[1] {
				t.Errorf("%s: got %s, want %s", name, c[0], c[1])
			}
		}
		// A later deployment that arrives late but finished earlier takes
		// the merge: the deploy phase follows it.
		mustIngest(t, s, Batch{Deployments: []DeploymentInput{deploy("pay", "1b", "m", 5, ResultSuccess)}})
		if ct, _ = s.CycleTime(testCtx, Scope{}, window(0, 24)); f64(ct.DeployP50) != "3600" {
			t.Errorf("after an earlier deployment of the merge: deploy phase %s, want 3600", f64(ct.DeployP50))
		}
	})
}

func TestManyDeploymentsInOneSecond(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		parent := ""
		for i, name := range []string{"c1", "c2", "c3", "c4", "c5"} {
			c := commit("pay", name, float64(i))
			if parent != "" {
				c.Parents = []string{sha(parent)}
			}
			parent = name
			// Each deployment finishes in the same second as the others.
			mustIngest(t, s, Batch{Changes: []ChangeInput{c}, Deployments: []DeploymentInput{deploy("pay", name, name, 10, ResultSuccess)}})
		}
		for _, name := range []string{"c2", "c3", "c4", "c5"} {
			if got := mustDeployment(t, s, "pay", name); got.ChangeCount != 1 {
				t.Errorf("%s ships %d changes, want 1", name, got.ChangeCount)
			}
		}
		if k := measure(t, s, Scope{}, window(0, 24)); k.Deployments != 5 || k.Changes != 4 {
			t.Errorf("got %d deployments and %d changes, want 5 and 4", k.Deployments, k.Changes)
		}
	})
}
