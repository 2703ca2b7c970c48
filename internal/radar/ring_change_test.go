package radar

import (
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// Moving a technology to another quadrant is no ring decision: the review
// the last ring decision asked for stays due.
func TestReviewSurvivesQuadrantMove(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustTechAt(t, s, "Kafka", "Platforms", "Trial", date("2024-01-01"))
		review := date("2024-06-01")
		if _, err := s.ChangeRing(testCtx, "Kafka", RingChangeInput{Ring: "Adopt", DecidedAt: date("2024-02-01"), DecidedBy: "board",
			Reason: "Proven", ReviewAt: &review}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateTechnology(testCtx, "Kafka", TechnologyInput{Name: "Kafka", Quadrant: "Tools"}); err != nil {
			t.Fatal(err)
		}
		due, err := s.ReviewsDue(testCtx, date("2024-07-01"))
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || due[0].Technology != "Kafka" || due[0].ReviewAt == nil || !due[0].ReviewAt.Equal(review) {
			t.Fatalf("got reviews due %+v, want Kafka's of 2024-06-01", due)
		}
		if due[0].ToName != "Adopt" || due[0].Reason != "Proven" {
			t.Errorf("got %s %q, want the decision to Adopt, Proven", due[0].ToName, due[0].Reason)
		}
	})
}

// A ring change that cites a decision shows on it even when the technology
// is not linked to the decision.
func TestDecisionRingChanges(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustTechAt(t, s, "MySQL", "Platforms", "Adopt", date("2024-01-01"))
		mustTechAt(t, s, "Redis", "Platforms", "Trial", date("2024-01-01"))
		dec, err := s.CreateDecision(testCtx, DecisionInput{Title: "Use PostgreSQL", Status: StatusAccepted, Technologies: []string{"MySQL"}})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.CreateDecision(testCtx, DecisionInput{Title: "Cache", Status: StatusAccepted})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			tech, ring string
			decision   int
		}{{"MySQL", "Hold", dec.Number}, {"Redis", "Adopt", dec.Number}, {"Redis", "Assess", other.Number}} {
			if _, err := s.ChangeRing(testCtx, c.tech, RingChangeInput{Ring: c.ring, DecidedBy: "board", Reason: "r", Decision: c.decision}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.DecisionRingChanges(testCtx, dec.Number)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range got {
			names = append(names, c.Technology+" to "+c.ToName)
			if c.Decision != dec.Number {
				t.Errorf("got a change citing %d, want %d", c.Decision, dec.Number)
			}
		}
		if len(names) != 2 || names[0] != "MySQL to Hold" || names[1] != "Redis to Adopt" {
			t.Errorf("got %v, want [MySQL to Hold Redis to Adopt]", names)
		}
	})
}

// A quadrant edit waits for a ring change under way and records the ring
// the technology has once that change is done.
func TestUpdateTechnologyWaitsForRingChange(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustTechAt(t, s, "Jenkins", "Tools", "Adopt", date("2024-01-01"))
		updated := make(chan error, 1)
		err := d.Write(testCtx, func(tx *db.Tx) error {
			if err := tx.Serialize(testCtx, radarLock); err != nil {
				return err
			}
			r, err := s.radarTx(testCtx, tx)
			if err != nil {
				return err
			}
			tech, err := technologyTx(testCtx, tx, r, "Jenkins")
			if err != nil {
				return err
			}
			if _, err := changeRing(testCtx, tx, r, tech, r.HoldRing(), RingChangeInput{Ring: "Hold", DecidedBy: "board", Reason: "Old"}, 0); err != nil {
				return err
			}
			// The edit starts while the ring change is not yet committed.
			go func() {
				_, err := s.UpdateTechnology(testCtx, "Jenkins", TechnologyInput{Name: "Jenkins", Quadrant: "Platforms"})
				updated <- err
			}()
			time.Sleep(300 * time.Millisecond)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := <-updated; err != nil {
			t.Fatal(err)
		}
		snap, err := s.RadarAsOf(testCtx, time.Now().Add(time.Minute), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.Blips) != 1 || snap.Blips[0].RingName != "Hold" || snap.Blips[0].QuadrantName != "Platforms" {
			t.Errorf("got %+v, want Jenkins in Platforms, Hold", snap.Blips)
		}
		hist, err := s.RingChanges(testCtx, "Jenkins")
		if err != nil {
			t.Fatal(err)
		}
		if last := hist[len(hist)-1]; last.From != 3 || last.To != 3 || last.Quadrant != 2 {
			t.Errorf("got quadrant move %+v, want one in Hold (3 to 3), quadrant 2", last)
		}
	})
}
