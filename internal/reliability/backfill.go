package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// Backfill stores history from elsewhere (another monitoring tool, or the
// demo's past) as hourly rollups ending before the current hour, with the
// daily rollups they add up to, and moves the rollup progress to the
// current hour so that live results roll up after them. Buckets are keyed
// by monitor id; each bucket's Start is an hour.
func (s *Store) Backfill(ctx context.Context, hours map[int64][]Bucket, now time.Time) error {
	current := now.UTC().Truncate(time.Hour)
	days := map[int64]map[time.Time]*Counts{}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		rows := db.NewBatch(tx, `INSERT INTO check_hourly (monitor_id, start, good, bad, maint, hist) VALUES`, 6,
			`ON CONFLICT (monitor_id, start) DO UPDATE SET good = excluded.good, bad = excluded.bad, maint = excluded.maint, hist = excluded.hist`)
		for id, buckets := range hours {
			for _, b := range buckets {
				if !b.Start.Before(current) {
					return fmt.Errorf("backfill: hour %s is not in the past", b.Start)
				}
				c := b.Counts
				if c.Hist == nil {
					c.Hist = &Hist{}
				}
				if err := rows.Add(ctx, id, unix(b.Start), c.Good, c.Bad, c.Maint, c.Hist.MarshalBinary()); err != nil {
					return err
				}
				day := b.Start.Truncate(24 * time.Hour)
				if days[id] == nil {
					days[id] = map[time.Time]*Counts{}
				}
				if days[id][day] == nil {
					days[id][day] = &Counts{Hist: &Hist{}}
				}
				days[id][day].add(&c)
			}
		}
		if err := rows.Flush(ctx); err != nil {
			return fmt.Errorf("backfill: %w", err)
		}
		today := current.Truncate(24 * time.Hour)
		for id, byDay := range days {
			for day, c := range byDay {
				if !day.Before(today) {
					continue // today is rolled up when it ends, with the live results
				}
				if err := writeRollups(ctx, tx, "check_daily", day, map[int64]*Counts{id: c}); err != nil {
					return err
				}
			}
		}
		if err := setProgress(ctx, tx, "hourly", current); err != nil {
			return err
		}
		return setProgress(ctx, tx, "daily", today)
	})
}

// PastIncident is an incident that happened before it was recorded here.
type PastIncident struct {
	Incident
	Monitor string
}

// RecordPastIncident stores a finished incident with its own times, its
// timeline and, when Monitor is set, the down and up state changes of that
// monitor at the incident's open and resolve times.
func (s *Store) RecordPastIncident(ctx context.Context, p PastIncident) (int64, error) {
	var id int64
	pm, _ := json.Marshal(p.Postmortem)
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var acked, resolved any
		if p.AcknowledgedAt != nil {
			acked = unix(*p.AcknowledgedAt)
		}
		if p.ResolvedAt != nil {
			resolved = unix(*p.ResolvedAt)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO incidents (title, severity, status, entity_ref, auto, managed, opened_at, acknowledged_at, resolved_at, deployment, postmortem, created_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $7) RETURNING id`,
			p.Title, p.Severity, p.Status, p.Entity, p.Auto, p.Managed, unix(p.OpenedAt), acked, resolved, p.Deployment, string(pm), p.CreatedBy).Scan(&id)
		if err != nil {
			return fmt.Errorf("record incident: %w", err)
		}
		if err := setEntities(ctx, tx, id, append([]string{p.Entity}, p.Entities...)); err != nil {
			return err
		}
		for _, u := range p.Updates {
			if err := addUpdate(ctx, tx, id, u.At, u.Author, u.Status, u.Body, u.Public); err != nil {
				return err
			}
		}
		if p.Monitor != "" && p.ResolvedAt != nil {
			var mid int64
			if err := tx.QueryRowContext(ctx, `SELECT id FROM monitors WHERE name = $1`, p.Monitor).Scan(&mid); err != nil {
				return fmt.Errorf("monitor %s: %w", p.Monitor, err)
			}
			for _, e := range []struct {
				at       time.Time
				from, to string
			}{{p.OpenedAt, StateUp, StateDown}, {*p.ResolvedAt, StateDown, StateUp}} {
				if _, err := tx.ExecContext(ctx, `INSERT INTO monitor_events (monitor_id, at, from_state, to_state, reason) VALUES ($1, $2, $3, $4, $5)`,
					mid, unix(e.at), e.from, e.to, "recorded with incident "+fmt.Sprint(id)); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, "create", "incident", fmt.Sprint(id), map[string]audit.Change{"title": {New: p.Title}, "opened_at": {New: p.OpenedAt.Format(time.RFC3339)}})
	})
	return id, err
}
