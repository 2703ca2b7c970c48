package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestTechnologyUsageOnImport imports descriptors that declare technologies
// (a tag and the chief.dev/technologies annotation), through the API and
// the CLI, and checks that the radar knows who uses what.
func TestTechnologyUsageOnImport(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	_, api := s.adminToken(t)
	mustJSON(t, api, http.MethodPost, "/api/v1/radar/technologies", obj{"name": "Go", "quadrant": "Languages & Frameworks", "ring": "Adopt"}, http.StatusCreated, nil)
	mustJSON(t, api, http.MethodPost, "/api/v1/radar/technologies", obj{"name": "Node.js", "quadrant": "Platforms", "ring": "Hold"}, http.StatusCreated, nil)

	yaml := `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  tags: [go, payments]
spec: {type: service, lifecycle: production, owner: payments}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: storefront
  annotations:
    chief.dev/technologies: "nodejs, Cobol"
spec: {type: website, lifecycle: production, owner: payments}
`
	req, _ := http.NewRequest(http.MethodPost, api.base+"/api/v1/catalog/import?source=catalog.yaml", strings.NewReader(yaml))
	req.Header.Set("Content-Type", "application/yaml")
	if r := api.do(req); r.Status != http.StatusOK {
		t.Fatalf("import: got %d\n%s", r.Status, r.Body)
	}
	users := func(tech string) []string {
		t.Helper()
		var out []struct{ Entity string }
		mustJSON(t, api, http.MethodGet, "/api/v1/radar/technologies/"+tech+"/users", nil, http.StatusOK, &out)
		var keys []string
		for _, u := range out {
			keys = append(keys, u.Entity)
		}
		return keys
	}
	if got := users("go"); len(got) != 1 || got[0] != "component:default/checkout" {
		t.Errorf("users of Go after the API import: got %v, want checkout (its tag)", got)
	}
	if got := users("nodejs"); len(got) != 1 || got[0] != "component:default/storefront" {
		t.Errorf("users of Node.js after the API import: got %v, want storefront (its annotation)", got)
	}

	// The CLI import links too, and names what is not on the radar.
	file := writeFile(t, "catalog-info.yaml", strings.Replace(yaml, "tags: [go, payments]", "tags: [payments]", 1))
	out, err := s.cli(t, "", "import", "backstage", file)
	if err != nil {
		t.Fatalf("import backstage: %v\n%s", err, out)
	}
	if !strings.Contains(out, "1 removed") || !strings.Contains(out, "component:default/storefront: Cobol") {
		t.Errorf("CLI import: got\n%s\nwant the Go link removed and Cobol reported as not on the radar", out)
	}
	if got := users("go"); len(got) != 0 {
		t.Errorf("users of Go after its tag was dropped: got %v, want none", got)
	}
}
