package web

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/radar"
)

// uploadFile is one file of a multipart form.
type uploadFile struct{ field, name, body string }

// upload posts a multipart form as role, as a browser sends a file input.
func (f *relFixture) upload(t *testing.T, role auth.Role, target string, fields url.Values, files ...uploadFile) relResponse {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, file := range files {
		w, err := mw.CreateFormFile(file.field, file.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(file.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, target, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if s := f.sessions[role]; s != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: s})
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return relResponse{status: rec.Code, location: rec.Header().Get("Location"), body: rec.Body.String()}
}

// withAdmin signs in an administrator too.
func (f *relFixture) withAdmin(t *testing.T) *relFixture {
	t.Helper()
	u, err := f.s.auth.CreateUser(f.ctx, auth.NewUser{Email: "admin@example.com", Password: "correct horse battery", Role: auth.Admin})
	if err != nil {
		t.Fatalf("create admin: %v", err)
	}
	if f.sessions[auth.Admin], err = f.s.auth.CreateSession(f.ctx, u.ID); err != nil {
		t.Fatalf("create session: %v", err)
	}
	return f
}

var problemRe = regexp.MustCompile(`<li><code>([^<]*)</code> ([^<]*)</li>`)

// pageProblems lists the problems a page shows, as "where: message".
func pageProblems(body string) []string {
	var out []string
	for _, m := range problemRe.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1])+": "+html.UnescapeString(m[2]))
	}
	return out
}

func TestRadarFormsViewsParse(t *testing.T) {
	v, err := parseViews()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"radar_import", "decision_import", "radar_settings"} {
		if v.pages[name] == nil {
			t.Errorf("view %s: got none, want it parsed", name)
		}
	}
}

func TestRadarImportForm(t *testing.T) {
	f := newRadarFixture(t)
	fixture, err := os.ReadFile("../radar/testdata/zalando-config.json")
	if err != nil {
		t.Fatal(err)
	}
	relWantIn(t, "import form", f.get(t, auth.Editor, "/radar/import", http.StatusOK),
		`enctype="multipart/form-data"`, `<option value="zalando" >Zalando config.json</option>`)

	r := f.upload(t, auth.Editor, "/radar/import", url.Values{"format": {"auto"}}, uploadFile{"file", "config.json", string(fixture)})
	if r.status != http.StatusOK {
		t.Fatalf("import: got status %d, want 200\n%.2000s", r.status, r.body)
	}
	relWantIn(t, "import result", r.body, "Imported config.json", "<strong>81</strong> created", "<strong>0</strong> moved", "0 unchanged")
	athena, err := f.s.radar.Technology(f.ctx, "AWS Athena")
	if err != nil {
		t.Fatalf("AWS Athena after the import: %v", err)
	}
	if athena.QuadrantName != "Languages & Frameworks" || athena.RingName != "Trial" {
		t.Errorf("AWS Athena: got %s/%s, want quadrant 3 and ring 1 of the default radar, Languages & Frameworks/Trial", athena.QuadrantName, athena.RingName)
	}

	r = f.upload(t, auth.Editor, "/radar/import", url.Values{"format": {"zalando"}}, uploadFile{"file", "config.json", string(fixture)})
	relWantIn(t, "same file again", r.body, "<strong>0</strong> created", "81 unchanged")

	t.Run("bad CSV stores nothing", func(t *testing.T) {
		csv := "name,ring,quadrant,isNew,description\n" +
			"Gleam,Adopt,Languages & Frameworks,FALSE,Fine\n" +
			"Kafka,Sometimes,Platforms,TRUE,Bad ring\n" +
			"Zig,Trial,Gadgets,FALSE,Bad quadrant\n"
		r := f.upload(t, auth.Editor, "/radar/import", url.Values{"format": {"auto"}}, uploadFile{"file", "radar.csv", csv})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad CSV: got status %d, want 422", r.status)
		}
		relWantIn(t, "bad CSV", r.body, "Nothing was imported", "radar.csv: 2 problems")
		got := pageProblems(r.body)
		if len(got) != 2 || !strings.HasPrefix(got[0], "line 3 (Kafka): ") || !strings.HasPrefix(got[1], "line 4 (Zig): ") {
			t.Errorf("problems: got %q, want line 3 (Kafka) and line 4 (Zig)", got)
		}
		if _, err := f.s.radar.Technology(f.ctx, "Gleam"); err == nil {
			t.Error("Gleam, the valid line of a refused file: got it stored, want nothing stored")
		}
	})

	t.Run("no file", func(t *testing.T) {
		r := f.upload(t, auth.Editor, "/radar/import", url.Values{"format": {"auto"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("got status %d, want 422", r.status)
		}
		if got := relFieldError(r.body, "file"); !strings.Contains(got, "Choose a radar file") {
			t.Errorf("got %q next to file, want to choose one", got)
		}
	})

	t.Run("unknown format", func(t *testing.T) {
		r := f.upload(t, auth.Editor, "/radar/import", url.Values{"format": {"opml"}}, uploadFile{"file", "r.csv", "name,ring\n"})
		if got := relFieldError(r.body, "format"); !strings.Contains(got, `unknown format "opml"`) {
			t.Errorf("got %q next to format, want the unknown format", got)
		}
	})
}

const adrUseGo = `# 1. Use Go

Date: 2024-02-01

## Status

Accepted

## Context

We write services.

## Decision

We will use Go.
`

const adrUseSQLite = `# 2. Use SQLite for tests

Date: 2024-02-02

## Status

Proposed

## Decision

Tests run on SQLite.
`

func TestDecisionImportForm(t *testing.T) {
	f := newRadarFixture(t)
	relWantIn(t, "import form", f.get(t, auth.Editor, "/decisions/import", http.StatusOK), `type="file" multiple`)

	files := []uploadFile{{"files", "0001-use-go.md", adrUseGo}, {"files", "0002-use-sqlite-for-tests.md", adrUseSQLite}}
	r := f.upload(t, auth.Editor, "/decisions/import", nil, files...)
	if r.status != http.StatusOK {
		t.Fatalf("import: got status %d, want 200\n%.2000s", r.status, r.body)
	}
	relWantIn(t, "first import", r.body, "Imported 2 files", "<strong>2</strong> created", "0 unchanged",
		`<a href="/decisions/1">#1 Use Go</a>, <a href="/decisions/2">#2 Use SQLite for tests</a>`)
	list, err := f.s.radar.Decisions(f.ctx, radar.DecisionQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Title != "Use Go" || list[1].Status != radar.StatusProposed {
		t.Errorf("decisions: got %+v, want Use Go and a proposed Use SQLite for tests", list)
	}

	r = f.upload(t, auth.Editor, "/decisions/import", nil, files...)
	relWantIn(t, "same files again", r.body, "<strong>0</strong> created", "<strong>0</strong> updated", "2 unchanged")

	t.Run("a bad file stores nothing", func(t *testing.T) {
		bad := "# 4. Use Rust\n\nDate: 2024-02-03\n\n## Status\n\nSuperseded by [9. Nothing](0009-nothing.md)\n"
		r := f.upload(t, auth.Editor, "/decisions/import", nil,
			uploadFile{"files", "0003-use-zig.md", "# 3. Use Zig\n\n## Status\n\nProposed\n"},
			uploadFile{"files", "0004-use-rust.md", bad},
			uploadFile{"files", "notes.md", "# Notes\n"})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("got status %d, want 422\n%.2000s", r.status, r.body)
		}
		relWantIn(t, "bad files", r.body, "Nothing was imported")
		got := strings.Join(pageProblems(r.body), "\n")
		if !strings.Contains(got, "notes.md: ") {
			t.Errorf("problems: got %q, want notes.md's name", got)
		}
		if _, err := f.s.radar.Decision(f.ctx, 3); err == nil {
			t.Error("decision 3 of a refused upload: got it stored, want nothing stored")
		}
		// Parsed files that cite a missing record are refused by the
		// import, with the file and the status line.
		r = f.upload(t, auth.Editor, "/decisions/import", nil, uploadFile{"files", "0004-use-rust.md", bad})
		if got := pageProblems(r.body); len(got) != 1 || !strings.HasPrefix(got[0], "0004-use-rust.md:7: superseded by decision 9") {
			t.Errorf("missing successor: got %q, want 0004-use-rust.md:7", got)
		}
	})
}

func TestRadarSettingsForm(t *testing.T) {
	f := newRadarFixture(t).withAdmin(t)
	f.tech(t, "Jenkins", "Tools", "Hold", 10)
	settings := func() url.Values {
		return url.Values{"title": {"Acme Radar"},
			"quadrant0": {"Techniques"}, "quadrant1": {"Tooling"}, "quadrant2": {"Platforms"}, "quadrant3": {"Languages & Frameworks"},
			"ring0": {"Adopt"}, "ring0_color": {"#5ba300"}, "ring1": {"Trial"}, "ring1_color": {"#009eb0"},
			"ring2": {"Assess"}, "ring2_color": {"#c7ba00"}, "ring3": {"Hold"}, "ring3_color": {"#e09b96"}}
	}
	post := func(form url.Values, status int) relResponse {
		t.Helper()
		r := f.do(t, auth.Admin, http.MethodPost, "/admin/radar", form)
		if r.status != status {
			t.Fatalf("POST /admin/radar: got status %d, want %d\n%.3000s", r.status, status, r.body)
		}
		return r
	}
	relWantIn(t, "settings form", f.get(t, auth.Admin, "/admin/radar", http.StatusOK), `value="Tools"`, `name="ring3_color" type="color" value="#e09b96"`)

	post(settings(), http.StatusSeeOther)
	relWantIn(t, "radar after renaming a quadrant", f.get(t, auth.Viewer, "/radar", http.StatusOK), "<h1>Acme Radar</h1>", "Tooling")
	if jenkins, _ := f.s.radar.Technology(f.ctx, "Jenkins"); jenkins.QuadrantName != "Tooling" {
		t.Errorf("Jenkins: got quadrant %q, want the renamed Tooling", jenkins.QuadrantName)
	}

	for _, tc := range []struct {
		name, field, want string
		change            func(url.Values)
	}{
		{"three quadrants", "quadrant3", "a radar has exactly four quadrants", func(v url.Values) { v.Del("quadrant3") }},
		{"same quadrant twice", "quadrant1", "is the same name as another quadrant", func(v url.Values) { v.Set("quadrant1", "practices") }},
		{"a gap between rings", "ring1", "remove rings from the outside in", func(v url.Values) { v.Set("ring1", "") }},
		{"removing a ring in use", "ring3", `ring "Hold" is in use`, func(v url.Values) { v.Del("ring3") }},
		{"no title", "title", "Is required", func(v url.Values) { v.Set("title", " ") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := settings()
			form.Set("quadrant0", "Practices")
			tc.change(form)
			r := post(form, http.StatusUnprocessableEntity)
			if got := relFieldError(r.body, tc.field); !strings.Contains(got, tc.want) {
				t.Errorf("got %q next to %s, want %q", got, tc.field, tc.want)
			}
			relWantIn(t, tc.name, r.body, `value="Practices"`, "nothing was saved")
			rd, err := f.s.radar.Radar(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rd.Quadrants[0].Name != "Techniques" || len(rd.Rings) != 4 {
				t.Errorf("radar after a refused form: got %s; %s, want it unchanged", rd.QuadrantNames(), rd.RingNames())
			}
		})
	}
}

func TestRadarFormsRoles(t *testing.T) {
	f := newRadarFixture(t).withAdmin(t)
	for _, tc := range []struct {
		role   auth.Role
		target string
	}{
		{auth.Viewer, "/radar/import"},
		{auth.Viewer, "/decisions/import"},
		{auth.Viewer, "/admin/radar"},
		{auth.Editor, "/admin/radar"},
	} {
		t.Run(string(tc.role)+" "+tc.target, func(t *testing.T) {
			f.get(t, tc.role, tc.target, http.StatusForbidden)
			r := f.upload(t, tc.role, tc.target, url.Values{"title": {"Mine"}}, uploadFile{"files", "0001-use-go.md", adrUseGo})
			if r.status != http.StatusForbidden {
				t.Errorf("POST: got status %d, want 403", r.status)
			}
		})
	}
	if _, err := f.s.radar.Decision(f.ctx, 1); err == nil {
		t.Error("decision 1 after refused posts: got it stored, want nothing")
	}

	links := []struct {
		role         auth.Role
		path         string
		want, unwant []string
	}{
		{auth.Viewer, "/radar", nil, []string{`href="/radar/import"`, `href="/admin/radar"`}},
		{auth.Editor, "/radar", []string{`href="/radar/import"`}, []string{`href="/admin/radar"`}},
		{auth.Admin, "/radar", []string{`href="/radar/import"`, `class="button" href="/admin/radar"`, `href="/admin/radar" >Radar settings</a></li>`}, nil},
		{auth.Editor, "/radar/technologies", []string{`href="/radar/import"`}, nil},
		{auth.Editor, "/decisions", []string{`href="/decisions/import"`}, nil},
		{auth.Viewer, "/decisions", nil, []string{`href="/decisions/import"`}},
	}
	for _, tc := range links {
		body := f.get(t, tc.role, tc.path, http.StatusOK)
		relWantIn(t, string(tc.role)+" "+tc.path, body, tc.want...)
		relWantNotIn(t, string(tc.role)+" "+tc.path, body, tc.unwant...)
	}
}
