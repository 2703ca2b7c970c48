package radar

import (
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestExperimentLifecycle(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		addUser(t, s, "ana")
		addGroup(t, s, "payments")
		mustTech(t, s, "Temporal", "Platforms", "Assess")
		in := ExperimentInput{Hypothesis: "Temporal makes payment retries simpler", Technology: "temporal", Owner: "ana", Team: "payments",
			Start: date("2024-01-08"), End: date("2024-02-29"), SuccessCriteria: "Retry code halves"}
		e, err := s.CreateExperiment(testCtx, in)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != ExperimentPlanned || e.Owner != "user:default/ana" || e.Team != "group:default/payments" || e.Technology != "Temporal" {
			t.Errorf("got %+v, want a planned experiment by user:default/ana for group:default/payments", e)
		}

		_, err = s.ConcludeExperiment(testCtx, e.ID, Conclusion{Outcome: "x"})
		wantCode(t, err, apperr.Conflict, "")
		if e, err = s.StartExperiment(testCtx, e.ID); err != nil || e.Status != ExperimentRunning {
			t.Fatalf("got %v %v, want running", e.Status, err)
		}
		_, err = s.StartExperiment(testCtx, e.ID)
		wantCode(t, err, apperr.Conflict, "")

		_, err = s.ConcludeExperiment(testCtx, e.ID, Conclusion{Outcome: "Worked", ProposedRing: "Forever"})
		wantCode(t, err, apperr.Invalid, "proposed_ring")
		e, err = s.ConcludeExperiment(testCtx, e.ID, Conclusion{Outcome: "Retry code went from 900 to 300 lines", Learned: "Workers need care",
			ProposedRing: "trial"})
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != ExperimentConcluded || e.ProposedRingName != "Trial" || e.ConcludedAt == nil || e.ProposalApplied {
			t.Errorf("got %+v, want concluded proposing Trial", e)
		}
		_, err = s.UpdateExperiment(testCtx, e.ID, in)
		wantCode(t, err, apperr.Conflict, "")

		_, err = s.ApplyExperimentProposal(testCtx, e.ID, ProposalInput{})
		wantCode(t, err, apperr.Invalid, "decided_by")
		c, err := s.ApplyExperimentProposal(testCtx, e.ID, ProposalInput{DecidedBy: "Tech board"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Experiment != e.ID || c.FromName != "Assess" || c.ToName != "Trial" || c.Reason == "" {
			t.Errorf("got %+v, want Assess -> Trial citing experiment %d", c, e.ID)
		}
		tech, _ := s.Technology(testCtx, "Temporal")
		if tech.RingName != "Trial" {
			t.Errorf("got ring %s, want Trial", tech.RingName)
		}
		hist, _ := s.RingChanges(testCtx, "Temporal")
		if last := hist[len(hist)-1]; last.Experiment != e.ID || last.DecidedBy != "Tech board" {
			t.Errorf("got last change %+v, want one citing experiment %d by Tech board", last, e.ID)
		}
		_, err = s.ApplyExperimentProposal(testCtx, e.ID, ProposalInput{DecidedBy: "Tech board"})
		wantCode(t, err, apperr.Conflict, "")
		if n := auditCount(t, d, "experiment", "1"); n != 4 {
			t.Errorf("got %d audit entries for the experiment, want 4 (create, running, concluded, apply_proposal)", n)
		}
	})
}

func TestExperimentInvalid(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		addUser(t, s, "ana")
		addGroup(t, s, "payments")
		mustTech(t, s, "Temporal", "Platforms", "Assess")
		ok := ExperimentInput{Hypothesis: "h", Technology: "Temporal", Owner: "ana", Team: "payments", Start: date("2024-01-01"), End: date("2024-02-01")}
		tests := []struct {
			name  string
			edit  func(in *ExperimentInput)
			field string
		}{
			{"no hypothesis", func(in *ExperimentInput) { in.Hypothesis = " " }, "hypothesis"},
			{"no end", func(in *ExperimentInput) { in.End = date("0001-01-01") }, "end"},
			{"end before start", func(in *ExperimentInput) { in.End = date("2023-12-01") }, "end"},
			{"unknown technology", func(in *ExperimentInput) { in.Technology = "Cobol" }, "technology"},
			{"owner not in catalog", func(in *ExperimentInput) { in.Owner = "bob" }, "owner"},
			{"team is a user", func(in *ExperimentInput) { in.Team = "user:ana" }, "team"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := ok
				tt.edit(&in)
				_, err := s.CreateExperiment(testCtx, in)
				wantCode(t, err, apperr.Invalid, tt.field)
			})
		}
	})
}

func TestExperimentOverview(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		addUser(t, s, "ana")
		addGroup(t, s, "payments")
		addGroup(t, s, "search")
		mustTech(t, s, "Temporal", "Platforms", "Assess")
		mk := func(team, start, end string, run bool) int64 {
			e, err := s.CreateExperiment(testCtx, ExperimentInput{Hypothesis: "h " + team + end, Technology: "Temporal", Owner: "ana", Team: team,
				Start: date(start), End: date(end)})
			if err != nil {
				t.Fatal(err)
			}
			if run {
				if _, err := s.StartExperiment(testCtx, e.ID); err != nil {
					t.Fatal(err)
				}
			}
			return e.ID
		}
		late := mk("payments", "2024-01-01", "2024-02-01", true)
		mk("payments", "2024-02-01", "2024-06-30", true)
		mk("payments", "2024-07-01", "2024-08-01", false)
		mk("search", "2024-03-01", "2024-03-31", false)
		done := mk("search", "2024-01-01", "2024-01-31", true)
		if _, err := s.AbandonExperiment(testCtx, done, Conclusion{Outcome: "Team moved on"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.ExperimentOverview(testCtx, date("2024-03-15"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("got %d teams, want 2: %+v", len(got), got)
		}
		pay, search := got[0], got[1]
		if pay.Team != "group:default/payments" || len(pay.Running) != 2 || len(pay.Overdue) != 1 || pay.Overdue[0].ID != late || pay.Planned != 1 {
			t.Errorf("got payments %+v, want 2 running, experiment %d overdue, 1 planned", pay, late)
		}
		if search.Team != "group:default/search" || len(search.Running) != 0 || search.Planned != 1 {
			t.Errorf("got search %+v, want 1 planned only", search)
		}
		list, err := s.Experiments(testCtx, ExperimentQuery{Status: ExperimentAbandoned})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Outcome != "Team moved on" {
			t.Errorf("got %+v, want the abandoned one", list)
		}
	})
}
