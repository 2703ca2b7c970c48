package catalog_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func writeFile(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func componentYAML(name string) string {
	return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name +
		"\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
}

func importDir(t *testing.T, s *catalog.Store, dir string, roots ...string) catalog.ImportResult {
	t.Helper()
	res, err := s.Import(context.Background(), os.DirFS(dir), roots, catalog.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A change only in the case of the name, or in which root an entity comes
// from, is written once; the next import finds nothing to change.
func TestImportStoresCaseAndOriginChanges(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := catalog.NewStore(d)
		dir := t.TempDir()
		writeFile(t, dir, "c.yaml", componentYAML("checkout"))
		importDir(t, s, dir, "c.yaml")
		writeFile(t, dir, "c.yaml", componentYAML("Checkout"))
		if res := importDir(t, s, dir, "c.yaml"); res.Updated != 1 {
			t.Errorf("case change: got %+v, want 1 updated", res)
		}
		if res := importDir(t, s, dir, "c.yaml"); res.Unchanged != 1 || res.Updated != 0 {
			t.Errorf("after the case change: got %+v, want 1 unchanged", res)
		}
		rec, err := s.Get(context.Background(), catalog.Ref{Kind: "Component", Namespace: "default", Name: "checkout"})
		if err != nil {
			t.Fatal(err)
		}
		if rec.Entity.Metadata.Name != "Checkout" {
			t.Errorf("got name %q, want Checkout", rec.Entity.Metadata.Name)
		}

		writeFile(t, dir, "loc.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\nspec:\n  targets: [./svc.yaml]\n")
		writeFile(t, dir, "svc.yaml", componentYAML("svc"))
		importDir(t, s, dir, "loc.yaml")
		importDir(t, s, dir, "svc.yaml")
		if res := importDir(t, s, dir, "svc.yaml"); res.Unchanged != 1 || res.Updated != 0 {
			t.Errorf("same root again: got %+v, want 1 unchanged", res)
		}
		writeFile(t, dir, "svc.yaml", componentYAML("other"))
		if res := importDir(t, s, dir, "svc.yaml"); res.Orphaned != 1 {
			t.Errorf("svc gone from its new root: got %+v, want 1 orphaned", res)
		}
	})
}

// failingFS is a folder whose entry broken cannot be read.
type failingFS struct {
	fs.FS
	broken string
}

func (f failingFS) Open(name string) (fs.File, error) {
	if name == f.broken {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.FS.Open(name)
}

// An unreadable folder under a root is reported, and nothing from that root
// is orphaned, since its entities may still be there.
func TestImportUnreadableFolderOrphansNothing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := catalog.NewStore(d)
		dir := t.TempDir()
		writeFile(t, dir, "cat/a.yaml", componentYAML("a"))
		writeFile(t, dir, "cat/z/b.yaml", componentYAML("b"))
		importDir(t, s, dir, "cat")
		res, err := s.Import(context.Background(), failingFS{os.DirFS(dir), "cat/z"}, []string{"cat"}, catalog.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Orphaned != 0 || len(res.Problems) != 1 || res.Problems[0].File != "cat/z" {
			t.Errorf("got %+v, want one problem for cat/z and nothing orphaned", res)
		}
		if res.Unchanged != 1 {
			t.Errorf("got %d unchanged, want the readable entity unchanged", res.Unchanged)
		}
	})
}

// A YAML syntax error hides the rest of its file, so nothing from that
// root is orphaned.
func TestImportSyntaxErrorOrphansNothing(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := catalog.NewStore(d)
		dir := t.TempDir()
		writeFile(t, dir, "c.yaml", componentYAML("a")+"---\n"+componentYAML("b"))
		importDir(t, s, dir, "c.yaml")
		writeFile(t, dir, "c.yaml", componentYAML("a")+"---\nkind: [unclosed\n---\n"+componentYAML("b"))
		res := importDir(t, s, dir, "c.yaml")
		if res.Orphaned != 0 || len(res.Problems) != 1 {
			t.Errorf("got %+v, want 1 problem and nothing orphaned", res)
		}
	})
}

// Counts are cached by filter values; values with spaces must not collide.
func TestCountCacheKeepsFiltersApart(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	s := catalog.NewStore(d)
	mustCreate(t, s, component("web", "web production", "x", "team-a"))
	ctx := context.Background()
	p, err := s.List(ctx, catalog.Query{Type: "web production", Lifecycle: "x"})
	if err != nil || p.Total != 1 {
		t.Fatalf("got total %d (%v), want 1", p.Total, err)
	}
	p, err = s.List(ctx, catalog.Query{Type: "web", Lifecycle: "production x"})
	if err != nil || p.Total != 0 {
		t.Errorf("got total %d (%v), want 0", p.Total, err)
	}
}
