package delivery

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

var testCtx = audit.WithActor(context.Background(), audit.Actor{Name: "test"})

// t0 is a Monday, so weeks in tests start on it.
var t0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func at(hours float64) time.Time { return t0.Add(time.Duration(hours * float64(time.Hour))) }

// newTestStore returns a store with components "pay" (team-a, system shop,
// repository acme/pay) and "web" (team-b).
func newTestStore(t *testing.T, d *db.DB) *Store {
	t.Helper()
	cat := catalog.NewStore(d)
	for _, c := range []struct{ name, owner, system, repo string }{
		{"pay", "group:default/team-a", "shop", "acme/pay"},
		{"web", "group:default/team-b", "", ""},
	} {
		e := catalog.Entity{APIVersion: catalog.APIVersion, Kind: "Component", Metadata: catalog.Metadata{Name: c.name},
			Spec: map[string]any{"type": "service", "lifecycle": "production", "owner": c.owner}}
		if c.system != "" {
			e.Spec["system"] = c.system
		}
		if c.repo != "" {
			e.Metadata.Annotations = map[string]string{catalog.AnnotationGitHubSlug: c.repo}
		}
		if _, err := cat.Create(testCtx, e); err != nil {
			t.Fatalf("create component %s: %v", c.name, err)
		}
	}
	s := NewStore(d, cat)
	s.now = func() time.Time { return at(24 * 30) }
	return s
}

// sha makes a 40-digit SHA from a short name.
func sha(name string) string { return fmt.Sprintf("%040x", []byte(name)) }

func commit(component, name string, hours float64, parents ...string) ChangeInput {
	c := ChangeInput{Component: component, SHA: sha(name), AuthoredAt: at(hours), Title: name}
	for _, p := range parents {
		c.Parents = append(c.Parents, sha(p))
	}
	return c
}

func deploy(component, id, head string, hours float64, result string) DeploymentInput {
	return DeploymentInput{Component: component, Environment: "production", SHA: sha(head), ExternalID: id,
		StartedAt: at(hours - 0.1), FinishedAt: at(hours), Result: result}
}

func mustIngest(t *testing.T, s *Store, b Batch) IngestResult {
	t.Helper()
	r, err := s.Ingest(testCtx, b)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return r
}

func mustDeployment(t *testing.T, s *Store, component, id string) Deployment {
	t.Helper()
	var d Deployment
	var err error
	d, err = scanDeployment(s.db.Read().QueryRowContext(testCtx, `SELECT `+deploymentColumns+` FROM delivery_deployments
		WHERE component_ref = $1 AND external_id = $2`, "component:default/"+component, id))
	if err != nil {
		t.Fatalf("read deployment %s: %v", id, err)
	}
	return d
}

func count(t *testing.T, s *Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.Read().QueryRowContext(testCtx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func window(fromHours, toHours float64) Window { return Window{Start: at(fromHours), End: at(toHours)} }

func f64(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%g", *v)
}

func itoa64(v int64) string { return strconv.FormatInt(v, 10) }

func zero() time.Time { return time.Time{} }
