package reliability

import (
	"context"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

var testCtx = audit.WithActor(context.Background(), audit.Actor{Name: "test"})

// newTestStore returns a store over d with components the tests use.
func newTestStore(t *testing.T, d *db.DB, components ...string) *Store {
	t.Helper()
	cat := catalog.NewStore(d)
	for _, name := range components {
		e := catalog.Entity{APIVersion: catalog.APIVersion, Kind: "Component", Metadata: catalog.Metadata{Name: name},
			Spec: map[string]any{"type": "service", "lifecycle": "production", "owner": "group:default/payments"}}
		if _, err := cat.Create(testCtx, e); err != nil {
			t.Fatalf("create component %s: %v", name, err)
		}
	}
	return NewStore(d, cat)
}

func httpMonitor(name, entity string) MonitorInput {
	return MonitorInput{Name: name, Entity: entity, Interval: dur.Duration(30 * time.Second),
		Settings: probe.Settings{Type: "http", Target: "http://127.0.0.1:9/health"}}
}

func mustMonitor(t *testing.T, s *Store, in MonitorInput) Monitor {
	t.Helper()
	m, err := s.CreateMonitor(testCtx, in)
	if err != nil {
		t.Fatalf("create monitor %s: %v", in.Name, err)
	}
	m, err = s.Monitor(testCtx, m.Name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// feed writes results through a recorder as the engine would.
func feed(t *testing.T, r *recorder, results ...Result) {
	t.Helper()
	if err := r.write(testCtx, results); err != nil {
		t.Fatalf("write results: %v", err)
	}
}

func result(m Monitor, at time.Time, ok bool, latency time.Duration) Result {
	r := Result{MonitorID: m.ID, Planned: at, At: at, OK: ok}
	r.Phases.Total = latency
	if !ok {
		r.Err = "connection refused"
	}
	return r
}

func newTestRecorder(t *testing.T, s *Store) *recorder {
	t.Helper()
	r := newRecorder(s, nopLogger(), nil, &outboxAlerter{store: s, baseURL: "http://chief.test"})
	if err := r.load(testCtx); err != nil {
		t.Fatal(err)
	}
	return r
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(testCtx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
