package catalog_test

import (
	"context"
	"slices"
	"testing"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// Counts and filter values are cached per catalog version; a change made
// through another store (another process or replica) must show at once.
func TestCachedReadsFollowChanges(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		reader, writer := catalog.NewStore(d), catalog.NewStore(d)
		mustCreate(t, writer, component("one", "service", "production", "team-a"))
		count := func() int {
			t.Helper()
			p, err := reader.List(ctx, catalog.Query{Kind: "Component", Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			return p.Total
		}
		types := func() []string {
			t.Helper()
			f, err := reader.Facets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return f.Types
		}
		if got := count(); got != 1 {
			t.Fatalf("got %d components, want 1", got)
		}
		if got := types(); !slices.Equal(got, []string{"service"}) {
			t.Fatalf("got types %v, want [service]", got)
		}
		mustCreate(t, writer, component("two", "website", "production", "team-a"))
		if got := count(); got != 2 {
			t.Errorf("after a create through another store: got %d components, want 2", got)
		}
		if got := types(); !slices.Equal(got, []string{"service", "website"}) {
			t.Errorf("after a create through another store: got types %v, want [service website]", got)
		}
		if err := writer.Delete(ctx, catalog.Ref{Kind: "Component", Namespace: "default", Name: "one"}); err != nil {
			t.Fatal(err)
		}
		if got := count(); got != 1 {
			t.Errorf("after a delete: got %d components, want 1", got)
		}
	})
}
