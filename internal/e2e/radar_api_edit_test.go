package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestRadarAPIEdits: a technology edited without tags answers "tags": [],
// a date sent with an offset keeps its day, and a decision file whose name
// holds a backslash is refused.
func TestRadarAPIEdits(t *testing.T) {
	skipShort(t)
	engines(t, func(t *testing.T, dbArgs []string) {
		srv := startServer(t, dbArgs)
		c := srv.setupAdmin(t)

		mustJSON(t, c, http.MethodPost, "/api/v1/radar/technologies", obj{"name": "Go", "quadrant": "Tools", "ring": "Adopt", "tags": []string{"backend"}},
			http.StatusCreated, nil)
		r := mustJSON(t, c, http.MethodPut, "/api/v1/radar/technologies/go", obj{"name": "Go", "quadrant": "Tools"}, http.StatusOK, nil)
		if !strings.Contains(r.Body, `"tags":[]`) {
			t.Errorf("update without tags: got %s, want \"tags\": []", r.Body)
		}
		r = mustJSON(t, c, http.MethodGet, "/api/v1/radar/technologies/go", nil, http.StatusOK, nil)
		if !strings.Contains(r.Body, `"tags":[]`) {
			t.Errorf("read after an update without tags: got %s, want \"tags\": []", r.Body)
		}

		var dec obj
		mustJSON(t, c, http.MethodPost, "/api/v1/decisions", obj{"title": "Use Go", "status": "accepted", "date": "2025-03-31T00:00:00+02:00"},
			http.StatusCreated, &dec)
		if got, _ := dec["date"].(string); !strings.HasPrefix(got, "2025-03-31") {
			t.Errorf("decision date sent as 2025-03-31T00:00:00+02:00: got %v, want 2025-03-31", dec["date"])
		}

		r = c.send(http.MethodPost, `/api/v1/decisions/import?file=0007-..%5C..%5Cevil.md`, "text/markdown", "# 7. Evil\n\n## Status\n\nAccepted\n")
		wantAPIError(t, "a file name with a backslash", r, http.StatusUnprocessableEntity, "invalid", "file")
	})
}
