package radar

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// zalandoRadar is Zalando's radar layout, from upstream docs/index.html.
var zalandoRadar = RadarInput{Title: "Zalando Tech Radar",
	Quadrants: []Quadrant{{"Languages"}, {"Infrastructure"}, {"Datastores"}, {"Data Management"}},
	Rings:     []Ring{{Name: "ADOPT", Color: "#5ba300"}, {Name: "TRIAL", Color: "#009eb0"}, {Name: "ASSESS", Color: "#c7ba00"}, {Name: "HOLD", Color: "#e09b96"}}}

func sameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	if err := json.Unmarshal(want, &b); err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, b) {
		return
	}
	ga, _ := a.(map[string]any)
	gb, _ := b.(map[string]any)
	for k := range gb {
		if !reflect.DeepEqual(ga[k], gb[k]) && k != "entries" {
			t.Errorf("key %s: got %v, want %v", k, ga[k], gb[k])
		}
	}
	ea, _ := ga["entries"].([]any)
	eb, _ := gb["entries"].([]any)
	if len(ea) != len(eb) {
		t.Fatalf("got %d entries, want %d", len(ea), len(eb))
	}
	for i := range eb {
		if !reflect.DeepEqual(ea[i], eb[i]) {
			t.Errorf("entries[%d]: got %v, want %v", i, ea[i], eb[i])
		}
	}
	t.Fatalf("got JSON different from the input")
}

func TestZalandoRoundTrip(t *testing.T) {
	fixture, err := os.ReadFile("testdata/zalando-config.json")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		if _, err := s.ConfigureRadar(testCtx, zalandoRadar); err != nil {
			t.Fatal(err)
		}
		res := mustImport(t, s, "config.json", string(fixture), FormatAuto)
		if len(res.Created) != 81 {
			t.Fatalf("got %d created, want 81", len(res.Created))
		}
		athena, err := s.Technology(testCtx, "AWS Athena")
		if err != nil {
			t.Fatal(err)
		}
		if athena.QuadrantName != "Data Management" || athena.RingName != "TRIAL" {
			t.Errorf("got AWS Athena in %s/%s, want Data Management/TRIAL", athena.QuadrantName, athena.RingName)
		}
		flink, _ := s.Technology(testCtx, "flink")
		if flink.Marker != MarkerIn || len(flink.Links) != 1 || flink.Links[0].URL != "https://engineering.zalando.com/tags/apache-flink.html" {
			t.Errorf("got Flink %+v, want moved in with its link", flink)
		}

		out, err := s.ExportRadar(testCtx, FormatZalando, ExportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, out, fixture)

		again := mustImport(t, s, "config.json", string(fixture), FormatZalando)
		if len(again.Unchanged) != 81 {
			t.Errorf("got %d unchanged on the second import, want 81", len(again.Unchanged))
		}
		// The export imports as the same file again.
		third := mustImport(t, s, "export.json", string(out), FormatZalando)
		if len(third.Unchanged) != 81 {
			t.Errorf("got %d unchanged importing the export, want 81", len(third.Unchanged))
		}
	})
}

func TestZalandoDefaultRadar(t *testing.T) {
	fixture, err := os.ReadFile("testdata/zalando-config.json")
	if err != nil {
		t.Fatal(err)
	}
	// Without quadrant names in the file, positions map onto whatever
	// radar is configured, and export gives the same file back.
	s := newTestStore(t, dbtest.OpenSQLite(t))
	mustImport(t, s, "config.json", string(fixture), FormatAuto)
	out, err := s.ExportRadar(testCtx, FormatZalando, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, out, fixture)
}

func TestZalandoWithLayout(t *testing.T) {
	src := `{
  "title": "Acme Radar",
  "quadrants": [{"name": "Languages"}, {"name": "Infrastructure"}, {"name": "Datastores"}, {"name": "Data Management"}],
  "rings": [{"name": "ADOPT", "color": "#5ba300"}, {"name": "TRIAL", "color": "#009eb0"}, {"name": "ASSESS", "color": "#c7ba00"}, {"name": "HOLD", "color": "#e09b96"}],
  "print_layout": true,
  "entries": [
    {"quadrant": 0, "ring": 0, "label": "Go", "active": true, "moved": 2, "description": "Simple"},
    {"quadrant": 2, "ring": 3, "label": "Cassandra", "active": false, "moved": -1, "link": "https://cassandra.apache.org"}
  ]
}`
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		res := mustImport(t, s, "acme.json", src, FormatAuto)
		if !res.Configured {
			t.Errorf("got not configured, want the empty radar to take the file's quadrants and rings")
		}
		r, _ := s.Radar(testCtx)
		if r.QuadrantNames() != "Languages, Infrastructure, Datastores, Data Management" || r.RingNames() != "ADOPT, TRIAL, ASSESS, HOLD" {
			t.Errorf("got radar %s / %s, want Zalando's", r.QuadrantNames(), r.RingNames())
		}
		out, err := s.ExportRadar(testCtx, FormatZalando, ExportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, out, []byte(src))

		// A radar in use keeps its layout: a file that names other
		// quadrants is refused.
		other := strings.Replace(src, `"Datastores"`, `"Databases"`, 1)
		f, err := ParseRadarFile("other.json", []byte(other), FormatAuto)
		if err != nil {
			t.Fatal(err)
		}
		res, err = s.ImportRadar(testCtx, f, "other.json")
		wantCode(t, err, apperr.Invalid, "")
		if len(res.Problems) != 1 || res.Problems[0].Where != "quadrants" {
			t.Errorf("got problems %v, want one about quadrants", res.Problems)
		}
	})
}

func TestZalandoProblems(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"index out of range", `{"entries": [{"quadrant": 7, "ring": 0, "label": "Go", "moved": 0}]}`,
			[]string{"entries[0] (Go): quadrant 7 is not one of 0 to 3"}},
		{"missing ring", `{"entries": [{"quadrant": 1, "label": "Go"}]}`, []string{"entries[0] (Go): ring is missing"}},
		{"bad moved", `{"entries": [{"quadrant": 1, "ring": 1, "label": "Go", "moved": 5}]}`, []string{"entries[0] (Go): moved 5 is not"}},
		{"fraction", `{"entries": [{"quadrant": 1.5, "ring": 1, "label": "Go"}]}`, []string{"entries[0] (Go): quadrant must be a whole number"}},
		{"javascript link", `{"entries": [{"quadrant": 1, "ring": 1, "label": "Go", "link": "javascript:alert(1)"}]}`,
			[]string{"entries[0] (Go): link: \"javascript:alert(1)\" is not an http or https address"}},
		{"no label", `{"entries": [{"quadrant": 1, "ring": 1}]}`, []string{"entries[0]: the label is empty"}},
		{"duplicate", `{"entries": [{"quadrant": 1, "ring": 1, "label": "Node.js"}, {"quadrant": 1, "ring": 1, "label": "nodejs"}]}`,
			[]string{"entries[1] (nodejs): the same technology as entries[0] (Node.js)"}},
	}
	s := newTestStore(t, dbtest.OpenSQLite(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseRadarFile("z.json", []byte(tt.src), FormatZalando)
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.ImportRadar(testCtx, f, "z.json")
			wantCode(t, err, apperr.Invalid, "")
			var got []string
			for _, p := range res.Problems {
				got = append(got, p.String())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("got %q, want it to start %q", got[i], tt.want[i])
				}
			}
		})
	}
	for _, bad := range []string{`[]`, `{"entries": 5}`, `{"title": "x"}`, `{"entries": [], "quadrants": "four"}`} {
		if _, err := ParseZalando("z.json", []byte(bad)); err == nil {
			t.Errorf("ParseZalando(%s): got no error, want one", bad)
		}
	}
}
