package notify_test

import (
	"context"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/notify"
)

func route(t *testing.T, d *db.DB, m notify.Message) int {
	t.Helper()
	var n int
	err := d.Write(context.Background(), func(tx *db.Tx) error {
		var err error
		n, err = notify.Route(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatalf("Route %s: %v", m.EventKey, err)
	}
	return n
}

// outbox returns the channel names each event key was enqueued for.
func outbox(t *testing.T, d *db.DB) map[string][]string {
	t.Helper()
	es, _, err := notify.NewOutbox(d).List(context.Background(), notify.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, e := range es {
		out[e.EventKey] = append(out[e.EventKey], e.Channel)
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

func message(key string, kind notify.Kind, severity, team string) notify.Message {
	return notify.Message{
		EventKey: key, Kind: kind, Severity: severity, Team: team,
		Title: "checkout is " + string(kind), Entity: "component:default/checkout",
		URL: "http://127.0.0.1:8080/monitors/12", At: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC),
	}
}

func TestRoute(t *testing.T) {
	channels := []notify.ChannelInput{
		{Name: "all", Type: "webhook", Settings: notify.Settings{URL: "http://127.0.0.1:1/all"}},
		{Name: "payments", Type: "webhook", Settings: notify.Settings{URL: "http://127.0.0.1:1/p"}, Teams: []string{"payments"}},
		{Name: "payments-or-sre", Type: "webhook", Settings: notify.Settings{URL: "http://127.0.0.1:1/ps"}, Teams: []string{"payments", "group:platform/sre"}},
		{Name: "critical", Type: "webhook", Settings: notify.Settings{URL: "http://127.0.0.1:1/c"}, MinSeverity: "critical"},
		{Name: "major-payments", Type: "webhook", Settings: notify.Settings{URL: "http://127.0.0.1:1/mp"}, MinSeverity: "major", Teams: []string{"payments"}},
		{Name: "recovery", Type: "webhook", Settings: notify.Settings{URL: "http://127.0.0.1:1/r"}, SendRecovery: true},
		{Name: "reminders", Type: "webhook", Settings: notify.Settings{URL: "http://127.0.0.1:1/rem"}, ReminderEvery: dur.Duration(time.Hour)},
	}
	cases := []struct {
		name string
		m    notify.Message
		want []string
	}{
		{"minor without team", message("e1", notify.KindDown, "minor", ""),
			[]string{"all", "recovery", "reminders"}},
		{"minor for payments", message("e2", notify.KindDown, "minor", "group:default/payments"),
			[]string{"all", "payments", "payments-or-sre", "recovery", "reminders"}},
		{"major for payments", message("e3", notify.KindDown, "major", "group:default/payments"),
			[]string{"all", "major-payments", "payments", "payments-or-sre", "recovery", "reminders"}},
		{"critical for payments", message("e4", notify.KindIncidentOpened, "critical", "group:default/payments"),
			[]string{"all", "critical", "major-payments", "payments", "payments-or-sre", "recovery", "reminders"}},
		{"no severity counts as minor", message("e5", notify.KindIncidentUpdated, "", "group:default/payments"),
			[]string{"all", "payments", "payments-or-sre", "recovery", "reminders"}},
		{"team in another case and short form", message("e6", notify.KindDown, "minor", "Group:platform/SRE"),
			[]string{"all", "payments-or-sre", "recovery", "reminders"}},
		{"other team", message("e7", notify.KindDown, "critical", "group:default/search"),
			[]string{"all", "critical", "recovery", "reminders"}},
		{"up only where recovery is wanted", message("e8", notify.KindUp, "critical", "group:default/payments"),
			[]string{"recovery"}},
		{"reminder only where reminders are wanted", func() notify.Message {
			// Another entity: checkout had its down message just now.
			m := message("e9", notify.KindReminder, "minor", "")
			m.Entity = "component:default/search"
			return m
		}(), []string{"reminders"}},
	}
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := notify.NewStore(d)
		for _, in := range channels {
			mustCreate(t, s, in)
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if n := route(t, d, tc.m); n != len(tc.want) {
					t.Errorf("Route: got %d enqueued, want %d", n, len(tc.want))
				}
				if got := outbox(t, d)[tc.m.EventKey]; !reflect.DeepEqual(got, tc.want) {
					t.Errorf("channels: got %v, want %v", got, tc.want)
				}
			})
		}
	})
}

func TestRouteIsIdempotent(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		mustCreate(t, notify.NewStore(d), webhookInput("ops"))
		m := message("monitor:12:down:2026-11-28T02:00:00Z", notify.KindDown, "major", "")
		if n := route(t, d, m); n != 1 {
			t.Fatalf("first Route: got %d enqueued, want 1", n)
		}
		m.Title = "a retried caller with a new title"
		if n := route(t, d, m); n != 0 {
			t.Errorf("second Route: got %d enqueued, want 0", n)
		}
		if got := outbox(t, d)[m.EventKey]; !reflect.DeepEqual(got, []string{"ops"}) {
			t.Errorf("outbox rows: got %v, want one for ops", got)
		}
		c, err := notify.NewOutbox(d).Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if c != (notify.OutboxCounts{Pending: 1}) {
			t.Errorf("Counts: got %+v, want 1 pending", c)
		}
	})
}

func TestRouteSpacesReminders(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		in := webhookInput("ops")
		in.ReminderEvery = dur.Duration(time.Hour)
		mustCreate(t, notify.NewStore(d), in)
		other := message("other:down", notify.KindDown, "major", "")
		other.Entity = "component:default/search"

		steps := []struct {
			name string
			m    notify.Message
			age  time.Duration // moves every stored message this far back first
			want int
		}{
			{"down", message("m:down", notify.KindDown, "major", ""), 0, 1},
			{"another entity is down", other, 0, 1},
			{"reminder right after the down", message("m:rem:1", notify.KindReminder, "major", ""), 0, 0},
			{"reminder 61 minutes later", message("m:rem:2", notify.KindReminder, "major", ""), 61 * time.Minute, 1},
			{"reminder soon after a reminder", message("m:rem:3", notify.KindReminder, "major", ""), 30 * time.Minute, 0},
			{"reminder an hour after the reminder", message("m:rem:4", notify.KindReminder, "major", ""), 31 * time.Minute, 1},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				if st.age > 0 {
					err := d.Write(context.Background(), func(tx *db.Tx) error {
						rows, err := tx.QueryContext(context.Background(), `SELECT id, created_at FROM notify_outbox`)
						if err != nil {
							return err
						}
						ages := map[int64]time.Time{}
						for rows.Next() {
							var id int64
							var at time.Time
							if err := rows.Scan(&id, &at); err != nil {
								rows.Close()
								return err
							}
							ages[id] = at.UTC().Add(-st.age)
						}
						rows.Close()
						for id, at := range ages {
							if _, err := tx.ExecContext(context.Background(), `UPDATE notify_outbox SET created_at = $1 WHERE id = $2`, at, id); err != nil {
								return err
							}
						}
						return rows.Err()
					})
					if err != nil {
						t.Fatal(err)
					}
				}
				if n := route(t, d, st.m); n != st.want {
					t.Errorf("Route %s: got %d enqueued, want %d", st.m.EventKey, n, st.want)
				}
			})
		}
	})
}

func TestRouteAndEnqueueRefuse(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustCreate(t, notify.NewStore(d), webhookInput("ops"))
		cases := []struct {
			name  string
			edit  func(m *notify.Message)
			field string
		}{
			{"no event key", func(m *notify.Message) { m.EventKey = "" }, "event_key"},
			{"unknown kind", func(m *notify.Message) { m.Kind = "exploded" }, "kind"},
			{"unknown severity", func(m *notify.Message) { m.Severity = "urgent" }, "severity"},
			{"no title", func(m *notify.Message) { m.Title = " " }, "title"},
			{"reminder without entity", func(m *notify.Message) { m.Kind = notify.KindReminder; m.Entity = "" }, "entity"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				m := message("bad", notify.KindDown, "major", "")
				tc.edit(&m)
				err := d.Write(ctx, func(tx *db.Tx) error { _, err := notify.Route(ctx, tx, m); return err })
				wantCode(t, "Route", err, apperr.Invalid, tc.field)
				err = d.Write(ctx, func(tx *db.Tx) error { return notify.Enqueue(ctx, tx, c.ID, m) })
				wantCode(t, "Enqueue", err, apperr.Invalid, tc.field)
			})
		}
		err := d.Write(ctx, func(tx *db.Tx) error {
			return notify.Enqueue(ctx, tx, c.ID+100, message("x", notify.KindTest, "", ""))
		})
		wantCode(t, "Enqueue to a missing channel", err, apperr.NotFound, "")
		if got := outbox(t, d); len(got) != 0 {
			t.Errorf("outbox after refusals: got %v, want empty", got)
		}
	})
}

func TestEnqueueIgnoresRouting(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		in := webhookInput("ops")
		in.MinSeverity = "critical"
		in.Teams = []string{"payments"}
		c := mustCreate(t, notify.NewStore(d), in)
		for range 2 {
			if err := d.Write(ctx, func(tx *db.Tx) error {
				return notify.Enqueue(ctx, tx, c.ID, message("test:1", notify.KindTest, "", ""))
			}); err != nil {
				t.Fatal(err)
			}
		}
		if got := outbox(t, d)["test:1"]; !reflect.DeepEqual(got, []string{"ops"}) {
			t.Errorf("outbox: got %v, want one row for ops", got)
		}
		if _, err := notify.NewStore(d).SendTest(ctx, "ops"); err != nil {
			t.Fatal(err)
		}
		_, err := notify.NewStore(d).SendTest(ctx, "nobody")
		wantCode(t, "SendTest to a missing channel", err, apperr.NotFound, "")
		if got := len(outbox(t, d)); got != 2 {
			t.Errorf("outbox events after SendTest: got %d, want 2", got)
		}
	})
}

func TestOutboxList(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := notify.NewStore(d)
		mustCreate(t, s, webhookInput("a"))
		mustCreate(t, s, webhookInput("b"))
		for _, k := range []string{"e1", "e2", "e3"} {
			route(t, d, message(k, notify.KindDown, "major", ""))
		}
		// Mark one sent and one failed by hand; the deliverer tests cover
		// how they get there.
		err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET sent_at = $1, attempts = 1 WHERE event_key = 'e1'`, db.Now()); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET failed_at = $1, attempts = 9, last_error = 'status 500' WHERE event_key = 'e2' AND channel_id = (SELECT id FROM notify_channels WHERE name = 'a')`, db.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		o := notify.NewOutbox(d)
		cases := []struct {
			name string
			f    notify.OutboxFilter
			want []string // event/channel/status, newest first
		}{
			{"all", notify.OutboxFilter{}, []string{"e3/b/pending", "e3/a/pending", "e2/b/pending", "e2/a/failed", "e1/b/sent", "e1/a/sent"}},
			{"channel", notify.OutboxFilter{Channel: "a"}, []string{"e3/a/pending", "e2/a/failed", "e1/a/sent"}},
			{"pending", notify.OutboxFilter{Status: notify.StatusPending}, []string{"e3/b/pending", "e3/a/pending", "e2/b/pending"}},
			{"sent", notify.OutboxFilter{Status: notify.StatusSent}, []string{"e1/b/sent", "e1/a/sent"}},
			{"failed on a", notify.OutboxFilter{Status: notify.StatusFailed, Channel: "a"}, []string{"e2/a/failed"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				es, next, err := o.List(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, e := range es {
					got = append(got, e.EventKey+"/"+e.Channel+"/"+e.Status)
				}
				if !reflect.DeepEqual(got, tc.want) || next != 0 {
					t.Errorf("List: got %v next %d, want %v next 0", got, next, tc.want)
				}
			})
		}
		page, next, err := o.List(ctx, notify.OutboxFilter{Limit: 4})
		if err != nil || len(page) != 4 || next != page[3].ID {
			t.Fatalf("first page: got %d entries, next %d, err %v; want 4 and the last id", len(page), next, err)
		}
		rest, next2, err := o.List(ctx, notify.OutboxFilter{Limit: 4, Before: next})
		if err != nil || len(rest) != 2 || next2 != 0 {
			t.Errorf("second page: got %d entries, next %d, err %v; want 2 and 0", len(rest), next2, err)
		}
		failed, _, _ := o.List(ctx, notify.OutboxFilter{Status: notify.StatusFailed})
		if len(failed) != 1 || failed[0].Attempts != 9 || failed[0].LastError != "status 500" || failed[0].FailedAt == nil {
			t.Errorf("failed entry: got %+v, want attempts 9, last error and failed_at", failed)
		}
		_, _, err = o.List(ctx, notify.OutboxFilter{Status: "lost"})
		wantCode(t, "List with a bad status", err, apperr.Invalid, "status")
		_, _, err = o.List(ctx, notify.OutboxFilter{Limit: 501})
		wantCode(t, "List with a bad limit", err, apperr.Invalid, "limit")

		c, err := o.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := (notify.OutboxCounts{Pending: 3, Sent: 2, Failed: 1}); c != want {
			t.Errorf("Counts: got %+v, want %+v", c, want)
		}
	})
}
