package radar

import (
	"reflect"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func usageNames(list []Usage) []string {
	out := []string{}
	for _, u := range list {
		out = append(out, u.Technology+"/"+u.Source)
	}
	return out
}

func TestDeclared(t *testing.T) {
	tests := []struct {
		name string
		e    catalog.Entity
		want Declaration
	}{
		{"nothing", catalog.Entity{}, Declaration{Tags: nil}},
		{"tags and annotation", catalog.Entity{Metadata: catalog.Metadata{Tags: []string{"java", "payments"},
			Annotations: map[string]string{TechnologiesAnnotation: " Node.js, ,PostgreSQL ,"}}},
			Declaration{Tags: []string{"java", "payments"}, Annotated: []string{"Node.js", "PostgreSQL"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Declared(tt.e); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestComponentTechnologies(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		addComponent(t, s, "shop", "group:default/web", "production")
		mustTech(t, s, "Go", "Languages & Frameworks", "Adopt")
		mustTech(t, s, "PostgreSQL", "Platforms", "Adopt")
		got, err := s.SetComponentTechnologies(testCtx, ComponentTechnologiesInput{Component: "shop", Technologies: []string{"go", "postgresql", "Go"}})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Go/manual", "PostgreSQL/manual"}; !reflect.DeepEqual(usageNames(got), want) {
			t.Errorf("got %v, want %v", usageNames(got), want)
		}
		users, err := s.TechnologyUsers(testCtx, "Go")
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 1 || users[0].Entity != "component:default/shop" {
			t.Errorf("got users %+v, want component:default/shop", users)
		}
		got, err = s.SetComponentTechnologies(testCtx, ComponentTechnologiesInput{Component: "component:default/shop", Technologies: []string{"Go"}})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Go/manual"}; !reflect.DeepEqual(usageNames(got), want) {
			t.Errorf("got %v, want %v", usageNames(got), want)
		}
		if n := auditCount(t, d, "technology_usage", "component:default/shop"); n != 2 {
			t.Errorf("got %d audit entries, want 2", n)
		}

		_, err = s.SetComponentTechnologies(testCtx, ComponentTechnologiesInput{Component: "shop", Technologies: []string{"Cobol"}})
		wantCode(t, err, apperr.Invalid, "technologies")
		_, err = s.SetComponentTechnologies(testCtx, ComponentTechnologiesInput{Component: "ghost", Technologies: []string{"Go"}})
		wantCode(t, err, apperr.Invalid, "component")
		_, err = s.TechnologyUsers(testCtx, "Cobol")
		wantCode(t, err, apperr.NotFound, "")
	})
}

func TestSyncUsageFromCatalog(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		mustTech(t, s, "Node.js", "Languages & Frameworks", "Adopt")
		mustTech(t, s, "Java", "Languages & Frameworks", "Adopt")
		mustTech(t, s, "Perl", "Languages & Frameworks", "Hold")
		addComponent(t, s, "web", "group:default/web", "production", func(m *catalog.Metadata) { m.Tags = []string{"nodejs", "frontend"} })
		addComponent(t, s, "billing", "group:default/money", "production", func(m *catalog.Metadata) {
			m.Annotations = map[string]string{TechnologiesAnnotation: "Perl, Java, Fortran 77"}
		})
		addEntity(t, s, "Group", "web", map[string]any{"type": "team", "children": []any{}}, func(m *catalog.Metadata) { m.Tags = []string{"java"} })
		// A manual link the sync must leave alone.
		if _, err := s.SetComponentTechnologies(testCtx, ComponentTechnologiesInput{Component: "web", Technologies: []string{"Perl"}}); err != nil {
			t.Fatal(err)
		}

		res, err := s.SyncUsageFromCatalog(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Entities != 2 {
			t.Errorf("got %d entities read, want 2 (groups are not users of technology)", res.Entities)
		}
		var linked []string
		for _, u := range res.Linked {
			linked = append(linked, u.Entity+" "+u.Technology)
		}
		want := []string{"component:default/billing Java", "component:default/billing Perl", "component:default/web Node.js"}
		if !reflect.DeepEqual(linked, want) {
			t.Errorf("got linked %v, want %v", linked, want)
		}
		if want := []Unmatched{{Entity: "component:default/billing", Name: "Fortran 77"}}; !reflect.DeepEqual(res.Unmatched, want) {
			t.Errorf("got unmatched %v, want %v", res.Unmatched, want)
		}
		web, _ := s.ComponentTechnologies(testCtx, "web")
		if want := []string{"Node.js/catalog", "Perl/manual"}; !reflect.DeepEqual(usageNames(web), want) {
			t.Errorf("got web's %v, want %v", usageNames(web), want)
		}

		again, err := s.SyncUsageFromCatalog(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Linked)+len(again.Unlinked) != 0 {
			t.Errorf("got %d links and %d unlinks on the second sync, want none", len(again.Linked), len(again.Unlinked))
		}

		// Dropping the annotation unlinks what it brought.
		rec, err := s.catalog.Get(testCtx, catalog.Ref{Kind: "Component", Namespace: "default", Name: "billing"})
		if err != nil {
			t.Fatal(err)
		}
		e := rec.Entity
		e.Metadata.Annotations = map[string]string{TechnologiesAnnotation: "java"}
		if _, err := s.catalog.Update(testCtx, e.Ref(), e); err != nil {
			t.Fatal(err)
		}
		res, err = s.SyncUsageFromCatalog(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Unlinked) != 1 || res.Unlinked[0].Technology != "Perl" || len(res.Linked) != 0 {
			t.Errorf("got linked %v unlinked %v, want Perl unlinked only", res.Linked, res.Unlinked)
		}
		if n := auditCount(t, d, "technology_usage", "component:default/billing"); n != 3 {
			t.Errorf("got %d audit entries for billing, want 3 (2 links, 1 unlink)", n)
		}
	})
}

func TestHoldReport(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		addComponent(t, s, "legacy-billing", "money", "production")
		addComponent(t, s, "reports", "group:default/bi", "deprecated")
		addComponent(t, s, "gone", "web", "production")
		mustTechAt(t, s, "Perl", "Languages & Frameworks", "Trial", date("2020-01-01"))
		mustTech(t, s, "Go", "Languages & Frameworks", "Adopt")
		mustMove(t, s, "Perl", "Hold", date("2022-05-01"))
		for comp, techs := range map[string][]string{"legacy-billing": {"Perl", "Go"}, "reports": {"Perl"}, "gone": {"Perl"}} {
			if _, err := s.SetComponentTechnologies(testCtx, ComponentTechnologiesInput{Component: comp, Technologies: techs}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.catalog.Delete(testCtx, catalog.Ref{Kind: "Component", Namespace: "default", Name: "gone"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.HoldReport(testCtx)
		if err != nil {
			t.Fatal(err)
		}
		type row struct{ entity, owner, lifecycle string }
		var rows []row
		for _, e := range got {
			rows = append(rows, row{e.Entity, e.Owner, e.Lifecycle})
			if e.Technology != "Perl" || !e.OnHoldSince.Equal(date("2022-05-01")) {
				t.Errorf("got %s on hold since %s, want Perl since 2022-05-01", e.Technology, e.OnHoldSince)
			}
		}
		want := []row{
			{"component:default/gone", "", ""},
			{"component:default/reports", "group:default/bi", "deprecated"},
			{"component:default/legacy-billing", "group:default/money", "production"},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("got %v, want %v", rows, want)
		}
		if got[0].InCatalog || !got[1].InCatalog {
			t.Errorf("got in-catalog %v, %v, want false, true", got[0].InCatalog, got[1].InCatalog)
		}
	})
}
