package delivery

import (
	"sync"
	"testing"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// TestIngesterGroupsAndRollsUp sends deliveries at once, some refused by
// the database, and checks that the others are stored, counted, and seen
// by the keys at once although the ingester rolls up later.
func TestIngesterGroupsAndRollsUp(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		src, err := s.CreateSource(testCtx, SourceInput{Name: "gh", Provider: "github"})
		if err != nil {
			t.Fatal(err)
		}
		mustIngest(t, s, Batch{Changes: []ChangeInput{commit("pay", "a", 0)}})
		g := NewIngester(s, nil)
		var wg sync.WaitGroup
		errs := make([]error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dep := deploy("pay", "d"+itoa64(int64(i)), "a", 1+float64(i), ResultSuccess)
				if i%5 == 4 {
					// Names a commit that is not stored: refused inside
					// its savepoint, the others stay.
					dep.Changes = []string{sha("nope")}
				}
				_, errs[i] = g.Submit(testCtx, Delivery{SourceID: src.ID, ID: "delivery-" + itoa64(int64(i)), Batch: Batch{Deployments: []DeploymentInput{dep}}})
			}()
		}
		wg.Wait()
		refused := 0
		for _, err := range errs {
			if err != nil {
				refused++
			}
		}
		if refused != 4 {
			t.Errorf("%d deliveries refused, want 4: %v", refused, errs)
		}
		if k := measure(t, s, Scope{}, window(0, 48)); k.Deployments != 16 {
			t.Errorf("keys read at once: %d deployments, want 16", k.Deployments)
		}
		g.Close()
		if n := count(t, s, `SELECT COUNT(*) FROM delivery_dirty`); n != 0 {
			t.Errorf("%d rollups still stale after close", n)
		}
		got, err := s.SourceByName(testCtx, "gh")
		if err != nil {
			t.Fatal(err)
		}
		if got.Received != 16 || got.Rejected != 4 {
			t.Errorf("source counters: received %d, rejected %d; want 16 and 4", got.Received, got.Rejected)
		}
	})
}
