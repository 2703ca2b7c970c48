package radar

import (
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/markdown"
)

// A description written in Chief is Markdown; an export imported again
// must give it back as written, code spans, block quotes and comparison
// signs included.
func TestExportImportKeepsDescriptions(t *testing.T) {
	const desc = "Use `List<T>` on Java > 8.\n\n> quoted\n\nWhen a < b, <b>bold</b> stays & so does `<script>`."
	for _, format := range []Format{FormatBYORCSV, FormatBYORJSON} {
		t.Run(string(format), func(t *testing.T) {
			dbtest.Engines(t, func(t *testing.T, d *db.DB) {
				s := newTestStore(t, d)
				if _, err := s.CreateTechnology(testCtx, TechnologyInput{Name: "Java", Quadrant: "Languages & Frameworks", Ring: "Adopt",
					Description: desc}); err != nil {
					t.Fatal(err)
				}
				data, err := s.ExportRadar(testCtx, format, ExportOptions{})
				if err != nil {
					t.Fatal(err)
				}
				audits := countRows(t, d, "audit_log")
				res := mustImport(t, s, "radar-export", string(data), format)
				if len(res.Unchanged) != 1 || len(res.Updated)+len(res.Created)+len(res.Moved) != 0 {
					t.Errorf("got %+v, want Java unchanged", res)
				}
				got, err := s.Technology(testCtx, "Java")
				if err != nil {
					t.Fatal(err)
				}
				if got.Description != desc {
					t.Errorf("got description %q, want %q", got.Description, desc)
				}
				if n := countRows(t, d, "audit_log"); n != audits {
					t.Errorf("got %d audit entries after importing the export, want %d", n, audits)
				}
			})
		})
	}
}

// An imported description is kept as the file has it; showing it is what
// sanitizes.
func TestImportedHTMLIsSafeWhenShown(t *testing.T) {
	f, err := ParseBYORCSV("radar.csv", []byte(byorCSV))
	if err != nil {
		t.Fatal(err)
	}
	got := f.Entries[0].Description
	if want := `<p>Simple <script>alert(1)</script>language, <a href="javascript:x()">see</a></p>`; got != want {
		t.Errorf("got description %q, want %q", got, want)
	}
	shown := string(markdown.Render(got))
	if strings.Contains(shown, "<script") || strings.Contains(shown, "javascript:") || !strings.Contains(shown, "Simple") {
		t.Errorf("got %q shown, want it sanitized", shown)
	}
}
