package radar

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/markdown"
)

const byorCSV = `name,ring,quadrant,isNew,description
Go,adopt,languages-and-frameworks,TRUE,"<p>Simple <script>alert(1)</script>language, <a href=""javascript:x()"">see</a></p>"
Node.js,Trial,Languages & Frameworks,FALSE,"Runs JavaScript
on servers"
Kubernetes,ADOPT,platforms,false,
Pair programming,Adopt,techniques,,
,,,,
`

// mustImport parses and imports a radar file.
func mustImport(tb testing.TB, s *Store, name, src string, format Format) RadarImportResult {
	tb.Helper()
	f, err := ParseRadarFile(name, []byte(src), format)
	if err != nil {
		tb.Fatalf("parse %s: %v", name, err)
	}
	res, err := s.ImportRadar(testCtx, f, name)
	if err != nil {
		tb.Fatalf("import %s: %v", name, err)
	}
	return res
}

func TestImportBYORCSV(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		res := mustImport(t, s, "radar.csv", byorCSV, FormatAuto)
		if want := []string{"Go", "Node.js", "Kubernetes", "Pair programming"}; !reflect.DeepEqual(res.Created, want) {
			t.Errorf("got created %v, want %v", res.Created, want)
		}
		g, err := s.Technology(testCtx, "Go")
		if err != nil {
			t.Fatal(err)
		}
		if g.QuadrantName != "Languages & Frameworks" || g.RingName != "Adopt" || g.Marker != MarkerNew {
			t.Errorf("got Go in %s/%s marker %q, want Languages & Frameworks/Adopt new", g.QuadrantName, g.RingName, g.Marker)
		}
		if shown := string(markdown.Render(g.Description)); strings.Contains(shown, "<script") || strings.Contains(shown, "javascript:") ||
			!strings.Contains(shown, "Simple") {
			t.Errorf("got description %q shown as %q, want it sanitized when shown", g.Description, shown)
		}
		n, _ := s.Technology(testCtx, "nodejs")
		if n.Description != "Runs JavaScript\non servers" || n.Marker != MarkerNone {
			t.Errorf("got Node.js %q marker %q, want the two-line description and no marker", n.Description, n.Marker)
		}
		hist, _ := s.RingChanges(testCtx, "Go")
		if len(hist) != 1 || hist[0].Reason != "Imported from radar.csv" {
			t.Errorf("got history %+v, want one decision citing radar.csv", hist)
		}

		audits := countRows(t, d, "audit_log")
		again := mustImport(t, s, "radar.csv", byorCSV, FormatBYORCSV)
		if len(again.Unchanged) != 4 || len(again.Created)+len(again.Updated)+len(again.Moved) != 0 {
			t.Errorf("got %+v on the second import, want 4 unchanged", again)
		}
		if got := countRows(t, d, "audit_log"); got != audits {
			t.Errorf("got %d audit entries after a no-op import, want %d", got, audits)
		}

		// A later edition moves Node.js out, citing the file.
		moved := strings.Replace(byorCSV, "Node.js,Trial,Languages & Frameworks,FALSE", "Node.js,Hold,Languages & Frameworks,FALSE", 1)
		res = mustImport(t, s, "radar-2.csv", moved, FormatAuto)
		if !reflect.DeepEqual(res.Moved, []string{"Node.js"}) {
			t.Errorf("got moved %v, want Node.js", res.Moved)
		}
		hist, _ = s.RingChanges(testCtx, "Node.js")
		if last := hist[len(hist)-1]; last.FromName != "Trial" || last.ToName != "Hold" || last.Reason != "Imported from radar-2.csv" || last.DecidedBy != "test" {
			t.Errorf("got %+v, want Trial -> Hold imported from radar-2.csv by test", last)
		}

		// Export and import into another radar: the same technologies.
		out, err := s.ExportRadar(testCtx, FormatBYORCSV, ExportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(out), "name,ring,quadrant,isNew,status,description\nGo,Adopt,Languages & Frameworks,TRUE,New,") {
			t.Errorf("got export starting %q, want the header then Go", string(out)[:min(len(out), 120)])
		}
		other := newTestStore(t, dbtest.OpenSQLite(t))
		mustImport(t, other, "export.csv", string(out), FormatAuto)
		a, _ := s.Technologies(testCtx, TechnologyQuery{})
		b, _ := other.Technologies(testCtx, TechnologyQuery{})
		if got, want := summary(b), summary(a); !reflect.DeepEqual(got, want) {
			t.Errorf("got %v after the round trip, want %v", got, want)
		}
	})
}

// summary is what a radar shows of each technology.
func summary(list []Technology) []string {
	var out []string
	for _, t := range list {
		out = append(out, strings.Join([]string{t.Name, t.QuadrantName, t.RingName, string(t.Marker), t.Description}, "|"))
	}
	return out
}

func TestImportBYORProblems(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustTech(t, s, "Go", "Languages & Frameworks", "Trial")
		src := `name,ring,quadrant,isNew,description
Go,adopt,languages,TRUE,"a
two-line description"
,adopt,tools,FALSE,
Rust,maybe,Tools,FALSE,
nodejs,Trial,Tools,perhaps,
Node.js,Trial,Tools,FALSE,
Deno,Trial,Tools,FALSE,ok
`
		f, err := ParseRadarFile("bad.csv", []byte(src), FormatAuto)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.ImportRadar(testCtx, f, "bad.csv")
		wantCode(t, err, apperr.Invalid, "")
		var got []string
		for _, p := range res.Problems {
			got = append(got, p.Where)
		}
		want := []string{"line 2 (Go)", "line 4", "line 5 (Rust)", "line 6 (nodejs)", "line 7 (Node.js)"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got problems at %v, want %v\n%v", got, want, err)
		}
		if !strings.Contains(err.Error(), `bad.csv: line 2 (Go): quadrant "languages" matches none of Techniques, Tools, Platforms, Languages & Frameworks`) {
			t.Errorf("got %v, want the quadrant problem spelt out", err)
		}
		if n := countRows(t, d, "radar_technologies"); n != 1 {
			t.Errorf("got %d technologies, want 1: a file with problems changes nothing", n)
		}
		g, _ := s.Technology(testCtx, "Go")
		if g.RingName != "Trial" {
			t.Errorf("got Go in %s, want Trial still", g.RingName)
		}
	})
}

func TestParseBYORCSVErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", "", "x.csv: the file is empty"},
		{"no ring column", "name,quadrant\nGo,Tools\n", "x.csv:1: the header has no ring column"},
		{"bad quoting", "name,ring,quadrant\nGo,Adopt,Tools\n\"Rust,Adopt,Tools\n", "x.csv:3:"},
		{"column twice", "name,ring,quadrant,Name\n", "x.csv:1: column \"name\" appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBYORCSV("x.csv", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestBYORJSON(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		src := `[
  {"name": "Go", "ring": "Adopt", "quadrant": "Languages & Frameworks", "isNew": "TRUE", "description": "Simple", "topic": "backend"},
  {"name": "Terraform", "ring": "trial", "quadrant": "tools", "isNew": false, "status": "Moved In", "description": ""}
]`
		res := mustImport(t, s, "radar.json", src, FormatAuto)
		if len(res.Created) != 2 {
			t.Fatalf("got %+v, want 2 created", res)
		}
		tf, _ := s.Technology(testCtx, "terraform")
		if tf.Marker != MarkerIn {
			t.Errorf("got marker %q, want in (status wins over isNew)", tf.Marker)
		}
		out, err := s.ExportRadar(testCtx, FormatBYORJSON, ExportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got []map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		want := []map[string]any{
			{"name": "Go", "ring": "Adopt", "quadrant": "Languages & Frameworks", "isNew": "TRUE", "status": "New", "description": "Simple", "topic": "backend"},
			{"name": "Terraform", "ring": "Trial", "quadrant": "Tools", "isNew": "FALSE", "status": "Moved In", "description": ""},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}

		bad := `[{"name": "Go", "ring": "Adopt", "quadrant": "Nowhere"}, {"ring": "Adopt", "quadrant": "Tools"}, {"name": 5}]`
		f, err := ParseRadarFile("bad.json", []byte(bad), FormatAuto)
		if err != nil {
			t.Fatal(err)
		}
		res, err = s.ImportRadar(testCtx, f, "bad.json")
		wantCode(t, err, apperr.Invalid, "")
		var where []string
		for _, p := range res.Problems {
			where = append(where, p.Where)
		}
		if want := []string{"[0] (Go)", "[1]", "[2]", "[2]", "[2]", "[2]"}; !reflect.DeepEqual(where, want) {
			t.Errorf("got problems at %v, want %v", where, want)
		}
		_, err = ParseRadarFile("broken.json", []byte("[\n{\"name\": \"Go\",\n}"), FormatBYORJSON)
		if err == nil || !strings.Contains(err.Error(), "broken.json:3:") {
			t.Errorf("got %v, want an error at broken.json:3", err)
		}
	})
}

func TestExportMarkersSince(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustTechAt(t, s, "Go", "Languages & Frameworks", "Trial", date("2022-01-01"))
		mustTechAt(t, s, "Perl", "Languages & Frameworks", "Adopt", date("2022-01-01"))
		mustMove(t, s, "Go", "Adopt", date("2023-03-01"))
		out, err := s.ExportRadar(testCtx, FormatBYORCSV, ExportOptions{Since: date("2023-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		want := "name,ring,quadrant,isNew,status,description\nGo,Adopt,Languages & Frameworks,FALSE,Moved In,\nPerl,Adopt,Languages & Frameworks,FALSE,No Change,\n"
		if string(out) != want {
			t.Errorf("got\n%s\nwant\n%s", out, want)
		}
		_, err = s.ExportRadar(testCtx, "xml", ExportOptions{})
		wantCode(t, err, apperr.Invalid, "format")
	})
}
