package catalog_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// ent builds an entity; edits adjust its metadata.
func ent(kind, name string, spec map[string]any, edits ...func(m *catalog.Metadata)) catalog.Entity {
	e := catalog.Entity{APIVersion: catalog.APIVersion, Kind: kind, Metadata: catalog.Metadata{Name: name}, Spec: spec}
	for _, edit := range edits {
		edit(&e.Metadata)
	}
	return e
}

func component(name, typ, lifecycle, owner string, edits ...func(m *catalog.Metadata)) catalog.Entity {
	return ent("Component", name, map[string]any{"type": typ, "lifecycle": lifecycle, "owner": owner}, edits...)
}

func mustCreate(t *testing.T, s *catalog.Store, e catalog.Entity) catalog.Record {
	t.Helper()
	r, err := s.Create(context.Background(), e)
	if err != nil {
		t.Fatalf("create %s %s: %v", e.Kind, e.Metadata.Name, err)
	}
	return r
}

func mustRef(t *testing.T, s string) catalog.Ref {
	t.Helper()
	r, err := catalog.ParseRef(s, "", "")
	if err != nil {
		t.Fatalf("ParseRef(%q): %v", s, err)
	}
	return r
}

// wantCode checks that err carries code.
func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("got error code %s (%v), want %s", got, err, code)
	}
}

// names returns the names of records in order.
func names(recs []catalog.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Entity.Metadata.Name
	}
	return out
}

func auditEntries(t *testing.T, d *db.DB, recordID string) []audit.Entry {
	t.Helper()
	entries, _, err := audit.NewStore(d).List(context.Background(), audit.Filter{RecordID: recordID, Limit: 500})
	if err != nil {
		t.Fatalf("audit list %s: %v", recordID, err)
	}
	return entries
}

func wantChange(t *testing.T, e audit.Entry, field string, old, new any) {
	t.Helper()
	c, ok := e.Changes[field]
	if !ok {
		t.Errorf("%s: got changes %v without %s, want %v -> %v", e.Action, e.Changes, field, old, new)
		return
	}
	if !reflect.DeepEqual(c.Old, old) || !reflect.DeepEqual(c.New, new) {
		t.Errorf("%s %s: got %v -> %v, want %v -> %v", e.Action, field, c.Old, c.New, old, new)
	}
}

func TestStoreRoundTrip(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: "user:tester"})
		s := catalog.NewStore(d)
		ref := catalog.Ref{Kind: "Component", Namespace: "default", Name: "checkout"}
		in := component("checkout", "service", "production", "team-a", func(m *catalog.Metadata) {
			m.Title = "Checkout"
			m.Tags = []string{"java"}
			m.Labels = map[string]string{"tier": "one"}
			m.Annotations = map[string]string{"backstage.io/techdocs-ref": "dir:."}
			m.Links = []catalog.Link{{URL: "https://example.com/checkout", Title: "Dashboard"}}
		})
		in.Spec["dependsOn"] = []any{"resource:orders-db"}

		var created catalog.Record
		t.Run("create", func(t *testing.T) {
			before := time.Now().UTC().Add(-time.Second)
			var err error
			created, err = s.Create(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			want := in
			want.Spec = map[string]any{"type": "service", "lifecycle": "production", "owner": "team-a", "dependsOn": []any{"resource:orders-db"}}
			if err := want.Validate(); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(created.Entity, want) {
				t.Errorf("got entity %+v, want %+v", created.Entity, want)
			}
			if created.ID == 0 {
				t.Error("got ID 0, want the stored ID")
			}
			if created.CreatedAt.Before(before) || !created.UpdatedAt.Equal(created.CreatedAt) {
				t.Errorf("got created %v updated %v, want both now (after %v)", created.CreatedAt, created.UpdatedAt, before)
			}
			if created.Orphaned || created.Location != "" || created.Origin != "" {
				t.Errorf("got orphaned %v location %q origin %q, want false, empty, empty", created.Orphaned, created.Location, created.Origin)
			}
		})
		t.Run("get", func(t *testing.T) {
			got, err := s.Get(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Entity, created.Entity) {
				t.Errorf("got %+v, want %+v", got.Entity, created.Entity)
			}
			// Lookups ignore case.
			got, err = s.Get(ctx, catalog.Ref{Kind: "component", Namespace: "default", Name: "CHECKOUT"})
			if err != nil {
				t.Fatalf("get in upper case: %v", err)
			}
			if got.ID != created.ID {
				t.Errorf("get in upper case: got ID %d, want %d", got.ID, created.ID)
			}
		})
		t.Run("create conflict", func(t *testing.T) {
			_, err := s.Create(ctx, in)
			wantCode(t, err, apperr.Conflict)
			_, err = s.Create(ctx, component("Checkout", "service", "production", "team-b"))
			wantCode(t, err, apperr.Conflict)
		})
		t.Run("create same name, other kind or namespace", func(t *testing.T) {
			mustCreate(t, s, ent("System", "checkout", map[string]any{"owner": "team-a"}))
			mustCreate(t, s, component("checkout", "service", "production", "team-a", func(m *catalog.Metadata) { m.Namespace = "finance" }))
		})
		t.Run("create invalid", func(t *testing.T) {
			_, err := s.Create(ctx, component("broken", "service", "production", ""))
			wantField(t, err, "spec.owner")
			_, err = s.Get(ctx, catalog.Ref{Kind: "Component", Namespace: "default", Name: "broken"})
			wantCode(t, err, apperr.NotFound)
		})
		t.Run("get not found", func(t *testing.T) {
			_, err := s.Get(ctx, catalog.Ref{Kind: "Component", Namespace: "default", Name: "nope"})
			wantCode(t, err, apperr.NotFound)
		})

		upd := component("checkout", "service", "production", "team-b", func(m *catalog.Metadata) {
			m.Title = "Checkout"
			m.Description = "Takes payments"
			m.Tags = []string{"go"}
		})
		t.Run("update", func(t *testing.T) {
			got, err := s.Update(ctx, ref, upd)
			if err != nil {
				t.Fatal(err)
			}
			if got.Entity.Text("owner") != "team-b" || got.Entity.Metadata.Description != "Takes payments" {
				t.Errorf("got owner %q description %q, want team-b, Takes payments", got.Entity.Text("owner"), got.Entity.Metadata.Description)
			}
			if got.Entity.Metadata.Labels != nil || got.Entity.Metadata.Links != nil {
				t.Errorf("got labels %v links %v, want both removed", got.Entity.Metadata.Labels, got.Entity.Metadata.Links)
			}
			if _, ok := got.Entity.Spec["dependsOn"]; ok {
				t.Errorf("got spec %v, want dependsOn removed", got.Entity.Spec)
			}
			if got.ID != created.ID || !got.CreatedAt.Equal(created.CreatedAt) {
				t.Errorf("got ID %d created %v, want %d %v kept", got.ID, got.CreatedAt, created.ID, created.CreatedAt)
			}
			if got.UpdatedAt.Before(created.UpdatedAt) {
				t.Errorf("got updated %v before %v", got.UpdatedAt, created.UpdatedAt)
			}
			// Tags and relations follow the new descriptor.
			for tag, want := range map[string]int{"java": 0, "go": 1} {
				p, err := s.List(ctx, catalog.Query{Tag: tag})
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != want {
					t.Errorf("tag %s: got %d entities, want %d", tag, p.Total, want)
				}
			}
			var rels []string
			for _, r := range got.Relations {
				rels = append(rels, r.Type+" "+r.TargetRef)
			}
			if want := []string{"ownedBy group:default/team-b"}; !reflect.DeepEqual(rels, want) {
				t.Errorf("got relations %v, want %v", rels, want)
			}
		})
		t.Run("update without changes", func(t *testing.T) {
			n := len(auditEntries(t, d, ref.Key()))
			if _, err := s.Update(ctx, ref, upd); err != nil {
				t.Fatal(err)
			}
			if got := len(auditEntries(t, d, ref.Key())); got != n {
				t.Errorf("got %d audit entries, want %d: an update that changes nothing is not audited", got, n)
			}
		})
		t.Run("update refuses a name change", func(t *testing.T) {
			renamed := upd
			renamed.Metadata.Name = "checkout-v2"
			_, err := s.Update(ctx, ref, renamed)
			wantField(t, err, "metadata.name")
			_, err = s.Get(ctx, catalog.Ref{Kind: "Component", Namespace: "default", Name: "checkout-v2"})
			wantCode(t, err, apperr.NotFound)
		})
		t.Run("update refuses a namespace change", func(t *testing.T) {
			moved := upd
			moved.Metadata.Namespace = "ops"
			_, err := s.Update(ctx, ref, moved)
			wantField(t, err, "metadata.name")
		})
		t.Run("update refuses a kind change", func(t *testing.T) {
			_, err := s.Update(ctx, ref, ent("System", "checkout", map[string]any{"owner": "team-a"}))
			wantField(t, err, "metadata.name")
		})
		t.Run("update invalid", func(t *testing.T) {
			bad := component("checkout", "service", "production", "team-b", func(m *catalog.Metadata) { m.Tags = []string{"Bad Tag"} })
			_, err := s.Update(ctx, ref, bad)
			wantField(t, err, "metadata.tags[0]")
		})
		t.Run("update not found", func(t *testing.T) {
			_, err := s.Update(ctx, catalog.Ref{Kind: "Component", Namespace: "default", Name: "nope"}, component("nope", "service", "production", "team-a"))
			wantCode(t, err, apperr.NotFound)
		})
		t.Run("delete", func(t *testing.T) {
			if err := s.Delete(ctx, ref); err != nil {
				t.Fatal(err)
			}
			_, err := s.Get(ctx, ref)
			wantCode(t, err, apperr.NotFound)
			wantCode(t, s.Delete(ctx, ref), apperr.NotFound)
			// The namesakes of other kinds and namespaces stay.
			for _, other := range []string{"system:default/checkout", "component:finance/checkout"} {
				if _, err := s.Get(ctx, mustRef(t, other)); err != nil {
					t.Errorf("get %s after deleting %s: %v", other, ref, err)
				}
			}
		})
		t.Run("audit", func(t *testing.T) {
			entries := auditEntries(t, d, ref.Key())
			var actions []string
			for _, e := range entries {
				actions = append(actions, e.Action)
				if e.Actor != "user:tester" || e.RecordType != "entity" || e.RecordID != "component:default/checkout" {
					t.Errorf("%s: got actor %q record %s %s, want user:tester entity component:default/checkout", e.Action, e.Actor, e.RecordType, e.RecordID)
				}
			}
			if want := []string{"entity.delete", "entity.update", "entity.create"}; !reflect.DeepEqual(actions, want) {
				t.Fatalf("got actions %v, want %v (newest first)", actions, want)
			}
			del, update, create := entries[0], entries[1], entries[2]

			wantChange(t, create, "spec.owner", nil, "team-a")
			wantChange(t, create, "spec.type", nil, "service")
			wantChange(t, create, "metadata.title", nil, "Checkout")
			wantChange(t, create, "apiVersion", nil, catalog.APIVersion)
			wantChange(t, create, "metadata.tags", nil, []any{"java"})
			wantChange(t, create, "spec.dependsOn", nil, []any{"resource:orders-db"})

			wantChange(t, update, "spec.owner", "team-a", "team-b")
			wantChange(t, update, "metadata.description", nil, "Takes payments")
			wantChange(t, update, "metadata.tags", []any{"java"}, []any{"go"})
			wantChange(t, update, "metadata.labels", map[string]any{"tier": "one"}, nil)
			wantChange(t, update, "spec.dependsOn", []any{"resource:orders-db"}, nil)
			for _, same := range []string{"spec.type", "spec.lifecycle", "metadata.title", "apiVersion"} {
				if c, ok := update.Changes[same]; ok {
					t.Errorf("update: got change %s %v -> %v, want unchanged fields left out", same, c.Old, c.New)
				}
			}

			wantChange(t, del, "spec.owner", "team-b", nil)
			wantChange(t, del, "metadata.description", "Takes payments", nil)
			wantChange(t, del, "metadata.tags", []any{"go"}, nil)
		})
	})
}

// An update whose name differs only in case passes the reference check; it
// must then either be refused or store the new spelling, not report success
// and keep the old one.
func TestStoreUpdateNameCase(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := catalog.NewStore(d)
		mustCreate(t, s, component("checkout", "service", "production", "team-a"))
		ref := catalog.Ref{Kind: "Component", Namespace: "default", Name: "checkout"}
		got, err := s.Update(ctx, ref, component("Checkout", "service", "production", "team-a", func(m *catalog.Metadata) { m.Description = "new" }))
		if err != nil {
			wantField(t, err, "metadata.name")
			return
		}
		if got.Entity.Metadata.Name != "Checkout" {
			t.Errorf("got name %q after an update to %q that succeeded, want %q (or the update refused)", got.Entity.Metadata.Name, "Checkout", "Checkout")
		}
	})
}

// listFixture fills a store with entities that exercise every filter.
func listFixture(t *testing.T, d *db.DB) *catalog.Store {
	t.Helper()
	s := catalog.NewStore(d)
	ctx := context.Background()
	for _, e := range []catalog.Entity{
		ent("Group", "team-a", map[string]any{"type": "team"}),
		ent("Group", "team-b", map[string]any{"type": "team"}),
		ent("User", "alice", map[string]any{"memberOf": []any{"team-a"}}),
		component("checkout", "service", "production", "team-a", func(m *catalog.Metadata) {
			m.Title = "Checkout"
			m.Description = "Takes 100% of payments"
			m.Tags = []string{"java", "payments"}
		}),
		component("search_index", "library", "experimental", "team-b", func(m *catalog.Metadata) {
			m.Description = "Full text search"
			m.Tags = []string{"go"}
		}),
		component("searchXindex", "library", "deprecated", "user:alice", func(m *catalog.Metadata) {
			m.Description = "100 percent legacy"
			m.Tags = []string{"go"}
		}),
		component("billing", "service", "production", "group:default/team-b", func(m *catalog.Metadata) { m.Namespace = "finance" }),
		ent("API", "payments-api", map[string]any{"type": "openapi", "lifecycle": "production", "owner": "team-a",
			"definition": map[string]any{"$text": "https://example.com/payments.yaml"}}),
		ent("Resource", "orders-db", map[string]any{"type": "database", "owner": "team-a"}, func(m *catalog.Metadata) {
			m.Title = "ORDERS Database"
		}),
		ent("Location", "loc", map[string]any{"targets": []any{"./a.yaml"}}),
	} {
		mustCreate(t, s, e)
	}
	// An orphan: imported, then gone from its file.
	file := func(body string) fstest.MapFS { return fstest.MapFS{"cat.yaml": {Data: []byte(body)}} }
	const legacy = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: legacy\nspec:\n  type: service\n  lifecycle: deprecated\n  owner: team-b\n"
	const keep = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: keeper\nspec:\n  type: website\n  lifecycle: production\n  owner: team-b\n"
	if _, err := s.Import(ctx, file(legacy+"---\n"+keep), []string{"cat.yaml"}, catalog.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Import(ctx, file(keep), []string{"cat.yaml"}, catalog.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Orphaned != 1 {
		t.Fatalf("fixture: got %d orphaned, want 1", res.Orphaned)
	}
	return s
}

func TestStoreListFilters(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := listFixture(t, d)
		all := []string{"alice", "billing", "checkout", "keeper", "legacy", "orders-db", "payments-api", "searchXindex", "search_index", "team-a", "team-b"}
		tests := []struct {
			name string
			q    catalog.Query
			want []string
		}{
			{"no filter leaves out Locations", catalog.Query{}, all},
			{"kind", catalog.Query{Kind: "Component"}, []string{"billing", "checkout", "keeper", "legacy", "searchXindex", "search_index"}},
			{"kind in lower case", catalog.Query{Kind: "api"}, []string{"payments-api"}},
			{"kind Location", catalog.Query{Kind: "Location"}, []string{"loc"}},
			{"type", catalog.Query{Type: "library"}, []string{"searchXindex", "search_index"}},
			{"type of groups", catalog.Query{Type: "team"}, []string{"team-a", "team-b"}},
			{"owner short form", catalog.Query{Owner: "team-a"}, []string{"checkout", "orders-db", "payments-api"}},
			{"owner short form, other case", catalog.Query{Owner: "Team-A"}, []string{"checkout", "orders-db", "payments-api"}},
			{"owner full form", catalog.Query{Owner: "group:default/team-b"}, []string{"billing", "keeper", "legacy", "search_index"}},
			{"owner full form, upper-case kind", catalog.Query{Owner: "Group:default/team-b"}, []string{"billing", "keeper", "legacy", "search_index"}},
			{"owner a user", catalog.Query{Owner: "user:alice"}, []string{"searchXindex"}},
			{"owner nobody", catalog.Query{Owner: "team-z"}, nil},
			{"lifecycle", catalog.Query{Lifecycle: "production"}, []string{"billing", "checkout", "keeper", "payments-api"}},
			{"tag", catalog.Query{Tag: "go"}, []string{"searchXindex", "search_index"}},
			{"tag on one entity", catalog.Query{Tag: "payments"}, []string{"checkout"}},
			{"namespace", catalog.Query{Namespace: "finance"}, []string{"billing"}},
			{"search name, other case", catalog.Query{Search: "CHECK"}, []string{"checkout"}},
			{"search title, other case", catalog.Query{Search: "orders database"}, []string{"orders-db"}},
			{"search description", catalog.Query{Search: "full TEXT"}, []string{"search_index"}},
			{"search trimmed", catalog.Query{Search: "  checkout  "}, []string{"checkout"}},
			{"search percent literally", catalog.Query{Search: "%"}, []string{"checkout"}},
			{"search percent inside", catalog.Query{Search: "100%"}, []string{"checkout"}},
			{"search underscore literally", catalog.Query{Search: "h_i"}, []string{"search_index"}},
			{"search underscore alone", catalog.Query{Search: "_"}, []string{"search_index"}},
			{"search backslash literally", catalog.Query{Search: `\`}, nil},
			{"orphaned", catalog.Query{Orphaned: true}, []string{"legacy"}},
			{"combined", catalog.Query{Kind: "Component", Lifecycle: "production", Owner: "team-a"}, []string{"checkout"}},
			{"combined with nothing left", catalog.Query{Kind: "API", Tag: "go"}, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				p, err := s.List(context.Background(), tc.q)
				if err != nil {
					t.Fatal(err)
				}
				if got := names(p.Items); !reflect.DeepEqual(got, append([]string{}, tc.want...)) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
				if p.Total != len(tc.want) {
					t.Errorf("got total %d, want %d", p.Total, len(tc.want))
				}
				if p.NextCursor != "" {
					t.Errorf("got next cursor %q on the only page, want none", p.NextCursor)
				}
			})
		}
	})
}

func TestStoreListInvalidQuery(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := catalog.NewStore(d)
		mustCreate(t, s, component("checkout", "service", "production", "team-a"))
		tests := []struct {
			name  string
			q     catalog.Query
			field string
		}{
			{"unknown kind", catalog.Query{Kind: "Widget"}, "kind"},
			{"unknown sort", catalog.Query{Sort: "size"}, "sort"},
			{"unknown descending sort", catalog.Query{Sort: "-size"}, "sort"},
			{"limit too large", catalog.Query{Limit: catalog.MaxLimit + 1}, "limit"},
			{"negative limit", catalog.Query{Limit: -1}, "limit"},
			{"negative offset", catalog.Query{Offset: -1}, "offset"},
			{"offset and cursor", catalog.Query{Offset: 1, Cursor: "abc"}, "cursor"},
			{"cursor not base64", catalog.Query{Cursor: "not a cursor!"}, "cursor"},
			{"cursor not JSON", catalog.Query{Cursor: base64.RawURLEncoding.EncodeToString([]byte("{"))}, "cursor"},
			{"cursor with a number", catalog.Query{Cursor: base64.RawURLEncoding.EncodeToString([]byte(`{"v":5,"id":1}`))}, "cursor"},
			{"cursor without time for sort by update", catalog.Query{Sort: "-updated",
				Cursor: base64.RawURLEncoding.EncodeToString([]byte(`{"v":"checkout","id":1}`))}, "cursor"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.List(context.Background(), tc.q)
				wantField(t, err, tc.field)
			})
		}
	})
}

// sortKey is what List sorts by, computed independently of the store.
func sortKey(t *testing.T, r catalog.Record, col string) string {
	t.Helper()
	e := r.Entity
	switch col {
	case "name":
		return e.Metadata.Name
	case "kind":
		return e.Kind
	case "type":
		return e.Text("type")
	case "lifecycle":
		return e.Text("lifecycle")
	case "owner":
		if e.Text("owner") == "" {
			return ""
		}
		ref, err := catalog.ParseRef(e.Text("owner"), "Group", e.Metadata.Namespace)
		if err != nil {
			t.Fatalf("owner of %s: %v", e.Metadata.Name, err)
		}
		return ref.Key()
	case "updated":
		return r.UpdatedAt.UTC().Format(time.RFC3339)
	}
	t.Fatalf("unknown sort column %s", col)
	return ""
}

// wantOrder sorts recs as List should for sort, ties broken by ID.
func wantOrder(t *testing.T, recs []catalog.Record, sortBy string) []string {
	t.Helper()
	col := strings.TrimPrefix(sortBy, "-")
	desc := col != sortBy
	out := append([]catalog.Record{}, recs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := sortKey(t, out[i], col), sortKey(t, out[j], col)
		if a != b {
			return (a < b) != desc
		}
		return (out[i].ID < out[j].ID) != desc
	})
	return names(out)
}

var sorts = []string{"name", "-name", "kind", "-kind", "type", "-type", "owner", "-owner", "lifecycle", "-lifecycle", "updated", "-updated"}

func TestStoreListSort(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := listFixture(t, d)
		// One entity changed a second later than all others.
		time.Sleep(1100 * time.Millisecond)
		ref := catalog.Ref{Kind: "Resource", Namespace: "default", Name: "orders-db"}
		if _, err := s.Update(ctx, ref, ent("Resource", "orders-db", map[string]any{"type": "database", "owner": "team-b"})); err != nil {
			t.Fatal(err)
		}
		all, err := s.List(ctx, catalog.Query{Limit: catalog.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Items) != 11 {
			t.Fatalf("got %d entities, want 11", len(all.Items))
		}
		fixed := map[string][]string{
			"name": {"alice", "billing", "checkout", "keeper", "legacy", "orders-db", "payments-api", "searchXindex", "search_index", "team-a", "team-b"},
			// Ties keep the order of creation.
			"kind": {"payments-api", "checkout", "search_index", "searchXindex", "billing", "legacy", "keeper", "team-a", "team-b", "orders-db", "alice"},
		}
		for _, sortBy := range sorts {
			t.Run(sortBy, func(t *testing.T) {
				p, err := s.List(ctx, catalog.Query{Sort: sortBy, Limit: catalog.MaxLimit})
				if err != nil {
					t.Fatal(err)
				}
				got := names(p.Items)
				if want := wantOrder(t, all.Items, sortBy); !reflect.DeepEqual(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
				if want, ok := fixed[sortBy]; ok && !reflect.DeepEqual(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
				switch sortBy {
				case "updated":
					if got[len(got)-1] != "orders-db" {
						t.Errorf("got %v, want orders-db, updated last, at the end", got)
					}
				case "-updated":
					if got[0] != "orders-db" {
						t.Errorf("got %v, want orders-db, updated last, first", got)
					}
				}
			})
		}
	})
}

func TestStoreListOffset(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := listFixture(t, d)
		for _, sortBy := range []string{"name", "-owner"} {
			t.Run(sortBy, func(t *testing.T) {
				full, err := s.List(ctx, catalog.Query{Sort: sortBy, Limit: catalog.MaxLimit})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for offset := 0; offset < 20; offset += 3 {
					p, err := s.List(ctx, catalog.Query{Sort: sortBy, Limit: 3, Offset: offset})
					if err != nil {
						t.Fatal(err)
					}
					if p.Total != 11 {
						t.Errorf("offset %d: got total %d, want 11", offset, p.Total)
					}
					wantLen := min(3, max(0, 11-offset))
					if len(p.Items) != wantLen {
						t.Errorf("offset %d: got %d items, want %d", offset, len(p.Items), wantLen)
					}
					if (p.NextCursor != "") != (offset+3 < 11) {
						t.Errorf("offset %d: got next cursor %q, want one only when more follow", offset, p.NextCursor)
					}
					got = append(got, names(p.Items)...)
				}
				if want := names(full.Items); !reflect.DeepEqual(got, want) {
					t.Errorf("got pages %v, want %v", got, want)
				}
			})
		}
	})
}

func TestStoreListCursor(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := catalog.NewStore(d)
		const n = 120
		// Created out of name order, so that IDs and names disagree.
		order := rand.New(rand.NewSource(1)).Perm(n)
		owners := []string{"team-a", "team-b", "user:alice", "group:ops/team-c"}
		lifecycles := []string{"production", "experimental", "deprecated"}
		types := []string{"service", "library", "website", "service", "service"}
		for _, i := range order {
			mustCreate(t, s, component(fmt.Sprintf("svc-%03d", i), types[i%len(types)], lifecycles[i%len(lifecycles)], owners[i%len(owners)]))
		}
		// A third updated a second later, so that update times differ and
		// tie, and pages sorted by update end on updated entities.
		time.Sleep(1100 * time.Millisecond)
		for i := 0; i < n; i += 3 {
			name := fmt.Sprintf("svc-%03d", i)
			e := component(name, types[i%len(types)], lifecycles[i%len(lifecycles)], owners[i%len(owners)], func(m *catalog.Metadata) { m.Description = "changed" })
			if _, err := s.Update(ctx, catalog.Ref{Kind: "Component", Namespace: "default", Name: name}, e); err != nil {
				t.Fatal(err)
			}
		}
		for _, sortBy := range sorts {
			t.Run(sortBy, func(t *testing.T) {
				full, err := s.List(ctx, catalog.Query{Sort: sortBy, Limit: catalog.MaxLimit})
				if err != nil {
					t.Fatal(err)
				}
				if want := wantOrder(t, full.Items, sortBy); !reflect.DeepEqual(names(full.Items), want) {
					t.Fatalf("got order %v, want %v", names(full.Items), want)
				}
				seen := map[string]int{}
				var got []string
				q := catalog.Query{Sort: sortBy, Limit: 25}
				pages := 0
				for {
					p, err := s.List(ctx, q)
					if err != nil {
						t.Fatalf("page %d: %v", pages+1, err)
					}
					pages++
					if p.Total != n {
						t.Errorf("page %d: got total %d, want %d", pages, p.Total, n)
					}
					for _, name := range names(p.Items) {
						seen[name]++
						got = append(got, name)
					}
					if p.NextCursor == "" {
						break
					}
					if pages > n {
						t.Fatalf("got more than %d pages, want the listing to end", n)
					}
					q.Cursor = p.NextCursor
				}
				if pages != 5 {
					t.Errorf("got %d pages, want 5 (4 of 25 and 1 of 20)", pages)
				}
				if len(seen) != n {
					t.Errorf("got %d distinct entities, want %d", len(seen), n)
				}
				for name, c := range seen {
					if c != 1 {
						t.Errorf("%s: visited %d times, want once", name, c)
					}
				}
				if want := names(full.Items); !reflect.DeepEqual(got, want) {
					t.Errorf("got pages in order %v, want %v", got, want)
				}
			})
		}
		t.Run("first page by update ends on an updated entity", func(t *testing.T) {
			p, err := s.List(ctx, catalog.Query{Sort: "-updated", Limit: 25})
			if err != nil {
				t.Fatal(err)
			}
			if last := p.Items[len(p.Items)-1]; last.UpdatedAt.Equal(last.CreatedAt) {
				t.Errorf("got %s (never updated) last on the first page, want an updated entity so that the cursor's time matters", last.Entity.Metadata.Name)
			}
		})
		t.Run("cursor with a filter", func(t *testing.T) {
			q := catalog.Query{Owner: "team-a", Sort: "-updated", Limit: 7}
			count := 0
			for {
				p, err := s.List(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range p.Items {
					if r.Entity.Text("owner") != "team-a" {
						t.Errorf("got %s owned by %s, want team-a", r.Entity.Metadata.Name, r.Entity.Text("owner"))
					}
				}
				count += len(p.Items)
				if p.NextCursor == "" {
					break
				}
				q.Cursor = p.NextCursor
			}
			if count != n/4 {
				t.Errorf("got %d entities, want %d", count, n/4)
			}
		})
		t.Run("cursor from another sort", func(t *testing.T) {
			p, err := s.List(ctx, catalog.Query{Sort: "name", Limit: 25})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.List(ctx, catalog.Query{Sort: "-updated", Limit: 25, Cursor: p.NextCursor})
			wantField(t, err, "cursor")
		})
	})
}

func TestStoreSummarize(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := catalog.NewStore(d)
		for _, e := range []catalog.Entity{
			ent("Group", "big", map[string]any{"type": "team", "members": []any{"u1", "u2"}}, func(m *catalog.Metadata) { m.Title = "Big Team" }),
			ent("Group", "small", map[string]any{"type": "team", "members": []any{"u1"},
				"profile": map[string]any{"displayName": "The Small Team"}}),
			ent("Group", "empty", map[string]any{"type": "team"}),
			// u1 repeats big's members list; u3 joins big from its side.
			ent("User", "u1", map[string]any{"memberOf": []any{"big"}}),
			ent("User", "u2", nil),
			ent("User", "u3", map[string]any{"memberOf": []any{"big"}}),
			component("owned", "service", "production", "big"),
			component("unowned", "service", "production", "ghost-team"),
			ent("System", "sys", map[string]any{"owner": "user:u1"}),
			ent("API", "api-x", map[string]any{"type": "grpc", "lifecycle": "experimental", "owner": "small",
				"system": "missing-system", "definition": "syntax = \"proto3\";"}),
			ent("Location", "loc", map[string]any{"target": "./x.yaml"}),
		} {
			if e.Metadata.Name == "owned" {
				e.Spec["dependsOn"] = []any{"resource:missing-db", "system:sys"}
			}
			mustCreate(t, s, e)
		}
		files := func(body string) fstest.MapFS { return fstest.MapFS{"c.yaml": {Data: []byte(body)}} }
		legacy := "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: legacy\nspec:\n  type: service\n  lifecycle: production\n  owner: big\n"
		if _, err := s.Import(ctx, files(legacy), []string{"c.yaml"}, catalog.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, files("# emptied\n"), []string{"c.yaml"}, catalog.ImportOptions{}); err != nil {
			t.Fatal(err)
		}

		sum, err := s.Summarize(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("by kind", func(t *testing.T) {
			want := map[string]int{"Group": 3, "User": 3, "Component": 3, "System": 1, "API": 1}
			if !reflect.DeepEqual(sum.ByKind, want) {
				t.Errorf("got %v, want %v", sum.ByKind, want)
			}
		})
		t.Run("by lifecycle", func(t *testing.T) {
			want := map[string]int{"production": 3, "experimental": 1}
			if !reflect.DeepEqual(sum.ByLifecycle, want) {
				t.Errorf("got %v, want %v", sum.ByLifecycle, want)
			}
		})
		t.Run("unowned", func(t *testing.T) {
			if got, want := names(sum.Unowned), []string{"unowned"}; !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
		t.Run("orphaned", func(t *testing.T) {
			if got, want := names(sum.Orphaned), []string{"legacy"}; !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
		t.Run("unresolved", func(t *testing.T) {
			var got []string
			for _, r := range sum.Unresolved {
				got = append(got, r.Source.String()+" "+r.Type+" "+r.TargetRef)
				if r.Resolved {
					t.Errorf("%+v: got resolved, want unresolved", r)
				}
			}
			want := []string{
				"api:default/api-x partOf system:default/missing-system",
				"component:default/owned dependsOn resource:default/missing-db",
				"component:default/unowned ownedBy group:default/ghost-team",
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
		t.Run("teams", func(t *testing.T) {
			var got []string
			for _, tm := range sum.Teams {
				got = append(got, fmt.Sprintf("%s %q members=%d owns=%d", tm.RefText, tm.Title, tm.Members, tm.Owns))
			}
			want := []string{
				`group:default/big "Big Team" members=3 owns=2`,
				`group:default/small "The Small Team" members=1 owns=1`,
				`group:default/empty "empty" members=0 owns=0`,
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			teams, err := s.Teams(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(teams, sum.Teams) {
				t.Errorf("Teams: got %+v, want %+v", teams, sum.Teams)
			}
		})
	})
}

func TestStoreSummarizeEmpty(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		sum, err := catalog.NewStore(d).Summarize(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.ByKind) != 0 || len(sum.ByLifecycle) != 0 || len(sum.Unowned) != 0 || len(sum.Orphaned) != 0 ||
			len(sum.Unresolved) != 0 || len(sum.Teams) != 0 {
			t.Errorf("got %+v, want an empty summary", sum)
		}
	})
}

func TestStoreFacets(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := listFixture(t, d)
		f, err := s.Facets(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := catalog.Facets{
			Types:      []string{"database", "library", "openapi", "service", "team", "website"},
			Lifecycles: []string{"deprecated", "experimental", "production"},
			Owners:     []string{"group:default/team-a", "group:default/team-b", "user:default/alice"},
			Tags:       []string{"go", "java", "payments"},
		}
		if !reflect.DeepEqual(*f, want) {
			t.Errorf("got %+v, want %+v", *f, want)
		}
	})
}

func TestStoreRelations(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := catalog.NewStore(d)
		web := component("web", "website", "production", "team-a")
		web.Spec["dependsOn"] = []any{"resource:DB"}
		web.Spec["consumesApis"] = []any{"orders-api"}
		mustCreate(t, s, web)
		webRef := catalog.Ref{Kind: "Component", Namespace: "default", Name: "web"}
		dbRef := catalog.Ref{Kind: "Resource", Namespace: "default", Name: "db"}

		rels := func(t *testing.T, ref catalog.Ref) []string {
			t.Helper()
			list, err := s.Relations(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range list {
				state := "unresolved"
				if r.Resolved {
					state = "resolved " + r.TargetTitle
				}
				if r.Source.Key() != ref.Key() {
					t.Errorf("%+v: got source %s, want %s", r, r.Source, ref)
				}
				out = append(out, r.Type+" "+r.TargetRef+" "+state)
			}
			return out
		}
		check := func(t *testing.T, ref catalog.Ref, want []string) {
			t.Helper()
			if got := rels(t, ref); !reflect.DeepEqual(got, want) {
				t.Errorf("relations of %s: got %v, want %v", ref, got, want)
			}
		}

		t.Run("before the target exists", func(t *testing.T) {
			check(t, webRef, []string{
				"consumesApi api:default/orders-api unresolved",
				"dependsOn resource:default/db unresolved",
				"ownedBy group:default/team-a unresolved",
			})
			// The inverse is known even for an entity not in the catalog.
			check(t, dbRef, []string{"dependencyOf component:default/web resolved web"})
		})
		t.Run("after the target is created", func(t *testing.T) {
			mustCreate(t, s, ent("Resource", "db", map[string]any{"type": "database", "owner": "team-a"}, func(m *catalog.Metadata) { m.Title = "Orders DB" }))
			mustCreate(t, s, ent("Group", "team-a", map[string]any{"type": "team", "profile": map[string]any{"displayName": "Team A"}}))
			check(t, webRef, []string{
				"consumesApi api:default/orders-api unresolved",
				"dependsOn resource:default/db resolved Orders DB",
				"ownedBy group:default/team-a resolved Team A",
			})
			check(t, dbRef, []string{
				"dependencyOf component:default/web resolved web",
				"ownedBy group:default/team-a resolved Team A",
			})
			check(t, catalog.Ref{Kind: "Group", Namespace: "default", Name: "team-a"}, []string{
				"ownerOf component:default/web resolved web",
				"ownerOf resource:default/db resolved Orders DB",
			})
			got, err := s.Get(ctx, webRef)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range got.Relations {
				if r.Type == "dependsOn" && (!r.Resolved || r.Target != dbRef) {
					t.Errorf("Get: got %+v, want dependsOn resolved to %+v", r, dbRef)
				}
			}
		})
		t.Run("after the target is deleted", func(t *testing.T) {
			if err := s.Delete(ctx, dbRef); err != nil {
				t.Fatal(err)
			}
			check(t, webRef, []string{
				"consumesApi api:default/orders-api unresolved",
				"dependsOn resource:default/db unresolved",
				"ownedBy group:default/team-a resolved Team A",
			})
			// What db declared went with it; what web declared stays.
			check(t, dbRef, []string{"dependencyOf component:default/web resolved web"})
			check(t, catalog.Ref{Kind: "Group", Namespace: "default", Name: "team-a"}, []string{
				"ownerOf component:default/web resolved web",
			})
		})
		t.Run("after the source is deleted", func(t *testing.T) {
			if err := s.Delete(ctx, webRef); err != nil {
				t.Fatal(err)
			}
			check(t, webRef, nil)
			check(t, dbRef, nil)
		})
	})
}

// Search ignores case for every letter, not only ASCII, in name, title and
// description alike, and both engines agree.
func TestStoreListSearchNonASCIICase(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := catalog.NewStore(d)
		mustCreate(t, s, component("zurich", "service", "production", "team-a", func(m *catalog.Metadata) {
			m.Title = "Über Zürich"
			m.Description = "ÄRGER-Meldungen"
		}))
		for _, q := range []string{"über", "ÜBER", "zürich", "ZÜRICH", "ärger", "Ärger"} {
			t.Run(q, func(t *testing.T) {
				p, err := s.List(context.Background(), catalog.Query{Search: q})
				if err != nil {
					t.Fatal(err)
				}
				if got := names(p.Items); !reflect.DeepEqual(got, []string{"zurich"}) {
					t.Errorf("search %q: got %v, want [zurich]", q, got)
				}
			})
		}
	})
}
