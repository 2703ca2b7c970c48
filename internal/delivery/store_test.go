package delivery

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// history is two days of one component's life: a first deployment, a
// merge, a failed deployment and its fix, an incident, and a rollback.
func history() Batch {
	return Batch{
		Changes: []ChangeInput{
			commit("pay", "a", -48), commit("pay", "b", -24, "a"),
			commit("pay", "c", 1, "b"), commit("pay", "f1", 2, "b"), commit("pay", "f2", 3, "f1"),
			commit("pay", "m", 10, "c", "f2"),
			commit("pay", "d", 20, "m"), commit("pay", "e", 23, "d"), commit("pay", "g", 35, "e"),
		},
		Deployments: []DeploymentInput{
			deploy("pay", "D1", "b", 0, ResultSuccess),
			deploy("pay", "D2", "m", 12, ResultSuccess),
			deploy("pay", "D3", "d", 22, ResultFailure),
			deploy("pay", "D4", "e", 24, ResultSuccess),
			deploy("pay", "D6", "g", 36, ResultSuccess),
			func() DeploymentInput {
				d := deploy("pay", "D7", "e", 38, ResultSuccess)
				d.Remedy = RemedyRollback
				return d
			}(),
		},
		Failures: []FailureInput{{Component: "pay", Title: "checkout errors", StartedAt: at(26), ResolvedAt: at(28), ExternalID: "INC-1"}},
	}
}

func TestHistoryKeys(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		res := mustIngest(t, s, history())
		if res.Deployments != 6 || res.Changes != 9 || res.Failures != 1 {
			t.Fatalf("stored %+v, want 6 deployments, 9 changes, 1 failure", res)
		}
		for _, c := range []struct {
			id      string
			changes int
			failed  string
			rework  bool
			recover string
		}{
			{"D1", 2, "", false, "null"},
			{"D2", 4, "", false, "null"},
			{"D3", 0, "result", false, "7200"},
			{"D4", 2, "incident", true, "7200"},
			{"D6", 1, "rollback", false, "7200"},
			{"D7", 0, "", true, "null"},
		} {
			got := mustDeployment(t, s, "pay", c.id)
			rec := "null"
			if got.RecoverySeconds != nil {
				rec = itoa64(*got.RecoverySeconds)
			}
			if got.ChangeCount != c.changes || got.FailReason != c.failed || got.Failed != (c.failed != "") || got.Rework != c.rework || rec != c.recover {
				t.Errorf("%s: got changes %d, failed %q, rework %v, recovery %s; want %d, %q, %v, %s",
					c.id, got.ChangeCount, got.FailReason, got.Rework, rec, c.changes, c.failed, c.rework, c.recover)
			}
		}
		if n := count(t, s, `SELECT COUNT(*) FROM delivery_shipped WHERE baseline`); n != 2 {
			t.Errorf("got %d baseline changes, want 2 (a and b, behind the first deployment)", n)
		}
		k, err := s.Measure(testCtx, Scope{}, window(0, 48))
		if err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string][2]string{
			"deployments":        {itoa64(int64(k.Deployments)), "6"},
			"deployment days":    {itoa64(int64(k.DeploymentDays)), "2"},
			"per day":            {f64(k.DeploymentsPerDay), "3"},
			"days per week":      {f64(k.DeploymentDaysPerWeek), "7"},
			"changes":            {itoa64(int64(k.Changes)), "7"},
			"lead p50":           {f64(k.LeadTimeP50), "14400"},
			"lead p90":           {f64(k.LeadTimeP90), "39600"},
			"failed":             {itoa64(int64(k.Failed)), "3"},
			"failure rate":       {f64(k.FailureRate), "0.5"},
			"recovery p50":       {f64(k.RecoveryP50), "7200"},
			"rework rate":        {f64(k.ReworkRate), "0.3333333333333333"},
			"recovered":          {itoa64(int64(k.Recovered)), "3"},
			"rework deployments": {itoa64(int64(k.Rework)), "2"},
		} {
			if c[0] != c[1] {
				t.Errorf("%s: got %s, want %s", name, c[0], c[1])
			}
		}

		// The same batch again changes nothing, not even the audit log.
		audits := count(t, s, `SELECT COUNT(*) FROM audit_log`)
		if again := mustIngest(t, s, history()); again.Stored() {
			t.Errorf("replay stored %+v, want nothing", again)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM audit_log`); n != audits {
			t.Errorf("replay wrote %d audit entries, want 0", n-audits)
		}
		k2, err := s.Measure(testCtx, Scope{}, window(0, 48))
		if err != nil {
			t.Fatal(err)
		}
		if a, b := mustJSON(t, k), mustJSON(t, k2); a != b {
			t.Errorf("keys after replay:\n got %s\nwant %s", b, a)
		}
	})
}

func TestScopes(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustIngest(t, s, history())
		for _, c := range []struct {
			name  string
			scope Scope
			want  int
		}{
			{"team owning pay", Scope{Team: "team-a"}, 6},
			{"system of pay", Scope{System: "shop"}, 6},
			{"component by name", Scope{Component: "pay"}, 6},
			{"team with no deployments", Scope{Team: "team-b"}, 0},
		} {
			t.Run(c.name, func(t *testing.T) {
				k, err := s.Measure(testCtx, c.scope, window(0, 48))
				if err != nil {
					t.Fatal(err)
				}
				if k.Deployments != c.want {
					t.Errorf("got %d deployments, want %d", k.Deployments, c.want)
				}
			})
		}
		k, err := s.Measure(testCtx, Scope{Component: "web"}, window(0, 48))
		if err != nil {
			t.Fatal(err)
		}
		got := mustJSON(t, k)
		for _, key := range []string{`"deployments_per_day":null`, `"lead_time_p50_seconds":null`, `"lead_time_p90_seconds":null`,
			`"change_failure_rate":null`, `"recovery_time_p50_seconds":null`, `"rework_rate":null`, `"deployments":0`} {
			if !strings.Contains(got, key) {
				t.Errorf("keys of a component with no deployments lack %s: %s", key, got)
			}
		}
		if _, err := s.Measure(testCtx, Scope{Component: "nope"}, window(0, 48)); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown component: got %v, want not found", err)
		}
		if _, err := s.Measure(testCtx, Scope{Team: "nobody"}, window(0, 48)); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown team: got %v, want not found", err)
		}
	})
}

func TestOutOfOrder(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustIngest(t, s, Batch{Changes: []ChangeInput{commit("pay", "a", -2), commit("pay", "b", -1, "a")}})
		// The status comes first, the deployment's creation after it.
		final := deploy("pay", "77", "b", 1, ResultSuccess)
		pending := deploy("pay", "77", "b", 0, ResultPending)
		pending.FinishedAt = time.Time{}
		mustIngest(t, s, Batch{Deployments: []DeploymentInput{final}})
		mustIngest(t, s, Batch{Deployments: []DeploymentInput{pending}})
		got := mustDeployment(t, s, "pay", "77")
		if got.Result != ResultSuccess || !got.FinishedAt.Equal(at(1)) || !got.StartedAt.Equal(at(-0.1)) {
			t.Errorf("got %s finished %v started %v, want success finished %v started %v", got.Result, got.FinishedAt, got.StartedAt, at(1), at(-0.1))
		}
		// A later deployment whose commit arrives after it ships once the
		// commit comes.
		mustIngest(t, s, Batch{Deployments: []DeploymentInput{deploy("pay", "78", "c", 5, ResultSuccess)}})
		if got := mustDeployment(t, s, "pay", "78"); got.ChangeCount != 0 {
			t.Fatalf("deployment of an unknown commit shipped %d changes", got.ChangeCount)
		}
		mustIngest(t, s, Batch{Changes: []ChangeInput{commit("pay", "c", 4, "b")}})
		if got := mustDeployment(t, s, "pay", "78"); got.ChangeCount != 1 {
			t.Errorf("after its commit came, got %d changes shipped, want 1", got.ChangeCount)
		}
	})
}

func TestLateEarlierDeployment(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustIngest(t, s, Batch{
			Changes:     []ChangeInput{commit("web", "a", 0), commit("web", "b", 1, "a"), commit("web", "c", 2, "b")},
			Deployments: []DeploymentInput{deploy("web", "late", "c", 10, ResultSuccess)},
		})
		if n := count(t, s, `SELECT COUNT(*) FROM delivery_shipped WHERE baseline`); n != 3 {
			t.Fatalf("first deployment: %d baseline changes, want 3", n)
		}
		// The deployment before it arrives last: it becomes the first, and
		// the later one now ships what came after it.
		mustIngest(t, s, Batch{Deployments: []DeploymentInput{deploy("web", "early", "a", 5, ResultSuccess)}})
		if got := mustDeployment(t, s, "web", "late"); got.ChangeCount != 2 {
			t.Errorf("later deployment ships %d changes, want 2 (b and c)", got.ChangeCount)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM delivery_shipped WHERE baseline`); n != 1 {
			t.Errorf("%d baseline changes, want 1 (a)", n)
		}
		k := measure(t, s, Scope{}, window(0, 24))
		if k.Deployments != 2 || k.Changes != 2 || f64(k.LeadTimeP90) != "32400" {
			t.Errorf("got %d deployments, %d changes, lead p90 %s; want 2, 2, 32400", k.Deployments, k.Changes, f64(k.LeadTimeP90))
		}
	})
}

func TestPullRequestStartsLeadTime(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustIngest(t, s, Batch{
			Changes:     []ChangeInput{commit("pay", "a", -30), commit("pay", "sq", 10, "a")},
			Deployments: []DeploymentInput{deploy("pay", "1", "a", -20, ResultSuccess), deploy("pay", "2", "sq", 12, ResultSuccess)},
		})
		k := measure(t, s, Scope{}, window(0, 24))
		if f64(k.LeadTimeP50) != "7200" {
			t.Fatalf("before the pull request: lead p50 %s, want 7200", f64(k.LeadTimeP50))
		}
		// A squash merge: the commit's author time is the merge; the pull
		// request opened 8 hours earlier.
		mustIngest(t, s, Batch{PullRequests: []PullRequestInput{{Component: "pay", Number: 7, OpenedAt: at(2), MergedAt: at(10), MergeSHA: sha("sq")}}})
		k = measure(t, s, Scope{}, window(0, 24))
		if f64(k.LeadTimeP50) != "36000" {
			t.Errorf("after the pull request: lead p50 %s, want 36000 (from its opening)", f64(k.LeadTimeP50))
		}
	})
}

func TestBadInputStoresNothing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		for _, c := range []struct {
			name  string
			batch Batch
			field string
		}{
			{"no environment", Batch{Deployments: []DeploymentInput{{Component: "pay", SHA: sha("a")}}}, "deployments[0].environment"},
			{"bad sha", Batch{Deployments: []DeploymentInput{{Component: "pay", Environment: "production", SHA: "main"}}}, "deployments[0].sha"},
			{"bad result", Batch{Deployments: []DeploymentInput{{Component: "pay", Environment: "production", SHA: sha("a"), Result: "ok"}}}, "deployments[0].result"},
			{"unknown component", Batch{Changes: []ChangeInput{commit("pay", "a", 0)}, Deployments: []DeploymentInput{deploy("nope", "1", "a", 1, "")}}, "deployments[0].component"},
			{"change without time", Batch{Changes: []ChangeInput{{Component: "pay", SHA: sha("a")}}}, "changes[0].authored_at"},
			{"failure without title", Batch{Failures: []FailureInput{{Component: "pay", StartedAt: at(0)}}}, "failures[0].title"},
			{"listed change unknown", Batch{Changes: []ChangeInput{commit("pay", "a", 0)}, Deployments: []DeploymentInput{func() DeploymentInput {
				d := deploy("pay", "1", "a", 1, "")
				d.Changes = []string{sha("zz")}
				return d
			}()}}, "deployments[0].changes[0]"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.Ingest(testCtx, c.batch)
				e := apperr.As(err)
				if e == nil || e.Field != c.field {
					t.Fatalf("got %v, want an error naming %s", err, c.field)
				}
				for _, table := range []string{"delivery_changes", "delivery_deployments", "delivery_failures", "audit_log"} {
					want := 0
					if table == "audit_log" {
						want = 2 // the components' creation
					}
					if n := count(t, s, `SELECT COUNT(*) FROM `+table); n != want {
						t.Errorf("%s has %d rows after refused input, want %d", table, n, want)
					}
				}
			})
		}
	})
}

func measure(t *testing.T, s *Store, sc Scope, w Window) Keys {
	t.Helper()
	k, err := s.Measure(testCtx, sc, w)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
