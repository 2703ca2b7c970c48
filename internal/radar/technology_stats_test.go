package radar

import (
	"testing"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// The technology list shows, beside each technology, its users and the
// date of its last ring decision; a quadrant move is no ring decision.
func TestTechnologyStats(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		addComponent(t, s, "shop", "web", "production")
		addComponent(t, s, "billing", "web", "production")
		kafka := mustTechAt(t, s, "Kafka", "Platforms", "Trial", date("2024-01-01"))
		mustMove(t, s, "Kafka", "Adopt", date("2024-03-05"))
		if _, err := s.UpdateTechnology(testCtx, "Kafka", TechnologyInput{Name: "Kafka", Quadrant: "Tools"}); err != nil {
			t.Fatal(err)
		}
		golang := mustTechAt(t, s, "Go", "Tools", "Adopt", date("2023-06-01"))
		for _, c := range []string{"shop", "billing"} {
			if _, err := s.SetComponentTechnologies(testCtx, ComponentTechnologiesInput{Component: c, Technologies: []string{"Kafka"}}); err != nil {
				t.Fatal(err)
			}
		}
		stats, err := s.TechnologyStats(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			id      int64
			name    string
			users   int
			decided string
		}{{kafka.ID, "Kafka", 2, "2024-03-05"}, {golang.ID, "Go", 0, "2023-06-01"}} {
			got := stats[tt.id]
			if got.Users != tt.users || got.Decided.Format(dateLayout) != tt.decided {
				t.Errorf("%s: got %d users, decided %s; want %d, %s", tt.name, got.Users, got.Decided.Format(dateLayout), tt.users, tt.decided)
			}
		}
	})
}
