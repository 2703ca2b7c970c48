package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestLeases(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		take := func(holder string, ttl time.Duration) bool {
			t.Helper()
			ok, err := d.TryLease(ctx, "work", holder, ttl)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !take("a", 300*time.Millisecond) {
			t.Fatal("got a free lease refused, want it taken")
		}
		if take("b", time.Minute) {
			t.Fatal("got a held lease taken by another, want it refused")
		}
		if !take("a", 300*time.Millisecond) {
			t.Fatal("got the holder's renewal refused")
		}
		time.Sleep(400 * time.Millisecond) // a stops renewing: the lease expires
		if !take("b", time.Minute) {
			t.Fatal("got an expired lease refused, want it taken over")
		}
		if take("a", time.Minute) {
			t.Fatal("got the old holder back in while the new one holds it")
		}
		if err := d.ReleaseLease(ctx, "work", "b"); err != nil {
			t.Fatal(err)
		}
		if !take("a", time.Minute) {
			t.Fatal("got a released lease refused")
		}
	})
}
