package gatus

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/reliability"
)

func TestApplyStoresAGatusFileOnce(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
		cat := catalog.NewStore(d)
		st := Stores{DB: d, Catalog: cat, Reliability: reliability.NewStore(d, cat), Channels: notify.NewStore(d)}
		convert := func() *Result {
			f, err := os.Open("testdata/acme.yaml")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := Convert(f, "acme.yaml")
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		res := convert()
		got, err := Apply(ctx, st, res, "gatus:/etc/gatus/acme.yaml", "group:default/sre")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.ComponentsCreated) != len(res.Components) || len(got.Monitors.Created) != len(res.Monitors) {
			t.Fatalf("got %d components and %d monitors created, want %d and %d", len(got.ComponentsCreated), len(got.Monitors.Created),
				len(res.Components), len(res.Monitors))
		}
		mons, _ := st.Reliability.Monitors(ctx)
		if len(mons) != len(res.Monitors) {
			t.Fatalf("got %d monitors stored, want %d", len(mons), len(res.Monitors))
		}
		chans, _ := st.Channels.List(ctx)
		if len(chans) == 0 || len(chans) != len(got.ChannelsChanged) {
			t.Fatalf("got %d channels stored and %d reported, want the same, at least one", len(chans), len(got.ChannelsChanged))
		}
		skippedChannel := false
		for _, s := range got.Skipped {
			if strings.HasPrefix(s.What, "channel ") {
				skippedChannel = true
			}
		}
		if len(chans)+boolInt(skippedChannel) < len(res.Channels) {
			t.Fatalf("got %d channels and no skip for the rest of %d", len(chans), len(res.Channels))
		}
		again, err := Apply(ctx, st, convert(), "gatus:/etc/gatus/acme.yaml", "group:default/sre")
		if err != nil {
			t.Fatal(err)
		}
		if len(again.ComponentsCreated)+len(again.Monitors.Created)+len(again.Monitors.Updated)+len(again.ChannelsChanged) != 0 ||
			len(again.Monitors.Unchanged) != len(res.Monitors) {
			t.Fatalf("got %+v on a second import, want nothing changed", again)
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
