package radar

import (
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// A proposal of the ring the technology sits in already is marked applied
// without a ring change, rather than refused for ever.
func TestApplyProposalOfCurrentRing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		addUser(t, s, "ana")
		addGroup(t, s, "payments")
		mustTech(t, s, "Temporal", "Platforms", "Assess")
		e, err := s.CreateExperiment(testCtx, ExperimentInput{Hypothesis: "h", Technology: "Temporal", Owner: "ana", Team: "payments",
			Start: date("2024-01-08"), End: date("2024-02-29")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartExperiment(testCtx, e.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConcludeExperiment(testCtx, e.ID, Conclusion{Outcome: "Worked", ProposedRing: "Trial"}); err != nil {
			t.Fatal(err)
		}
		// Someone moved it meanwhile.
		mustMove(t, s, "Temporal", "Trial", time.Time{})
		before := countRows(t, d, "radar_ring_changes")
		c, err := s.ApplyExperimentProposal(testCtx, e.ID, ProposalInput{DecidedBy: "board"})
		if err != nil {
			t.Fatalf("got %v, want the proposal marked applied", err)
		}
		if c.ID != 0 || c.From != 1 || c.To != 1 || c.ToName != "Trial" || c.Technology != "Temporal" || c.Experiment != e.ID {
			t.Errorf("got %+v, want no ring change (id 0), Temporal in Trial, citing experiment %d", c, e.ID)
		}
		if n := countRows(t, d, "radar_ring_changes"); n != before {
			t.Errorf("got %d ring changes, want %d: none added", n, before)
		}
		got, err := s.Experiment(testCtx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.ProposalApplied {
			t.Error("got the proposal not applied, want it applied")
		}
		_, err = s.ApplyExperimentProposal(testCtx, e.ID, ProposalInput{DecidedBy: "board"})
		wantCode(t, err, apperr.Conflict, "")
	})
}
