package radar

import (
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Node.js", "nodejs"},
		{"nodejs", "nodejs"},
		{"Languages & Frameworks", "languagesandframeworks"},
		{"languages-and-frameworks", "languagesandframeworks"},
		{"languages_and_frameworks", "languagesandframeworks"},
		{"C++", "cplusplus"},
		{"C#", "csharp"},
		{"C", "c"},
		{"  Apache  Kafka ", "apachekafka"},
		{"Ünïcode", "ünïcode"},
		{"---", ""},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRadarInputValidate(t *testing.T) {
	four := []Quadrant{{"A"}, {"B"}, {"C"}, {"D"}}
	tests := []struct {
		name  string
		in    RadarInput
		field string
	}{
		{"ok", RadarInput{Title: "R", Quadrants: four, Rings: []Ring{{Name: "Use"}, {Name: "Stop"}}}, ""},
		{"no title", RadarInput{Quadrants: four, Rings: []Ring{{Name: "Use"}}}, "title"},
		{"three quadrants", RadarInput{Title: "R", Quadrants: four[:3], Rings: []Ring{{Name: "Use"}}}, "quadrants"},
		{"same quadrant twice", RadarInput{Title: "R", Quadrants: []Quadrant{{"A"}, {"B"}, {"C"}, {"a"}}, Rings: []Ring{{Name: "Use"}}}, "quadrants[3]"},
		{"no rings", RadarInput{Title: "R", Quadrants: four}, "rings"},
		{"same ring spelt apart", RadarInput{Title: "R", Quadrants: four, Rings: []Ring{{Name: "Use it"}, {Name: "use-it"}}}, "rings[1]"},
		{"bad colour", RadarInput{Title: "R", Quadrants: four, Rings: []Ring{{Name: "Use", Color: "red"}}}, "rings[0].color"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				if tt.in.Rings[0].Color == "" {
					t.Errorf("got no default colour, want one")
				}
				return
			}
			wantCode(t, err, apperr.Invalid, tt.field)
		})
	}
}

func TestConfigureRadar(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		r, err := s.Radar(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.QuadrantNames(), "Techniques, Tools, Platforms, Languages & Frameworks"; got != want {
			t.Errorf("got quadrants %q, want %q", got, want)
		}
		if got, want := r.RingNames(), "Adopt, Trial, Assess, Hold"; got != want {
			t.Errorf("got rings %q, want %q", got, want)
		}
		mustTech(t, s, "Go", "languages-and-frameworks", "adopt")
		mustTech(t, s, "Perl", "Languages & Frameworks", "HOLD")

		// Renaming keeps technologies where they are.
		in := RadarInput{Title: "Acme Radar", Quadrants: []Quadrant{{"Methods"}, {"Tools"}, {"Platforms"}, {"Languages"}},
			Rings: []Ring{{Name: "Use"}, {Name: "Try"}, {Name: "Look"}, {Name: "Stop"}}}
		if _, err := s.ConfigureRadar(testCtx, in); err != nil {
			t.Fatal(err)
		}
		g, err := s.Technology(testCtx, "go")
		if err != nil {
			t.Fatal(err)
		}
		if g.QuadrantName != "Languages" || g.RingName != "Use" {
			t.Errorf("got Go in %s/%s, want Languages/Use", g.QuadrantName, g.RingName)
		}
		if n := auditCount(t, d, "radar", "radar"); n != 1 {
			t.Errorf("got %d audit entries for the radar, want 1", n)
		}

		// Dropping the ring Perl sits in is refused.
		in.Rings = in.Rings[:3]
		_, err = s.ConfigureRadar(testCtx, in)
		wantCode(t, err, apperr.Conflict, "rings")
	})
}

func TestTechnologyCRUD(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		addGroup(t, s, "platform")
		in := TechnologyInput{Name: "Node.js", Quadrant: "languages_and_frameworks", Ring: "trial", Description: "Runs **JavaScript**.",
			Links: []Link{{URL: "https://nodejs.org", Title: "Site"}}, Tags: []string{"JavaScript", "runtime", "javascript"}, Owner: "platform"}
		created, err := s.CreateTechnology(testCtx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Technology(testCtx, "nodejs")
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Node.js" || got.QuadrantName != "Languages & Frameworks" || got.RingName != "Trial" || got.ID != created.ID {
			t.Errorf("got %+v, want Node.js in Languages & Frameworks/Trial", got)
		}
		if got.Owner != "group:default/platform" {
			t.Errorf("got owner %q, want group:default/platform", got.Owner)
		}
		if strings.Join(got.Tags, ",") != "javascript,runtime" {
			t.Errorf("got tags %v, want [javascript runtime]", got.Tags)
		}
		if got.Marker != MarkerNew {
			t.Errorf("got marker %q, want new", got.Marker)
		}
		hist, err := s.RingChanges(testCtx, "Node.js")
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 || hist[0].From != -1 || hist[0].ToName != "Trial" || hist[0].DecidedBy != "test" {
			t.Errorf("got history %+v, want one first decision into Trial by test", hist)
		}

		_, err = s.CreateTechnology(testCtx, TechnologyInput{Name: "NodeJS", Quadrant: "Tools", Ring: "Adopt"})
		wantCode(t, err, apperr.Conflict, "name")

		// Updates move quadrants with history but never rings.
		in.Quadrant, in.Description = "Platforms", "A runtime."
		up, err := s.UpdateTechnology(testCtx, "node.js", in)
		if err != nil {
			t.Fatal(err)
		}
		if up.QuadrantName != "Platforms" || up.Description != "A runtime." {
			t.Errorf("got %s %q, want Platforms %q", up.QuadrantName, up.Description, "A runtime.")
		}
		hist, _ = s.RingChanges(testCtx, "Node.js")
		if len(hist) != 2 || hist[1].From != hist[1].To || hist[1].Quadrant != 2 {
			t.Errorf("got history %+v, want a quadrant move to 2 second", hist)
		}
		in.Ring = "Hold"
		_, err = s.UpdateTechnology(testCtx, "node.js", in)
		wantCode(t, err, apperr.Invalid, "ring")

		if n := auditCount(t, d, "technology", "Node.js"); n != 2 {
			t.Errorf("got %d audit entries, want 2 (create, update)", n)
		}
		// An update that changes nothing writes nothing.
		in.Ring = ""
		if _, err := s.UpdateTechnology(testCtx, "node.js", in); err != nil {
			t.Fatal(err)
		}
		if n := auditCount(t, d, "technology", "Node.js"); n != 2 {
			t.Errorf("got %d audit entries after a no-op update, want 2", n)
		}

		list, err := s.Technologies(testCtx, TechnologyQuery{Ring: "TRIAL", Tag: "runtime"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Name != "Node.js" {
			t.Errorf("got %v, want Node.js", list)
		}

		if err := s.DeleteTechnology(testCtx, "Node.js"); err != nil {
			t.Fatal(err)
		}
		_, err = s.Technology(testCtx, "Node.js")
		wantCode(t, err, apperr.NotFound, "")
		if n := countRows(t, d, "radar_ring_changes"); n != 0 {
			t.Errorf("got %d ring changes after delete, want 0", n)
		}
	})
}

func TestTechnologyInvalid(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		addUser(t, s, "ana")
		addComponent(t, s, "shop", "group:default/x", "production")
		tests := []struct {
			name  string
			in    TechnologyInput
			field string
		}{
			{"no name", TechnologyInput{Quadrant: "Tools", Ring: "Adopt"}, "name"},
			{"no quadrant", TechnologyInput{Name: "Go", Ring: "Adopt"}, "quadrant"},
			{"no ring", TechnologyInput{Name: "Go", Quadrant: "Tools"}, "ring"},
			{"unknown ring", TechnologyInput{Name: "Go", Quadrant: "Tools", Ring: "Maybe"}, "ring"},
			{"unknown quadrant", TechnologyInput{Name: "Go", Quadrant: "Gadgets", Ring: "Adopt"}, "quadrant"},
			{"javascript link", TechnologyInput{Name: "Go", Quadrant: "Tools", Ring: "Adopt", Links: []Link{{URL: "javascript:alert(1)"}}}, "links[0].url"},
			{"owner not in catalog", TechnologyInput{Name: "Go", Quadrant: "Tools", Ring: "Adopt", Owner: "nobody"}, "owner"},
			{"owner a component", TechnologyInput{Name: "Go", Quadrant: "Tools", Ring: "Adopt", Owner: "component:shop"}, "owner"},
			{"bad tag", TechnologyInput{Name: "Go", Quadrant: "Tools", Ring: "Adopt", Tags: []string{"two words"}}, "tags[0]"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.CreateTechnology(testCtx, tt.in)
				wantCode(t, err, apperr.Invalid, tt.field)
			})
		}
		if _, err := s.CreateTechnology(testCtx, TechnologyInput{Name: "Go", Quadrant: "Tools", Ring: "Adopt", Owner: "user:ana"}); err != nil {
			t.Errorf("got %v for a user owner, want none", err)
		}
		if n := countRows(t, d, "radar_technologies"); n != 1 {
			t.Errorf("got %d technologies, want 1", n)
		}
	})
}
