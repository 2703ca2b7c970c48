package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/catalog"
)

// The radar's usage sync runs after the catalog import has committed; when
// it fails the import is still answered as done, with the failure as a
// problem line.
func TestCatalogImportSurvivesUsageSyncFailure(t *testing.T) {
	f := newRadarFixture(t)
	f.exec(t, `DROP TABLE radar_usage`)
	yaml := "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: storefront, tags: [go]}\nspec: {type: website, lifecycle: production, owner: payments}\n"
	r := f.send(t, http.MethodPost, "/api/v1/catalog/import?source=shop.yaml", "application/yaml", yaml)
	if r.status != http.StatusOK {
		t.Fatalf("import: got status %d, want 200\n%s", r.status, r.body)
	}
	var res catalog.ImportResult
	if err := json.Unmarshal([]byte(r.body), &res); err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 {
		t.Errorf("got %d created, want 1", res.Created)
	}
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "technology-usage") {
		t.Errorf("got problems %+v, want one saying to link technologies again", res.Problems)
	}
	if _, err := f.s.catalog.Get(f.ctx, catalog.Ref{Kind: "Component", Namespace: "default", Name: "storefront"}); err != nil {
		t.Errorf("storefront after the import: %v", err)
	}
}
