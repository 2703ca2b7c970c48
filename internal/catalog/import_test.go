package catalog_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

var fixtureRoots = []string{"backstage/all.yaml", "backstage/acme-corp.yaml", "backstage/upstream-apis.yaml"}

func importFixtures(t *testing.T, s *catalog.Store) catalog.ImportResult {
	t.Helper()
	res, err := s.Import(context.Background(), os.DirFS("testdata"), fixtureRoots, catalog.ImportOptions{LocationPrefix: "testdata/"})
	if err != nil {
		t.Fatalf("import fixtures: %v", err)
	}
	return res
}

func countKinds(t *testing.T, s *catalog.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, k := range catalog.Kinds {
		p, err := s.List(context.Background(), catalog.Query{Kind: k.Name, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total > 0 {
			out[k.Name] = p.Total
		}
	}
	return out
}

func TestImportBackstageFixtures(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := catalog.NewStore(d)
		res := importFixtures(t, s)
		if len(res.Problems) != 0 {
			t.Errorf("got problems %v, want none", res.Problems)
		}
		want := map[string]int{"API": 11, "Component": 13, "Domain": 3, "Group": 9, "Resource": 1, "System": 3, "User": 17, "Location": 9}
		if got := countKinds(t, s); !reflect.DeepEqual(got, want) {
			t.Errorf("got kinds %v, want %v", got, want)
		}
		if res.Created != 66 {
			t.Errorf("got %d created, want 66", res.Created)
		}
		if len(res.Remote) == 0 {
			t.Error("got no remote targets reported, want the URL targets of Locations")
		}

		again := importFixtures(t, s)
		if again.Created != 0 || again.Updated != 0 || again.Orphaned != 0 || again.Unchanged != 66 {
			t.Errorf("second import: got %+v, want all 66 unchanged", again)
		}

		// Same name in two namespaces.
		for _, ns := range []string{"default", "development"} {
			if _, err := s.Get(ctx, catalog.Ref{Kind: "User", Namespace: ns, Name: "guest"}); err != nil {
				t.Errorf("user %s/guest: %v", ns, err)
			}
		}
		// An owner that is a user, and a dangling API reference.
		pb, err := s.Get(ctx, catalog.Ref{Kind: "Component", Namespace: "default", Name: "petstore"})
		if err != nil {
			t.Fatal(err)
		}
		var unresolved []string
		for _, r := range pb.Relations {
			if !r.Resolved {
				unresolved = append(unresolved, r.Type+" "+r.TargetRef)
			}
		}
		if want := []string{"providesApi api:default/streetlights"}; !reflect.DeepEqual(unresolved, want) {
			t.Errorf("petstore unresolved: got %v, want %v", unresolved, want)
		}
		// Both directions of a relation.
		api, err := s.Get(ctx, catalog.Ref{Kind: "API", Namespace: "default", Name: "petstore"})
		if err != nil {
			t.Fatal(err)
		}
		if !hasRelation(api.Relations, "apiProvidedBy", "component:default/petstore") {
			t.Errorf("api petstore relations %v lack apiProvidedBy component:default/petstore", api.Relations)
		}
	})
}

func hasRelation(rels []catalog.Relation, typ, target string) bool {
	for _, r := range rels {
		if r.Type == typ && r.TargetRef == target && r.Resolved {
			return true
		}
	}
	return false
}

func TestExportRoundTrip(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := catalog.NewStore(d)
		importFixtures(t, s)
		files, err := s.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		fresh := catalog.NewStore(dbtest.OpenSQLite(t))
		res, err := fresh.Import(ctx, os.DirFS(dir), []string{catalog.ExportRoot}, catalog.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) != 0 {
			t.Fatalf("re-import problems: %v", res.Problems)
		}
		if got, want := entitiesOf(t, fresh), entitiesOf(t, s); !reflect.DeepEqual(got, want) {
			t.Errorf("round trip changed the catalog:\n got %d entities\nwant %d", len(got), len(want))
			for k, v := range want {
				if !reflect.DeepEqual(got[k], v) {
					t.Errorf("%s:\n got %+v\nwant %+v", k, got[k], v)
				}
			}
		}
	})
}

// entitiesOf returns every entity but Locations, keyed by reference.
func entitiesOf(t *testing.T, s *catalog.Store) map[string]catalog.Entity {
	t.Helper()
	out := map[string]catalog.Entity{}
	q := catalog.Query{Limit: 500, Full: true}
	for {
		p, err := s.List(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Items {
			out[r.Entity.Ref().Key()] = r.Entity
		}
		if p.NextCursor == "" {
			return out
		}
		q.Cursor = p.NextCursor
	}
}

func TestImportReportsInvalidAndOrphans(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: "cli:test"})
		s := catalog.NewStore(d)
		dir := t.TempDir()
		write := func(body string) {
			t.Helper()
			if err := os.WriteFile(filepath.Join(dir, "catalog.yaml"), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: good
spec:
  type: service
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: gone-later
spec:
  type: service
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bad
  tags: [Not_Valid]
spec:
  type: service
  lifecycle: production
  owner: team-a
`)
		res, err := s.Import(ctx, os.DirFS(dir), []string{"catalog.yaml"}, catalog.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 2 || len(res.Problems) != 1 {
			t.Fatalf("got %+v, want 2 created and 1 problem", res)
		}
		p := res.Problems[0]
		if p.File != "catalog.yaml" || p.Line != 23 || !strings.Contains(p.Message, "metadata.tags[0]") {
			t.Errorf("got problem %s, want catalog.yaml:23 naming metadata.tags[0]", p)
		}
		write(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: good
  description: now described
spec:
  type: service
  lifecycle: production
  owner: team-a
`)
		res, err = s.Import(ctx, os.DirFS(dir), []string{"catalog.yaml"}, catalog.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Updated != 1 || res.Orphaned != 1 {
			t.Errorf("got %+v, want 1 updated and 1 orphaned", res)
		}
		gone, err := s.Get(ctx, catalog.Ref{Kind: "Component", Namespace: "default", Name: "gone-later"})
		if err != nil {
			t.Fatal(err)
		}
		if !gone.Orphaned {
			t.Error("gone-later is not orphaned")
		}
		entries, _, err := audit.NewStore(d).List(ctx, audit.Filter{RecordID: "component:default/good"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Actor != "cli:test" {
			t.Fatalf("got %d audit entries %+v, want 2 by cli:test", len(entries), entries)
		}
		ch := entries[0].Changes["metadata.description"]
		if ch.Old != nil || ch.New != "now described" {
			t.Errorf("got description change %+v, want nil -> now described", ch)
		}
		keys := make([]string, 0)
		for k := range entries[1].Changes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !strings.Contains(strings.Join(keys, ","), "spec.owner") {
			t.Errorf("create entry changes %v lack spec.owner", keys)
		}
	})
}
