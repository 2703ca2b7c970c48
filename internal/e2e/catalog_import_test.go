package e2e

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

const uploadYAML = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: uploaded
  tags: [go]
spec:
  type: service
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Bad_Name!
spec:
  type: service
  lifecycle: production
  owner: team-a
`

type importOut struct {
	Entities, Created, Updated, Unchanged, Orphaned int
	Problems                                        []struct {
		File    string
		Line    int
		Message string
	}
}

func TestCatalogImportAndExportOverHTTP(t *testing.T) {
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		session, api := s.adminToken(t)

		t.Run("api import reports the bad document by line and keeps the good one", func(t *testing.T) {
			r := api.send(http.MethodPost, "/api/v1/catalog/import?source=team-a.yaml", "application/yaml", uploadYAML)
			if r.Status != http.StatusOK {
				t.Fatalf("got %d, want 200\n%s", r.Status, r.Body)
			}
			var out importOut
			if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
				t.Fatal(err)
			}
			if out.Created != 1 || len(out.Problems) != 1 {
				t.Fatalf("got %+v, want 1 created and 1 problem", out)
			}
			if p := out.Problems[0]; p.File != "team-a.yaml" || p.Line != 14 || !strings.Contains(p.Message, "metadata.name") {
				t.Errorf("got problem %+v, want team-a.yaml line 14 naming metadata.name", p)
			}
			if _, r := getEntity(t, api, "component/default/uploaded"); r.Status != http.StatusOK {
				t.Errorf("imported entity: got %d, want 200", r.Status)
			}
			again := api.send(http.MethodPost, "/api/v1/catalog/import?source=team-a.yaml", "application/yaml", uploadYAML)
			var second importOut
			_ = json.Unmarshal([]byte(again.Body), &second)
			if second.Created != 0 || second.Updated != 0 || second.Unchanged != 1 {
				t.Errorf("second import: got %+v, want 1 unchanged", second)
			}
		})

		t.Run("bad input changes nothing", func(t *testing.T) {
			wantAPIError(t, "empty body", api.send(http.MethodPost, "/api/v1/catalog/import", "application/yaml", "  \n"), 422, "invalid", "file")
			wantAPIError(t, "bad source", api.send(http.MethodPost, "/api/v1/catalog/import?source=../x", "application/yaml", uploadYAML), 422, "invalid", "source")
		})

		t.Run("a viewer cannot import but can export", func(t *testing.T) {
			viewer := s.addUser(t, "viewer@example.com", "viewer")
			r := viewer.send(http.MethodPost, "/api/v1/catalog/import", "application/yaml", uploadYAML)
			if r.Status != http.StatusForbidden {
				t.Errorf("viewer import: got %d, want 403", r.Status)
			}
			exp := viewer.get("/api/v1/catalog/export")
			if exp.Status != http.StatusOK || !strings.Contains(exp.Body, "name: uploaded") || !strings.HasPrefix(exp.Header.Get("Content-Type"), "application/yaml") {
				t.Errorf("export: got %d %q\n%s", exp.Status, exp.Header.Get("Content-Type"), exp.Body)
			}
		})

		t.Run("the web form imports an uploaded file", func(t *testing.T) {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", "web.yaml")
			_, _ = fw.Write([]byte(strings.ReplaceAll(uploadYAML, "uploaded", "from-web")))
			_ = mw.Close()
			r := session.send(http.MethodPost, "/catalog/import", mw.FormDataContentType(), body.String())
			if r.Status != http.StatusOK || !strings.Contains(r.Body, "Imported web.yaml") || !strings.Contains(r.Body, "web.yaml:14") {
				t.Fatalf("form import: got %d\n%.2000s", r.Status, r.Body)
			}
			if _, r := getEntity(t, api, "component/default/from-web"); r.Status != http.StatusOK {
				t.Errorf("entity from the form: got %d, want 200", r.Status)
			}
			empty := session.send(http.MethodPost, "/catalog/import", "application/x-www-form-urlencoded", "source=x")
			if empty.Status != http.StatusUnprocessableEntity || !strings.Contains(empty.Body, "multipart") {
				t.Errorf("form without a file: got %d, want 422 naming multipart\n%.500s", empty.Status, empty.Body)
			}
		})
	})
}
