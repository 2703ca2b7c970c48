package radar

import (
	"context"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

var testCtx = audit.WithActor(context.Background(), audit.Actor{Name: "test"})

// newTestStore returns a store over d.
func newTestStore(tb testing.TB, d *db.DB) *Store {
	tb.Helper()
	return NewStore(d, catalog.NewStore(d))
}

// addEntity puts an entity in the catalog; edits adjust its metadata.
func addEntity(tb testing.TB, s *Store, kind, name string, spec map[string]any, edits ...func(m *catalog.Metadata)) {
	tb.Helper()
	e := catalog.Entity{APIVersion: catalog.APIVersion, Kind: kind, Metadata: catalog.Metadata{Name: name}, Spec: spec}
	for _, edit := range edits {
		edit(&e.Metadata)
	}
	if _, err := s.catalog.Create(testCtx, e); err != nil {
		tb.Fatalf("create %s %s: %v", kind, name, err)
	}
}

func addComponent(tb testing.TB, s *Store, name, owner, lifecycle string, edits ...func(m *catalog.Metadata)) {
	tb.Helper()
	addEntity(tb, s, "Component", name, map[string]any{"type": "service", "lifecycle": lifecycle, "owner": owner}, edits...)
}

func addGroup(tb testing.TB, s *Store, name string) {
	tb.Helper()
	addEntity(tb, s, "Group", name, map[string]any{"type": "team", "children": []any{}})
}

func addUser(tb testing.TB, s *Store, name string) {
	tb.Helper()
	addEntity(tb, s, "User", name, map[string]any{"memberOf": []any{}})
}

func mustTech(tb testing.TB, s *Store, name, quadrant, ring string) Technology {
	tb.Helper()
	t, err := s.CreateTechnology(testCtx, TechnologyInput{Name: name, Quadrant: quadrant, Ring: ring})
	if err != nil {
		tb.Fatalf("create technology %s: %v", name, err)
	}
	return t
}

// mustTechAt creates a technology whose first decision was at.
func mustTechAt(tb testing.TB, s *Store, name, quadrant, ring string, at time.Time) Technology {
	tb.Helper()
	t, err := s.CreateTechnology(testCtx, TechnologyInput{Name: name, Quadrant: quadrant, Ring: ring, DecidedAt: at})
	if err != nil {
		tb.Fatalf("create technology %s: %v", name, err)
	}
	return t
}

func mustMove(tb testing.TB, s *Store, name, ring string, at time.Time) RingChange {
	tb.Helper()
	c, err := s.ChangeRing(testCtx, name, RingChangeInput{Ring: ring, DecidedAt: at, DecidedBy: "architecture board", Reason: "test"})
	if err != nil {
		tb.Fatalf("move %s to %s: %v", name, ring, err)
	}
	return c
}

// wantCode checks that err carries code and, when field is not empty,
// names field.
func wantCode(tb testing.TB, err error, code apperr.Code, field string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got no error, want %s", code)
	}
	if got := apperr.CodeOf(err); got != code {
		tb.Fatalf("got error code %s (%v), want %s", got, err, code)
	}
	if field != "" {
		if got := apperr.As(err).Field; got != field {
			tb.Fatalf("got field %q (%v), want %q", got, err, field)
		}
	}
}

// auditCount counts audit entries for a record.
func auditCount(tb testing.TB, d *db.DB, recordType, recordID string) int {
	tb.Helper()
	var n int
	if err := d.QueryRow(testCtx, `SELECT COUNT(*) FROM audit_log WHERE record_type = $1 AND record_id = $2`, recordType, recordID).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func countRows(tb testing.TB, d *db.DB, table string) int {
	tb.Helper()
	var n int
	if err := d.QueryRow(testCtx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func date(s string) time.Time {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}
