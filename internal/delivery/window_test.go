package delivery

import (
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestParseWindow(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		since, from, to string
		start, end      string
		field           string
	}{
		{"", "", "", "2026-08-31T00:00:00Z", "2026-11-28T09:30:00Z", ""},
		{"7d", "", "", "2026-11-22T00:00:00Z", "2026-11-28T09:30:00Z", ""},
		{"2w", "", "", "2026-11-15T00:00:00Z", "2026-11-28T09:30:00Z", ""},
		{"2026-Q3", "", "", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z", ""},
		{"2026q4", "", "", "2026-10-01T00:00:00Z", "2026-11-28T09:30:00Z", ""},
		{"", "2026-01-01", "2026-01-31", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", ""},
		{"", "2026-11-20", "2027-01-01", "2026-11-20T00:00:00Z", "2026-11-28T09:30:00Z", ""},
		{"forever", "", "", "", "", "since"},
		{"0d", "", "", "", "", "since"},
		{"2027-Q1", "", "", "", "", "since"},
		{"7d", "2026-01-01", "2026-01-02", "", "", "since"},
		{"", "2026-01-02", "2026-01-01", "", "", "to"},
		{"", "yesterday", "2026-01-01", "", "", "from"},
		{"", "2099-01-01", "2099-01-31", "", "", "from"},
	} {
		w, err := ParseWindow(c.since, c.from, c.to, now)
		if c.field != "" {
			if e := apperr.As(err); e == nil || e.Field != c.field {
				t.Errorf("since %q from %q to %q: got %v, want an error naming %s", c.since, c.from, c.to, err, c.field)
			}
			continue
		}
		if err != nil || w.Start.Format(time.RFC3339) != c.start || w.End.Format(time.RFC3339) != c.end {
			t.Errorf("since %q from %q to %q: got %v to %v (%v), want %s to %s", c.since, c.from, c.to, w.Start, w.End, err, c.start, c.end)
		}
	}
}

func TestShippedCountsAndFinishedFilter(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		bot := commit("pay", "c", 2, "b")
		bot.Author = "renovate[bot]"
		pending := deploy("pay", "3", "c", 4, ResultPending)
		pending.FinishedAt = zero()
		mustIngest(t, s, Batch{
			Changes:     []ChangeInput{commit("pay", "a", 0), commit("pay", "b", 1, "a"), bot, commit("pay", "e", 2.5, "c")},
			Deployments: []DeploymentInput{deploy("pay", "1", "a", 0.5, ResultSuccess), deploy("pay", "2", "e", 3, ResultSuccess), pending},
		})
		dep := mustDeployment(t, s, "pay", "2")
		total, baseline, counted, err := s.ShippedCounts(testCtx, dep.ID)
		if err != nil || total != 3 || baseline != 0 || counted != 2 {
			t.Errorf("shipped counts: got %d, %d baseline, %d counted (%v); want 3, 0, 2", total, baseline, counted, err)
		}
		for _, c := range []struct {
			finished bool
			want     int
		}{{false, 3}, {true, 2}} {
			_, n, err := s.Deployments(testCtx, DeploymentQuery{Finished: c.finished})
			if err != nil || n != c.want {
				t.Errorf("finished only %v: got %d deployments (%v), want %d", c.finished, n, err, c.want)
			}
		}
	})
}
