package audit_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

var base = time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)

// seedEntry is one entry the tests write, at base + hour hours.
type seedEntry struct {
	actor, action, recordType, recordID string
	hour                                int
	changes                             map[string]audit.Change
}

// seedEntries are written in this order, so their ids ascend with the index.
var seedEntries = []seedEntry{
	0: {"user:ana@example.com", "user.create", "user", "ana@example.com", 0, map[string]audit.Change{"email": {New: "ana@example.com"}}},
	1: {"user:ana@example.com", "user.update", "user", "bob@example.com", 1, map[string]audit.Change{"role": {Old: "viewer", New: "editor"}}},
	2: {"user:bob@example.com", "token.create", "token", "7", 2, map[string]audit.Change{"name": {New: "ci"}}},
	3: {"token:7 (ci)", "entity.update", "entity", "component:default/checkout", 3, map[string]audit.Change{"title": {Old: "Checkout", New: "Checkout API"}, "tags": {Old: nil, New: `["go"]`}}},
	4: {"cli:root", "user.disable", "user", "bob@example.com", 4, map[string]audit.Change{"disabled": {Old: false, New: true}}},
	5: {"system", "entity.delete", "entity", "component:default/legacy", 5, nil},
	6: {"user_admin", "user.update", "user", "ana@example.com", 6, map[string]audit.Change{"role": {Old: "editor", New: "admin"}}},
	7: {"userXadmin", "user.update", "user", "ana@example.com", 7, map[string]audit.Change{"role": {Old: "admin", New: "viewer"}}},
	8: {"ops%team", "entity.update", "entity", "component:default/checkout", 8, map[string]audit.Change{"n": {Old: 1.0, New: 2.5}}},
	9: {"opsXteam", "entity.update", "entity", "component:default/checkout", 9, map[string]audit.Change{}},
}

func at(hour int) time.Time { return base.Add(time.Duration(hour) * time.Hour) }

// seed records each entry through audit.Record with its actor in the
// context, then moves it to its time. It returns the ids by index.
func seed(t *testing.T, d *db.DB, entries []seedEntry) []int64 {
	t.Helper()
	ids := make([]int64, len(entries))
	for i, e := range entries {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: e.actor})
		err := d.Write(ctx, func(tx *db.Tx) error {
			if err := audit.Record(ctx, tx, e.action, e.recordType, e.recordID, e.changes); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM audit_log`).Scan(&ids[i]); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE audit_log SET at = $1 WHERE id = $2`, at(e.hour), ids[i])
			return err
		})
		if err != nil {
			t.Fatalf("seed entry %d: %v", i, err)
		}
	}
	return ids
}

func list(t *testing.T, d *db.DB, f audit.Filter) ([]audit.Entry, int64) {
	t.Helper()
	es, next, err := audit.NewStore(d).List(context.Background(), f)
	if err != nil {
		t.Fatalf("List(%+v): got error %v, want nil", f, err)
	}
	return es, next
}

// idsOf returns the entries' ids.
func idsOf(es []audit.Entry) []int64 {
	out := []int64{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// pick returns the ids of the seeded entries at the indexes, in the order given.
func pick(ids []int64, idx ...int) []int64 {
	out := []int64{}
	for _, i := range idx {
		out = append(out, ids[i])
	}
	return out
}

func TestListReturnsEntries(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ids := seed(t, d, seedEntries)
		es, next := list(t, d, audit.Filter{})
		if want := pick(ids, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0); !reflect.DeepEqual(idsOf(es), want) {
			t.Fatalf("ids newest first: got %v, want %v", idsOf(es), want)
		}
		if next != 0 {
			t.Errorf("next cursor with everything on one page: got %d, want 0", next)
		}
		for i, e := range es {
			s := seedEntries[len(seedEntries)-1-i]
			t.Run(fmt.Sprintf("entry %d", len(seedEntries)-1-i), func(t *testing.T) {
				got := []string{e.Actor, e.Action, e.RecordType, e.RecordID}
				want := []string{s.actor, s.action, s.recordType, s.recordID}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("(actor, action, record type, record id): got %q, want %q", got, want)
				}
				if !e.At.Equal(at(s.hour)) || e.At.Location() != time.UTC {
					t.Errorf("At: got %v, want %v in UTC", e.At, at(s.hour))
				}
				wantChanges := s.changes
				if wantChanges == nil {
					wantChanges = map[string]audit.Change{}
				}
				if !reflect.DeepEqual(e.Changes, wantChanges) {
					t.Errorf("Changes: got %#v, want %#v", e.Changes, wantChanges)
				}
			})
		}
	})
}

func TestListFilters(t *testing.T) {
	plus530 := time.FixedZone("+05:30", 5*3600+1800)
	cases := []struct {
		name string
		f    audit.Filter
		want []int // seed indexes, newest first
	}{
		{"no filter", audit.Filter{}, []int{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"actor exact", audit.Filter{Actor: "user:ana@example.com"}, []int{1, 0}},
		{"actor exact is not a prefix", audit.Filter{Actor: "user:ana"}, []int{}},
		{"actor exact with underscore", audit.Filter{Actor: "user_admin"}, []int{6}},
		{"actor exact with space and parens", audit.Filter{Actor: "token:7 (ci)"}, []int{3}},
		{"actor unknown", audit.Filter{Actor: "user:nobody@example.com"}, []int{}},
		{"actor prefix user:*", audit.Filter{Actor: "user:*"}, []int{2, 1, 0}},
		{"actor prefix narrower", audit.Filter{Actor: "user:ana*"}, []int{1, 0}},
		{"actor prefix that is a whole name", audit.Filter{Actor: "system*"}, []int{5}},
		{"actor prefix underscore is literal", audit.Filter{Actor: "user_*"}, []int{6}},
		{"actor prefix percent is literal", audit.Filter{Actor: "ops%*"}, []int{8}},
		{"actor prefix star alone matches all", audit.Filter{Actor: "*"}, []int{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"record type", audit.Filter{RecordType: "entity"}, []int{9, 8, 5, 3}},
		{"record type token", audit.Filter{RecordType: "token"}, []int{2}},
		{"record type and id", audit.Filter{RecordType: "user", RecordID: "bob@example.com"}, []int{4, 1}},
		{"record type and id of another type", audit.Filter{RecordType: "entity", RecordID: "bob@example.com"}, []int{}},
		{"record id alone", audit.Filter{RecordID: "ana@example.com"}, []int{7, 6, 0}},
		{"record id in another case", audit.Filter{RecordID: "Component:Default/Checkout"}, []int{9, 8, 3}},
		{"record id is exact", audit.Filter{RecordID: "component:default/check"}, []int{}},
		{"since is inclusive", audit.Filter{Since: at(7)}, []int{9, 8, 7}},
		{"until is exclusive", audit.Filter{Until: at(2)}, []int{1, 0}},
		{"since and until", audit.Filter{Since: at(2), Until: at(5)}, []int{4, 3, 2}},
		{"one-second range", audit.Filter{Since: at(3), Until: at(3).Add(time.Second)}, []int{3}},
		{"since half a second before an entry", audit.Filter{Since: at(8).Add(-500 * time.Millisecond)}, []int{9, 8}},
		{"since half a second after an entry", audit.Filter{Since: at(8).Add(500 * time.Millisecond)}, []int{9}},
		{"until half a second after an entry", audit.Filter{Until: at(1).Add(500 * time.Millisecond)}, []int{1, 0}},
		{"since in another time zone", audit.Filter{Since: at(7).In(plus530)}, []int{9, 8, 7}},
		{"until in another time zone", audit.Filter{Until: at(2).In(plus530)}, []int{1, 0}},
		{"since after everything", audit.Filter{Since: at(10)}, []int{}},
		{"until before everything", audit.Filter{Until: at(0)}, []int{}},
		{"actor prefix and record type", audit.Filter{Actor: "user*", RecordType: "user"}, []int{7, 6, 1, 0}},
		{"actor and time", audit.Filter{Actor: "user:*", Since: at(1), Until: at(2)}, []int{1}},
		{"every filter at once", audit.Filter{Actor: "ops*", RecordType: "entity", RecordID: "component:default/checkout", Since: at(8), Until: at(10)}, []int{9, 8}},
	}
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ids := seed(t, d, seedEntries)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				es, next := list(t, d, tc.f)
				if want := pick(ids, tc.want...); !reflect.DeepEqual(idsOf(es), want) {
					t.Errorf("ids: got %v, want %v (seed indexes %v)", idsOf(es), want, tc.want)
				}
				if next != 0 {
					t.Errorf("next: got %d, want 0", next)
				}
			})
		}
		t.Run("before", func(t *testing.T) {
			cases := []struct {
				name string
				f    audit.Filter
				want []int
			}{
				{"before an entry", audit.Filter{Before: ids[3]}, []int{2, 1, 0}},
				{"before the first", audit.Filter{Before: ids[0]}, []int{}},
				{"before past the last", audit.Filter{Before: ids[9] + 1}, []int{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
				{"before with an actor", audit.Filter{Before: ids[2], Actor: "user:*"}, []int{1, 0}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					es, _ := list(t, d, tc.f)
					if want := pick(ids, tc.want...); !reflect.DeepEqual(idsOf(es), want) {
						t.Errorf("ids: got %v, want %v", idsOf(es), want)
					}
				})
			}
		})
	})
}

func TestListActorIsCaseSensitive(t *testing.T) {
	// An exact actor matches case-sensitively on both engines; a prefix must
	// too, or the same filter answers differently on SQLite and PostgreSQL.
	entries := []seedEntry{
		{"user:ana@example.com", "user.update", "user", "ana@example.com", 0, nil},
		{"USER:shout@example.com", "user.update", "user", "ana@example.com", 1, nil},
	}
	cases := []struct {
		name string
		f    audit.Filter
		want []int
	}{
		{"exact", audit.Filter{Actor: "user:shout@example.com"}, []int{}},
		{"exact in its own case", audit.Filter{Actor: "USER:shout@example.com"}, []int{1}},
		{"prefix", audit.Filter{Actor: "user:*"}, []int{0}},
		{"prefix in upper case", audit.Filter{Actor: "USER:*"}, []int{1}},
	}
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ids := seed(t, d, entries)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				es, _ := list(t, d, tc.f)
				if want := pick(ids, tc.want...); !reflect.DeepEqual(idsOf(es), want) {
					t.Errorf("ids for actor %q: got %v, want %v", tc.f.Actor, idsOf(es), want)
				}
			})
		}
	})
}

func TestListPaging(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ids := seed(t, d, seedEntries[:7])
		cases := []struct {
			name  string
			f     audit.Filter
			pages [][]int // seed indexes per page
		}{
			{"limit 3 over 7", audit.Filter{Limit: 3}, [][]int{{6, 5, 4}, {3, 2, 1}, {0}}},
			{"limit 1", audit.Filter{Limit: 1}, [][]int{{6}, {5}, {4}, {3}, {2}, {1}, {0}}},
			{"limit 6 over 7", audit.Filter{Limit: 6}, [][]int{{6, 5, 4, 3, 2, 1}, {0}}},
			{"limit equal to the count", audit.Filter{Limit: 7}, [][]int{{6, 5, 4, 3, 2, 1, 0}}},
			{"limit above the count", audit.Filter{Limit: 500}, [][]int{{6, 5, 4, 3, 2, 1, 0}}},
			{"with a filter", audit.Filter{Limit: 2, RecordType: "user"}, [][]int{{6, 4}, {1, 0}}},
			{"starting from a cursor", audit.Filter{Limit: 2, Before: ids[5]}, [][]int{{4, 3}, {2, 1}, {0}}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				f := tc.f
				for p, want := range tc.pages {
					es, next := list(t, d, f)
					if w := pick(ids, want...); !reflect.DeepEqual(idsOf(es), w) {
						t.Fatalf("page %d: got ids %v, want %v", p+1, idsOf(es), w)
					}
					last := p == len(tc.pages)-1
					switch {
					case last && next != 0:
						t.Fatalf("page %d (last): got next %d, want 0", p+1, next)
					case !last && next != es[len(es)-1].ID:
						t.Fatalf("page %d: got next %d, want the last id on the page %d", p+1, next, es[len(es)-1].ID)
					}
					f.Before = next
				}
			})
		}
	})
}

func TestListDefaultLimit(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: "cli:import"})
		const n = 51
		if err := d.Write(ctx, func(tx *db.Tx) error {
			w := audit.NewWriter(ctx, tx)
			for i := range n {
				if err := w.Add(ctx, "entity.create", "entity", fmt.Sprintf("component:default/c%02d", i), nil); err != nil {
					return err
				}
			}
			return w.Flush(ctx)
		}); err != nil {
			t.Fatalf("write %d entries: %v", n, err)
		}
		es, next := list(t, d, audit.Filter{})
		if len(es) != 50 {
			t.Fatalf("entries with the default limit: got %d, want 50", len(es))
		}
		if next != es[49].ID {
			t.Errorf("next: got %d, want %d", next, es[49].ID)
		}
		rest, next2 := list(t, d, audit.Filter{Before: next})
		if len(rest) != 1 || rest[0].RecordID != "component:default/c00" || next2 != 0 {
			t.Errorf("second page: got %d entries (first %+v), next %d; want 1 entry c00, next 0", len(rest), rest, next2)
		}
	})
}

func TestFilterValidate(t *testing.T) {
	cases := []struct {
		name      string
		f         audit.Filter
		field     string // "" when valid
		wantLimit int
	}{
		{"zero filter gets the default limit", audit.Filter{}, "", 50},
		{"limit 1", audit.Filter{Limit: 1}, "", 1},
		{"limit 500", audit.Filter{Limit: 500}, "", 500},
		{"limit 501", audit.Filter{Limit: 501}, "limit", 0},
		{"limit -1", audit.Filter{Limit: -1}, "limit", 0},
		{"since only", audit.Filter{Since: at(1)}, "", 50},
		{"until only", audit.Filter{Until: at(1)}, "", 50},
		{"until one second after since", audit.Filter{Since: at(1), Until: at(1).Add(time.Second)}, "", 50},
		{"until equal to since", audit.Filter{Since: at(1), Until: at(1)}, "until", 0},
		{"until before since", audit.Filter{Since: at(2), Until: at(1)}, "until", 0},
		{"until equal to since in another zone", audit.Filter{Since: at(1), Until: at(1).In(time.FixedZone("x", 3600))}, "until", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			err := f.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: got error %v, want nil", err)
				}
				if f.Limit != tc.wantLimit {
					t.Errorf("Limit after Validate: got %d, want %d", f.Limit, tc.wantLimit)
				}
				return
			}
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid || e.Field != tc.field {
				t.Errorf("Validate: got %v (%#v), want invalid field %q", err, e, tc.field)
			}
		})
	}
	// List refuses the same filters before touching the database.
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		for _, tc := range cases {
			if tc.field == "" {
				continue
			}
			t.Run(tc.name, func(t *testing.T) {
				es, next, err := audit.NewStore(d).List(context.Background(), tc.f)
				if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || e.Field != tc.field {
					t.Errorf("List: got error %v, want invalid field %q", err, tc.field)
				}
				if es != nil || next != 0 {
					t.Errorf("List on error: got %d entries and next %d, want none and 0", len(es), next)
				}
			})
		}
	})
}

func TestRecordActor(t *testing.T) {
	cases := []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"user", audit.WithActor(context.Background(), audit.Actor{Name: "user:test@example.com"}), "user:test@example.com"},
		{"token", audit.WithActor(context.Background(), audit.Actor{Name: "token:7 (ci)"}), "token:7 (ci)"},
		{"no actor is system", context.Background(), "system"},
		{"empty actor is system", audit.WithActor(context.Background(), audit.Actor{}), "system"},
	}
	for _, tc := range cases {
		t.Run("ActorFrom/"+tc.name, func(t *testing.T) {
			if got := audit.ActorFrom(tc.ctx).Name; got != tc.want {
				t.Errorf("ActorFrom: got %q, want %q", got, tc.want)
			}
		})
	}
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				rid := "record-" + tc.name
				if err := d.Write(tc.ctx, func(tx *db.Tx) error {
					return audit.Record(tc.ctx, tx, "thing.create", "thing", rid, nil)
				}); err != nil {
					t.Fatal(err)
				}
				es, _ := list(t, d, audit.Filter{RecordType: "thing", RecordID: rid})
				if len(es) != 1 || es[0].Actor != tc.want {
					t.Fatalf("entries for %s: got %+v, want one by %q", rid, es, tc.want)
				}
				if es, _ := list(t, d, audit.Filter{Actor: tc.want, RecordID: rid}); len(es) != 1 {
					t.Errorf("entries by actor %q: got %d, want 1", tc.want, len(es))
				}
			})
		}
	})
}

func TestWriterSharesTransaction(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: "cli:import"})
		errStop := errors.New("stop")
		cases := []struct {
			name     string
			fail     bool
			wantKept int
		}{
			{"committed", false, 3},
			{"rolled back", true, 0},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				rtype := "batch-" + tc.name
				before := time.Now()
				err := d.Write(ctx, func(tx *db.Tx) error {
					w := audit.NewWriter(ctx, tx)
					for i := range 3 {
						if err := w.Add(ctx, "entity.create", rtype, fmt.Sprint(i), map[string]audit.Change{"i": {New: float64(i)}}); err != nil {
							return err
						}
					}
					if tc.fail {
						return errStop
					}
					return w.Flush(ctx)
				})
				if tc.fail != errors.Is(err, errStop) || (!tc.fail && err != nil) {
					t.Fatalf("Write: got error %v, want fail=%v", err, tc.fail)
				}
				es, _ := list(t, d, audit.Filter{RecordType: rtype})
				if len(es) != tc.wantKept {
					t.Fatalf("entries kept: got %d, want %d", len(es), tc.wantKept)
				}
				for i, e := range es {
					wantID := fmt.Sprint(len(es) - 1 - i)
					if e.Actor != "cli:import" || e.RecordID != wantID || !e.At.Equal(es[0].At) {
						t.Errorf("entry %d: got actor %q record %q at %v, want cli:import, %s, at %v", i, e.Actor, e.RecordID, e.At, wantID, es[0].At)
					}
					if got := e.Changes["i"].New; got != float64(len(es)-1-i) {
						t.Errorf("entry %d change i: got %v, want %d", i, got, len(es)-1-i)
					}
					if e.At.Before(before.Truncate(time.Second)) || e.At.After(time.Now()) {
						t.Errorf("entry %d At: got %v, want about now", i, e.At)
					}
				}
			})
		}
	})
}
