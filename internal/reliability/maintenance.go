package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// Recurrences of a maintenance window.
var Recurrences = []string{"", "daily", "weekly", "monthly"}

// MaintenanceWindow is planned work: checks run during it count for
// neither uptime nor SLOs and send no alerts.
type MaintenanceWindow struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	// Entities are catalog keys; empty means every entity.
	Entities []string  `json:"entities"`
	StartsAt time.Time `json:"starts_at"`
	Duration Seconds   `json:"duration_seconds"`
	// Recurrence repeats the window daily, weekly or monthly until Until.
	Recurrence string     `json:"recurrence"`
	Until      *time.Time `json:"until"`
	CreatedBy  string     `json:"created_by"`
}

// Seconds is a duration written as whole seconds in JSON.
type Seconds int64

// D is the time.Duration.
func (s Seconds) D() time.Duration { return time.Duration(s) * time.Second }

// MaintenanceInput plans a window.
type MaintenanceInput struct {
	Title      string     `json:"title"`
	Entities   []string   `json:"entities"`
	StartsAt   time.Time  `json:"starts_at"`
	Duration   Seconds    `json:"duration_seconds"`
	Recurrence string     `json:"recurrence"`
	Until      *time.Time `json:"until"`
}

// Occurrence returns the occurrence of the window that contains t, if any.
func (w MaintenanceWindow) Occurrence(t time.Time) (start, end time.Time, ok bool) {
	if t.Before(w.StartsAt) || (w.Until != nil && t.After(*w.Until)) {
		return start, end, false
	}
	start = w.StartsAt
	switch w.Recurrence {
	case "daily", "weekly":
		step := 24 * time.Hour
		if w.Recurrence == "weekly" {
			step *= 7
		}
		start = w.StartsAt.Add(t.Sub(w.StartsAt) / step * step)
	case "monthly":
		months := (t.Year()-w.StartsAt.Year())*12 + int(t.Month()-w.StartsAt.Month())
		for ; months >= 0; months-- {
			start = w.StartsAt.AddDate(0, months, 0)
			if !start.After(t) {
				break
			}
		}
	}
	end = start.Add(w.Duration.D())
	return start, end, !t.Before(start) && t.Before(end)
}

// Covers reports whether the window applies to the entity at t.
func (w MaintenanceWindow) Covers(t time.Time, entityKey string) bool {
	if len(w.Entities) > 0 && !slices.Contains(w.Entities, entityKey) {
		return false
	}
	_, _, ok := w.Occurrence(t)
	return ok
}

// Next returns the first occurrence starting at or after t, if any.
func (w MaintenanceWindow) Next(t time.Time) (time.Time, bool) {
	start := w.StartsAt
	if start.Before(t) {
		switch w.Recurrence {
		case "":
			return time.Time{}, false
		case "daily", "weekly":
			step := 24 * time.Hour
			if w.Recurrence == "weekly" {
				step *= 7
			}
			n := (t.Sub(w.StartsAt) + step - 1) / step
			start = w.StartsAt.Add(n * step)
		case "monthly":
			for m := 1; start.Before(t); m++ {
				start = w.StartsAt.AddDate(0, m, 0)
			}
		}
	}
	if w.Until != nil && start.After(*w.Until) {
		return time.Time{}, false
	}
	return start, true
}

// Maintenance lists every window.
func (s *Store) Maintenance(ctx context.Context) ([]MaintenanceWindow, error) {
	rows, err := s.db.Query(ctx, `SELECT id, title, entities, starts_at, duration_s, recurrence, until_at, created_by FROM maintenance_windows ORDER BY starts_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("list maintenance: %w", err)
	}
	defer rows.Close()
	var out []MaintenanceWindow
	for rows.Next() {
		var w MaintenanceWindow
		var ents string
		var start int64
		var until *int64
		if err := rows.Scan(&w.ID, &w.Title, &ents, &start, &w.Duration, &w.Recurrence, &until, &w.CreatedBy); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(ents), &w.Entities)
		w.StartsAt, w.Until = fromUnix(start), fromUnixPtr(until)
		out = append(out, w)
	}
	return out, rows.Err()
}

// AddMaintenance plans a window.
func (s *Store) AddMaintenance(ctx context.Context, in MaintenanceInput) (MaintenanceWindow, error) {
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return MaintenanceWindow{}, apperr.Field("title", "a maintenance window needs a title")
	}
	if in.StartsAt.IsZero() {
		return MaintenanceWindow{}, apperr.Field("starts_at", "say when the window starts")
	}
	if in.Duration < 60 || in.Duration > 7*24*3600 {
		return MaintenanceWindow{}, apperr.Field("duration_seconds", "%d is outside 60 s to 7 days", in.Duration)
	}
	if !slices.Contains(Recurrences, in.Recurrence) {
		return MaintenanceWindow{}, apperr.Field("recurrence", "%q is not one of daily, weekly, monthly (or empty for once)", in.Recurrence)
	}
	if in.Until != nil && in.Until.Before(in.StartsAt) {
		return MaintenanceWindow{}, apperr.Field("until", "the recurrence ends before the window starts")
	}
	keys, err := s.resolveRefs(ctx, "entities", in.Entities)
	if err != nil {
		return MaintenanceWindow{}, err
	}
	w := MaintenanceWindow{Title: in.Title, Entities: keys, StartsAt: in.StartsAt.UTC().Truncate(time.Second), Duration: in.Duration,
		Recurrence: in.Recurrence, Until: in.Until, CreatedBy: audit.ActorFrom(ctx).Name}
	ents, _ := json.Marshal(keys)
	var until any
	if in.Until != nil {
		until = unix(*in.Until)
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO maintenance_windows (title, entities, starts_at, duration_s, recurrence, until_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, w.Title, string(ents), unix(w.StartsAt), int64(w.Duration), w.Recurrence, until,
			w.CreatedBy, unix(s.now())).Scan(&w.ID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "create", "maintenance", fmt.Sprint(w.ID), map[string]audit.Change{
			"title": {New: w.Title}, "starts_at": {New: w.StartsAt.Format(time.RFC3339)}, "entities": {New: string(ents)}})
	})
	if err == nil {
		s.maintenanceChanged()
	}
	return w, err
}

// DeleteMaintenance removes a window.
func (s *Store) DeleteMaintenance(ctx context.Context, id int64) error {
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM maintenance_windows WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "no maintenance window %d", id)
		}
		return audit.Record(ctx, tx, "delete", "maintenance", fmt.Sprint(id), nil)
	})
	if err == nil {
		s.maintenanceChanged()
	}
	return err
}

// maintenanceCache answers "is this entity in maintenance now?" for every
// check without a query; it reloads when windows change and every minute.
type maintenanceCache struct {
	store   *Store
	mu      sync.RWMutex
	windows []MaintenanceWindow
}

func (c *maintenanceCache) reload(ctx context.Context) error {
	ws, err := c.store.Maintenance(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.windows = ws
	c.mu.Unlock()
	return nil
}

func (c *maintenanceCache) active(t time.Time, entityKey string) bool {
	if c == nil {
		return false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, w := range c.windows {
		if w.Covers(t, entityKey) {
			return true
		}
	}
	return false
}

func (s *Store) maintenanceChanged() {
	if s.maint != nil {
		_ = s.maint.reload(context.Background())
	}
}
