package reliability

import (
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

const monitorsFile = `monitors:
  - name: checkout-api
    entity: component:default/checkout
    type: http
    target: http://127.0.0.1:9/health
    interval: 30s
    timeout: 5s
    conditions:
      - "[STATUS] == 200"
      - "[BODY].status == UP"
    failure_threshold: 3
  - name: checkout-db
    entity: checkout
    type: tcp
    target: 127.0.0.1:5432
`

func TestMonitorsFileImport(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout")
		list, err := ParseMonitorsFile(strings.NewReader(monitorsFile), "monitors.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[1].Line != 12 || list[0].Input.Timeout.D().Seconds() != 5 {
			t.Fatalf("got %+v, want 2 monitors, the second on line 12, timeout 5s", list)
		}
		res, err := s.ImportMonitors(testCtx, list, "file:/repo/monitors.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Created) != 2 {
			t.Fatalf("got %+v, want 2 created", res)
		}
		again, _ := ParseMonitorsFile(strings.NewReader(monitorsFile), "monitors.yaml")
		res, err = s.ImportMonitors(testCtx, again, "file:/repo/monitors.yaml")
		if err != nil || len(res.Unchanged) != 2 || len(res.Created)+len(res.Updated)+len(res.Deleted) != 0 {
			t.Fatalf("got %+v (%v) on a second import, want 2 unchanged", res, err)
		}
		audits := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE record_type = 'monitor'`)
		if audits != 2 {
			t.Fatalf("got %d audit entries, want 2 (the second import wrote none)", audits)
		}
		shorter, _ := ParseMonitorsFile(strings.NewReader(strings.Replace(monitorsFile, "failure_threshold: 3", "failure_threshold: 2", 1)[:strings.Index(monitorsFile, "  - name: checkout-db")]), "monitors.yaml")
		res, err = s.ImportMonitors(testCtx, shorter, "file:/repo/monitors.yaml")
		if err != nil || strings.Join(res.Updated, ",") != "checkout-api" || strings.Join(res.Deleted, ",") != "checkout-db" {
			t.Fatalf("got %+v (%v), want checkout-api updated and checkout-db deleted", res, err)
		}
	})
}

func TestMonitorsFileErrors(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d, "checkout")
		cases := []struct {
			name, file, want string
		}{
			{"unknown key", "monitors:\n  - name: a\n    entity: checkout\n    type: http\n    targt: http://127.0.0.1:9/\n", `monitors.yaml:5: monitors[0]: unknown key "targt"`},
			{"not a list", "monitors: {}\n", "monitors must be a list"},
			{"bad duration", "monitors:\n  - name: a\n    interval: soon\n", "monitors.yaml:2: monitors[0]"},
			{"top-level key", "monitor: []\n", `monitors.yaml:1: unknown key "monitor"`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := ParseMonitorsFile(strings.NewReader(c.file), "monitors.yaml")
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("got %v, want an error containing %q", err, c.want)
				}
			})
		}
		bad := strings.Replace(monitorsFile, `"[BODY].status == UP"`, `"[BODY].status = UP"`, 1)
		list, err := ParseMonitorsFile(strings.NewReader(bad), "monitors.yaml")
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportMonitors(testCtx, list, "file:/repo/monitors.yaml")
		e := apperr.As(err)
		if e == nil || e.Field != "conditions[1]" || !strings.Contains(e.Message, "monitors.yaml:2:") {
			t.Fatalf("got %v, want an error on conditions[1] at monitors.yaml:2", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM monitors`); n != 0 {
			t.Fatalf("got %d monitors after a failed import, want 0", n)
		}
	})
}
