package radar

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// An update without tags leaves a technology with no tags, which reads
// back as an empty list, not null.
func TestUpdateTechnologyWithoutTags(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		if _, err := s.CreateTechnology(testCtx, TechnologyInput{Name: "Go", Quadrant: "Tools", Ring: "Adopt", Tags: []string{"backend"}}); err != nil {
			t.Fatal(err)
		}
		up, err := s.UpdateTechnology(testCtx, "Go", TechnologyInput{Name: "Go", Quadrant: "Tools"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Technology(testCtx, "Go")
		if err != nil {
			t.Fatal(err)
		}
		for what, tech := range map[string]Technology{"update": up, "read": got} {
			data, _ := json.Marshal(tech)
			if !strings.Contains(string(data), `"tags":[]`) || !strings.Contains(string(data), `"links":[]`) {
				t.Errorf("%s: got %s, want \"tags\":[] and \"links\":[]", what, data)
			}
		}
	})
}
