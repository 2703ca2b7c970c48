package radar

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestParseADR(t *testing.T) {
	type want struct {
		title        string
		date         string
		status       DecisionStatus
		supersededBy int
		deciders     []string
		layout       Layout
		bodyStart    string
	}
	tests := []struct {
		name string
		file string
		src  string
		want want
	}{
		{"adr-tools", "0001-a.md", "# 1. Use Go\n\nDate: 2024-01-02\n\n## Status\n\nAccepted\n\n## Context\n\nWhy.\n",
			want{"Use Go", "2024-01-02", StatusAccepted, 0, nil, LayoutADRTools, "## Context"}},
		{"adr-tools superseded", "0002-b.md", "# 2. Use MySQL\r\n\r\nDate: 2024-01-10\r\n\r\n## Status\r\n\r\nSuperseded by [3. Use PostgreSQL](0003-use-postgresql.md)\r\n\r\n## Context\r\n",
			want{"Use MySQL", "2024-01-10", StatusSuperseded, 3, nil, LayoutADRTools, "## Context"}},
		{"adr-tools status after a note", "0003-c.md", "# 3. X\n\n## Status\n\nAmended by [4. Y](0004-y.md)\n\nRejected\n\n## Context\n",
			want{"X", "", StatusRejected, 0, nil, LayoutADRTools, "## Context"}},
		{"madr front matter", "0010-d.md", "---\nstatus: accepted\ndate: 2023-05-10\ndeciders: Ana, Bo\n---\n# Use Go\n\n## Context\n",
			want{"Use Go", "2023-05-10", StatusAccepted, 0, []string{"Ana", "Bo"}, LayoutMADR, "## Context"}},
		{"madr 4 superseded", "0011-e.md", "---\nstatus: \"superseded by ADR-0012\"\ndecision-makers: [Ana]\n---\n\n# Old\n",
			want{"Old", "", StatusSuperseded, 12, []string{"Ana"}, LayoutMADR, ""}},
		{"madr list", "0012-f.md", "# Use MADR\n\n* Status: Deprecated\n* Deciders: Oliver\n* Date: 2017-12-01\n\nTechnical Story: x\n",
			want{"Use MADR", "2017-12-01", StatusDeprecated, 0, []string{"Oliver"}, LayoutMADRList, "Technical Story"}},
		{"madr list superseded", "0013-g.md", "# G\n\n* Status: superseded by [ADR-0014](0014-h.md)\n\nBody\n",
			want{"G", "", StatusSuperseded, 14, nil, LayoutMADRList, "Body"}},
		{"no metadata is proposed", "0014-h.md", "\n# Just a title\n\n* a list item\n* another\n",
			want{"Just a title", "", StatusProposed, 0, nil, LayoutMADR, "* a list item"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseADR(tt.file, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			d := f.Decision
			gotDate := ""
			if !d.Date.IsZero() {
				gotDate = d.Date.Format(dateLayout)
			}
			got := want{d.Title, gotDate, d.Status, d.SupersededBy, d.Deciders, d.Layout, ""}
			w := tt.want
			w.bodyStart = ""
			if !reflect.DeepEqual(got, w) {
				t.Errorf("got %+v, want %+v", got, w)
			}
			if !strings.HasPrefix(d.Body, tt.want.bodyStart) || strings.HasPrefix(d.Body, "\n") {
				t.Errorf("got body %q, want it to start with %q", d.Body, tt.want.bodyStart)
			}
		})
	}
}

func TestParseADRErrors(t *testing.T) {
	tests := []struct {
		name, file, src, want string
	}{
		{"bad name", "use-go.md", "# Use Go\n", "use-go.md: the name must start with the decision number"},
		{"no title", "0001-a.md", "Some text\n", "0001-a.md:1: want the title"},
		{"no status under heading", "0001-a.md", "# 1. A\n\nDate: 2024-01-01\n\n## Status\n\n## Context\n", "0001-a.md:5: no status"},
		{"unknown status", "0001-a.md", "# 1. A\n\n## Status\n\nDraft\n\n## Context\n", "0001-a.md:5: status \"Draft\""},
		{"bad adr-tools date", "0001-a.md", "# 1. A\n\nDate: 2nd of May\n\n## Status\n\nAccepted\n", "0001-a.md:3: date"},
		{"unclosed front matter", "0001-a.md", "---\nstatus: accepted\n# A\n", "0001-a.md:1: front matter"},
		{"bad front matter yaml", "0001-a.md", "---\nstatus: accepted\n  date: [\n---\n# A\n", "0001-a.md:"},
		{"bad front matter date", "0001-a.md", "---\nstatus: accepted\ndate: someday\n---\n# A\n", "0001-a.md:3: date \"someday\""},
		{"superseded by nothing", "0001-a.md", "---\nstatus: superseded\n---\n# A\n", "0001-a.md:2: superseded by which"},
		{"supersedes itself", "0001-a.md", "# A\n\n* Status: superseded by ADR-0001\n", "0001-a.md:3: superseded_by"},
		{"bad list status", "0001-a.md", "# A\n\n* Deciders: Ana\n* Status: maybe\n", "0001-a.md:4: status \"maybe\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseADR(tt.file, []byte(tt.src))
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v (%s), want invalid containing %q", err, apperr.CodeOf(err), tt.want)
			}
		})
	}
}

func TestParseADRDir(t *testing.T) {
	files, skipped, err := ParseADRDir(os.DirFS("testdata"), "madr")
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int
	for _, f := range files {
		numbers = append(numbers, f.Decision.Number)
	}
	if !reflect.DeepEqual(numbers, []int{1, 2, 3, 4}) {
		t.Errorf("got numbers %v, want 1-4", numbers)
	}
	if !reflect.DeepEqual(skipped, []string{"adr-template.md"}) {
		t.Errorf("got skipped %v, want the template", skipped)
	}
	_, _, err = ParseADRDir(fstest.MapFS{
		"d/0001-a.md":    {Data: []byte("# A\n")},
		"d/001-again.md": {Data: []byte("# B\n")},
	}, "d")
	if err == nil || !strings.Contains(err.Error(), "decision number 1 is also in") {
		t.Errorf("got %v, want an error about number 1 twice", err)
	}
}

func TestImportExportADRs(t *testing.T) {
	for _, dir := range []string{"adr-tools", "madr"} {
		t.Run(dir, func(t *testing.T) {
			dbtest.Engines(t, func(t *testing.T, d *db.DB) {
				s := newTestStore(t, d)
				files, _, err := ParseADRDir(os.DirFS("testdata"), dir)
				if err != nil {
					t.Fatal(err)
				}
				res, err := s.ImportADRs(testCtx, files)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Created) != 4 {
					t.Fatalf("got %+v, want 4 created", res)
				}
				mustTech(t, s, "PostgreSQL", "Platforms", "Adopt")
				addComponent(t, s, "orders", "group:default/shop", "production")
				d2, err := s.Decision(testCtx, 3)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.UpdateDecision(testCtx, 3, DecisionInput{Title: d2.Title, Date: d2.Date, Status: d2.Status, SupersededBy: d2.SupersededBy,
					Deciders: d2.Deciders, Body: d2.Body, Technologies: []string{"postgresql"}, Entities: []string{"orders"}}); err != nil {
					t.Fatal(err)
				}
				auditBefore := countRows(t, d, "audit_log")

				again, err := s.ImportADRs(testCtx, files)
				if err != nil {
					t.Fatal(err)
				}
				if len(again.Unchanged) != 4 || len(again.Created)+len(again.Updated) != 0 {
					t.Errorf("got %+v on the second import, want 4 unchanged", again)
				}
				if n := countRows(t, d, "audit_log"); n != auditBefore {
					t.Errorf("got %d audit entries after a no-op import, want %d", n, auditBefore)
				}
				d3, _ := s.Decision(testCtx, 3)
				if !reflect.DeepEqual(d3.Technologies, []string{"PostgreSQL"}) || !reflect.DeepEqual(d3.Entities, []string{"component:default/orders"}) {
					t.Errorf("got links %v %v after re-import, want them kept", d3.Technologies, d3.Entities)
				}

				// The export gives back the files as they were.
				out, err := s.ExportADRs(testCtx)
				if err != nil {
					t.Fatal(err)
				}
				if len(out) != 4 {
					t.Fatalf("got %d files, want 4", len(out))
				}
				for _, f := range out {
					orig, err := os.ReadFile("testdata/" + dir + "/" + f.Name)
					if err != nil {
						t.Errorf("exported %s, which is not in the folder: %v", f.Name, err)
						continue
					}
					if string(f.Data) != string(orig) {
						t.Errorf("%s: got\n%s\nwant\n%s", f.Name, f.Data, orig)
					}
				}
			})
		})
	}
}

func TestImportADRsRefusesUnknownSuperseding(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		fsys := fstest.MapFS{
			"d/0001-a.md": {Data: []byte("# 1. A\n\n## Status\n\nAccepted\n")},
			"d/0002-b.md": {Data: []byte("# 2. B\n\nDate: 2024-01-01\n\n## Status\n\nSuperseded by [9. Z](0009-z.md)\n")},
		}
		files, _, err := ParseADRDir(fsys, "d")
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportADRs(testCtx, files)
		if err == nil || !strings.Contains(err.Error(), "0002-b.md:7: superseded by decision 9") {
			t.Errorf("got %v, want an error naming 0002-b.md:7", err)
		}
		if n := countRows(t, d, "radar_decisions"); n != 0 {
			t.Errorf("got %d decisions, want none", n)
		}
	})
}

func TestDecisionCRUD(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustTech(t, s, "Go", "Languages & Frameworks", "Adopt")
		first, err := s.CreateDecision(testCtx, DecisionInput{Title: "Use Go", Status: StatusAccepted, Date: time.Date(2024, 5, 6, 13, 0, 0, 0, time.UTC),
			Deciders: []string{" Ana "}, Body: "## Context\n\nWhy.", Technologies: []string{"go"}})
		if err != nil {
			t.Fatal(err)
		}
		if first.Number != 1 || !first.Date.Equal(date("2024-05-06")) || first.Deciders[0] != "Ana" {
			t.Errorf("got %+v, want number 1 dated 2024-05-06 by Ana", first)
		}
		second, err := s.CreateDecision(testCtx, DecisionInput{Title: "Use Rust", Status: StatusProposed})
		if err != nil {
			t.Fatal(err)
		}
		if second.Number != 2 {
			t.Errorf("got number %d, want 2", second.Number)
		}
		_, err = s.CreateDecision(testCtx, DecisionInput{Number: 2, Title: "Again", Status: StatusProposed})
		wantCode(t, err, apperr.Conflict, "number")
		_, err = s.UpdateDecision(testCtx, 1, DecisionInput{Title: "Use Go", Status: StatusSuperseded, SupersededBy: 5})
		wantCode(t, err, apperr.Invalid, "superseded_by")
		if _, err := s.UpdateDecision(testCtx, 1, DecisionInput{Title: "Use Go", Status: StatusSuperseded, SupersededBy: 2}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Decisions(testCtx, DecisionQuery{Technology: "GO"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("got %d decisions about Go after the links were cleared, want 0", len(got))
		}
		err = s.DeleteDecision(testCtx, 2)
		wantCode(t, err, apperr.Conflict, "")
		_, err = s.Decision(testCtx, 42)
		wantCode(t, err, apperr.NotFound, "")

		tests := []struct {
			name  string
			in    DecisionInput
			field string
		}{
			{"no title", DecisionInput{Status: StatusAccepted}, "title"},
			{"bad status", DecisionInput{Title: "x", Status: "maybe"}, "status"},
			{"superseded without successor", DecisionInput{Title: "x", Status: StatusSuperseded}, "superseded_by"},
			{"successor without superseded", DecisionInput{Title: "x", Status: StatusAccepted, SupersededBy: 1}, "superseded_by"},
			{"unknown technology", DecisionInput{Title: "x", Status: StatusAccepted, Technologies: []string{"Cobol"}}, "technologies"},
			{"unknown entity", DecisionInput{Title: "x", Status: StatusAccepted, Entities: []string{"ghost"}}, "entities[0]"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.CreateDecision(testCtx, tt.in)
				wantCode(t, err, apperr.Invalid, tt.field)
			})
		}
	})
}
