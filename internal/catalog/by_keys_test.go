package catalog_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestByKeys(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := catalog.NewStore(d)
		mustCreate(t, s, component("checkout", "service", "production", "payments"))
		mustCreate(t, s, component("Ledger", "service", "experimental", "payments"))
		mustCreate(t, s, ent("Group", "payments", map[string]any{"type": "team", "children": []any{}}))

		got, err := s.ByKeys(ctx, []string{"component:default/checkout", "component:default/ledger", "group:default/payments",
			"component:default/gone", "component:default/checkout", ""})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range got {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if want := []string{"component:default/checkout", "component:default/ledger", "group:default/payments"}; !slices.Equal(keys, want) {
			t.Fatalf("got keys %v, want %v", keys, want)
		}
		if e := got["component:default/ledger"].Entity; e.Metadata.Name != "Ledger" || e.Text("lifecycle") != "experimental" || e.Text("owner") != "payments" {
			t.Errorf("got ledger %+v, want Ledger, experimental, owned by payments", e)
		}
		if none, err := s.ByKeys(ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("no keys: got %v, %v; want an empty map", none, err)
		}
	})
}

// More keys than one query takes are read in several.
func TestByKeysMany(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := catalog.NewStore(d)
		var keys []string
		for i := 0; i < 1200; i++ {
			keys = append(keys, fmt.Sprintf("component:default/c%d", i))
		}
		mustCreate(t, s, component("c7", "service", "production", "payments"))
		mustCreate(t, s, component("c1100", "service", "production", "payments"))
		got, err := s.ByKeys(ctx, keys)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got["component:default/c1100"].Entity.Metadata.Name != "c1100" {
			t.Errorf("got %d records, want c7 and c1100", len(got))
		}
	})
}
