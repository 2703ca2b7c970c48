package radar

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestBackstageRadar(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		if _, err := s.CreateTechnology(testCtx, TechnologyInput{Name: "Kafka", Quadrant: "Platforms", Ring: "Assess", DecidedAt: date("2022-01-01"),
			Description: "Event log", Links: []Link{{URL: "https://kafka.apache.org"}}}); err != nil {
			t.Fatal(err)
		}
		mustMove(t, s, "Kafka", "Adopt", date("2023-01-01"))
		mustMove(t, s, "Kafka", "Trial", date("2024-01-01"))
		got, err := s.BackstageRadar(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Quadrants) != 4 || got.Quadrants[3] != (BackstageQuadrant{ID: "languagesandframeworks", Name: "Languages & Frameworks"}) {
			t.Errorf("got quadrants %+v, want four with slug ids", got.Quadrants)
		}
		if got.Rings[0] != (BackstageRing{ID: "adopt", Name: "Adopt", Color: "#5ba300"}) {
			t.Errorf("got first ring %+v, want adopt", got.Rings[0])
		}
		if len(got.Entries) != 1 {
			t.Fatalf("got %d entries, want 1", len(got.Entries))
		}
		e := got.Entries[0]
		if e.Key != "kafka" || e.ID != "kafka" || e.Title != "Kafka" || e.Quadrant != "platforms" || e.URL != "https://kafka.apache.org" {
			t.Errorf("got entry %+v, want kafka in platforms with its url", e)
		}
		var moves []int
		var rings []string
		for _, tl := range e.Timeline {
			moves = append(moves, tl.Moved)
			rings = append(rings, tl.RingID+"@"+tl.Date)
		}
		if !reflect.DeepEqual(moves, []int{-1, 1, 0}) || !reflect.DeepEqual(rings, []string{"trial@2024-01-01", "adopt@2023-01-01", "assess@2022-01-01"}) {
			t.Errorf("got timeline %v %v, want newest first: out to trial, in to adopt, assess", moves, rings)
		}
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		var shape map[string]any
		_ = json.Unmarshal(b, &shape)
		entry := shape["entries"].([]any)[0].(map[string]any)
		for _, k := range []string{"key", "id", "title", "quadrant", "timeline"} {
			if _, ok := entry[k]; !ok {
				t.Errorf("got entry keys %v, want %s", entry, k)
			}
		}
		if _, ok := entry["timeline"].([]any)[0].(map[string]any)["ringId"]; !ok {
			t.Errorf("got timeline without ringId, want it")
		}
	})
}
