package radar

import (
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestChangeRing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustTechAt(t, s, "Kafka", "Platforms", "Assess", date("2023-01-10"))
		if _, err := s.CreateDecision(testCtx, DecisionInput{Number: 7, Title: "Use Kafka for events", Status: StatusAccepted}); err != nil {
			t.Fatal(err)
		}
		review := date("2024-07-01")
		c, err := s.ChangeRing(testCtx, "kafka", RingChangeInput{Ring: "trial", DecidedAt: date("2024-01-05"), DecidedBy: "Ana",
			Reason: "Two teams ran it well", ReviewAt: &review, Decision: 7})
		if err != nil {
			t.Fatal(err)
		}
		if c.FromName != "Assess" || c.ToName != "Trial" || c.Decision != 7 {
			t.Errorf("got %s -> %s citing %d, want Assess -> Trial citing 7", c.FromName, c.ToName, c.Decision)
		}
		k, _ := s.Technology(testCtx, "Kafka")
		if k.RingName != "Trial" || k.Marker != MarkerIn {
			t.Errorf("got %s marker %q, want Trial marker in", k.RingName, k.Marker)
		}
		hist, err := s.RingChanges(testCtx, "Kafka")
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[1].Reason != "Two teams ran it well" || hist[1].ReviewAt == nil || !hist[1].ReviewAt.Equal(review) {
			t.Errorf("got history %+v, want the move with its reason and review date", hist)
		}
		due, err := s.ReviewsDue(testCtx, date("2024-08-01"))
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || due[0].Technology != "Kafka" {
			t.Errorf("got reviews due %+v, want Kafka", due)
		}
		if due, _ := s.ReviewsDue(testCtx, date("2024-06-01")); len(due) != 0 {
			t.Errorf("got %d reviews due before the date, want 0", len(due))
		}
		if n := auditCount(t, d, "technology", "Kafka"); n != 2 {
			t.Errorf("got %d audit entries, want 2 (create, change_ring)", n)
		}

		tests := []struct {
			name  string
			tech  string
			in    RingChangeInput
			code  apperr.Code
			field string
		}{
			{"same ring", "Kafka", RingChangeInput{Ring: "Trial", DecidedBy: "Ana", Reason: "x"}, apperr.Invalid, "ring"},
			{"no reason", "Kafka", RingChangeInput{Ring: "Adopt", DecidedBy: "Ana"}, apperr.Invalid, "reason"},
			{"no decider", "Kafka", RingChangeInput{Ring: "Adopt", Reason: "x"}, apperr.Invalid, "decided_by"},
			{"unknown ring", "Kafka", RingChangeInput{Ring: "Love", DecidedBy: "Ana", Reason: "x"}, apperr.Invalid, "ring"},
			{"before last change", "Kafka", RingChangeInput{Ring: "Adopt", DecidedBy: "Ana", Reason: "x", DecidedAt: date("2023-06-01")}, apperr.Invalid, "decided_at"},
			{"in the future", "Kafka", RingChangeInput{Ring: "Adopt", DecidedBy: "Ana", Reason: "x", DecidedAt: time.Now().Add(48 * time.Hour)}, apperr.Invalid, "decided_at"},
			{"unknown decision", "Kafka", RingChangeInput{Ring: "Adopt", DecidedBy: "Ana", Reason: "x", Decision: 99}, apperr.Invalid, "decision"},
			{"unknown technology", "Cobol", RingChangeInput{Ring: "Adopt", DecidedBy: "Ana", Reason: "x"}, apperr.NotFound, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.ChangeRing(testCtx, tt.tech, tt.in)
				wantCode(t, err, tt.code, tt.field)
			})
		}
		if hist, _ := s.RingChanges(testCtx, "Kafka"); len(hist) != 2 {
			t.Errorf("got %d ring changes after refused ones, want 2", len(hist))
		}
	})
}

func TestRadarAsOf(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		addComponent(t, s, "shop", "group:default/web", "production")
		mustTechAt(t, s, "Go", "Languages & Frameworks", "Trial", date("2022-01-01"))
		mustTechAt(t, s, "Perl", "Languages & Frameworks", "Adopt", date("2022-01-01"))
		mustTechAt(t, s, "Rust", "Languages & Frameworks", "Assess", date("2023-06-01"))
		mustTechAt(t, s, "Terraform", "Tools", "Adopt", date("2022-01-01"))
		mustMove(t, s, "Go", "Adopt", date("2023-03-01"))
		mustMove(t, s, "Perl", "Hold", date("2023-04-01"))
		mustMove(t, s, "Rust", "Trial", date("2024-02-01"))
		if _, err := s.SetComponentTechnologies(testCtx, ComponentTechnologiesInput{Component: "shop", Technologies: []string{"go", "perl"}}); err != nil {
			t.Fatal(err)
		}

		type want struct {
			ring   string
			marker Marker
			users  int
		}
		tests := []struct {
			name      string
			at, since time.Time
			want      map[string]want
		}{
			{"before anything", date("2021-12-31"), time.Time{}, map[string]want{}},
			{"start, no markers", date("2022-06-01"), time.Time{}, map[string]want{
				"Go": {"Trial", "", 1}, "Perl": {"Adopt", "", 1}, "Terraform": {"Adopt", "", 0}}},
			{"2023 against 2022", date("2023-12-31"), date("2022-06-01"), map[string]want{
				"Go": {"Adopt", MarkerIn, 1}, "Perl": {"Hold", MarkerOut, 1}, "Rust": {"Assess", MarkerNew, 0}, "Terraform": {"Adopt", "", 0}}},
			{"2024 against 2023", date("2024-12-31"), date("2023-12-31"), map[string]want{
				"Go": {"Adopt", "", 1}, "Perl": {"Hold", "", 1}, "Rust": {"Trial", MarkerIn, 0}, "Terraform": {"Adopt", "", 0}}},
			{"since after at", date("2023-01-01"), date("2025-01-01"), map[string]want{
				"Go": {"Trial", "", 1}, "Perl": {"Adopt", "", 1}, "Terraform": {"Adopt", "", 0}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				snap, err := s.RadarAsOf(testCtx, tt.at, tt.since)
				if err != nil {
					t.Fatal(err)
				}
				if len(snap.Blips) != len(tt.want) {
					t.Errorf("got %d blips %+v, want %d", len(snap.Blips), snap.Blips, len(tt.want))
				}
				for _, b := range snap.Blips {
					w, ok := tt.want[b.Name]
					if !ok {
						t.Errorf("got blip %s, want none", b.Name)
						continue
					}
					if b.RingName != w.ring || b.Marker != w.marker || b.Users != w.users {
						t.Errorf("%s: got %s %q users %d, want %s %q users %d", b.Name, b.RingName, b.Marker, b.Users, w.ring, w.marker, w.users)
					}
				}
			})
		}
	})
}
