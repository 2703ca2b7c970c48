package radar

import (
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// Saving a decision as it is rewrites nothing, whatever the case of the
// names of the technologies it links ("gRPC" sorts after "Kafka" byte by
// byte, before it by slug).
func TestUpdateDecisionUnchangedLinks(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustTech(t, s, "gRPC", "Platforms", "Adopt")
		mustTech(t, s, "Kafka", "Platforms", "Adopt")
		addComponent(t, s, "Zeta", "team", "production")
		addComponent(t, s, "alpha", "team", "production")
		in := DecisionInput{Title: "Messaging", Status: StatusAccepted, Technologies: []string{"Kafka", "grpc"}, Entities: []string{"Zeta", "alpha"}}
		dec, err := s.CreateDecision(testCtx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Decision(testCtx, dec.Number)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Technologies) != 2 || got.Technologies[0] != "gRPC" || got.Technologies[1] != "Kafka" {
			t.Errorf("got technologies %v, want [gRPC Kafka]", got.Technologies)
		}
		if dec.Technologies[0] != got.Technologies[0] {
			t.Errorf("create answered %v, a read %v; want the same order", dec.Technologies, got.Technologies)
		}
		audits := countRows(t, d, "audit_log")
		for i := 0; i < 2; i++ {
			if _, err := s.UpdateDecision(testCtx, dec.Number, in); err != nil {
				t.Fatal(err)
			}
		}
		if n := countRows(t, d, "audit_log"); n != audits {
			t.Errorf("got %d audit entries after saving an unchanged decision, want %d", n, audits)
		}
	})
}

// Two decisions cannot each be superseded by the other.
func TestSupersedingCycle(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		for _, title := range []string{"One", "Two", "Three"} {
			if _, err := s.CreateDecision(testCtx, DecisionInput{Title: title, Status: StatusAccepted}); err != nil {
				t.Fatal(err)
			}
		}
		supersede := func(n, by int) error {
			_, err := s.UpdateDecision(testCtx, n, DecisionInput{Title: "T", Status: StatusSuperseded, SupersededBy: by})
			return err
		}
		if err := supersede(1, 2); err != nil {
			t.Fatal(err)
		}
		wantCode(t, supersede(2, 1), apperr.Invalid, "superseded_by")
		if err := supersede(2, 3); err != nil {
			t.Fatal(err)
		}
		wantCode(t, supersede(3, 1), apperr.Invalid, "superseded_by")
		_, err := s.CreateDecision(testCtx, DecisionInput{Title: "Four", Status: StatusSuperseded, SupersededBy: 1})
		if err != nil {
			t.Errorf("superseded by a decision that is itself superseded, without a cycle: got %v, want it accepted", err)
		}
		two, _ := s.Decision(testCtx, 2)
		if two.SupersededBy != 3 {
			t.Errorf("got decision 2 superseded by %d, want 3", two.SupersededBy)
		}
	})
}

// A date sent with an offset is the day the sender meant, not the day in
// UTC.
func TestDatesKeepTheirDay(t *testing.T) {
	paris := time.FixedZone("CEST", 2*60*60)
	midnight := time.Date(2025, 3, 31, 0, 0, 0, 0, paris)
	d := DecisionInput{Title: "T", Status: StatusAccepted, Date: midnight}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := d.Date.Format(time.RFC3339); got != "2025-03-31T00:00:00Z" {
		t.Errorf("decision date: got %s, want 2025-03-31T00:00:00Z", got)
	}
	e := ExperimentInput{Hypothesis: "h", Technology: "Go", Owner: "ana", Team: "payments", Start: midnight,
		End: time.Date(2025, 4, 30, 23, 30, 0, 0, time.FixedZone("PDT", -7*60*60))}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := e.Start.Format(dateLayout) + " " + e.End.Format(dateLayout); got != "2025-03-31 2025-04-30" {
		t.Errorf("experiment time box: got %s, want 2025-03-31 2025-04-30", got)
	}
	if f, err := ParseADR("0001-a.md", []byte("# 1. T\n\nDate: 2025-03-31T00:30:00+02:00\n\n## Status\n\nAccepted\n")); err != nil {
		t.Fatal(err)
	} else if got := f.Decision.Date.Format(dateLayout); got != "2025-03-31" {
		t.Errorf("file date: got %s, want 2025-03-31", got)
	}
}

// An export writes a stored file name only when it is a plain record
// name; anything else becomes NNNN-title.md.
func TestADRFileName(t *testing.T) {
	tests := []struct{ stored, want string }{
		{"0007-use-kafka.md", "0007-use-kafka.md"},
		{"7-notes.markdown", "7-notes.markdown"},
		{"", "0007-use-kafka.md"},
		{"../0007-evil.md", "0007-use-kafka.md"},
		{"0007-../../evil.md", "0007-use-kafka.md"},
		{`0007-..\..\evil.md`, "0007-use-kafka.md"},
		{"/etc/0007-x.md", "0007-use-kafka.md"},
		{"0007-x.md.exe", "0007-use-kafka.md"},
		{"use-kafka.md", "0007-use-kafka.md"},
	}
	for _, tt := range tests {
		t.Run(tt.stored, func(t *testing.T) {
			got := ADRFileName(Decision{Number: 7, Title: "Use Kafka", FileName: tt.stored})
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := ParseADR(`0007-..\..\evil.md`, []byte("# 7. T\n")); err == nil {
		t.Error(`ParseADR("0007-..\..\evil.md"): got no error, want the name refused`)
	}
}
