package delivery

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/db"
)

// Failure is a stored failure and the deployment it is charged to.
type Failure struct {
	ID         int64     `json:"id"`
	Component  string    `json:"component"`
	Title      string    `json:"title"`
	StartedAt  time.Time `json:"started_at"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// DeploymentID is 0 when no deployment is charged; Attribution says
	// how one was: "explicit" or "rule".
	DeploymentID int64  `json:"deployment_id,omitempty"`
	Attribution  string `json:"attribution,omitempty"`
	Source       string `json:"source"`
	ExternalID   string `json:"external_id"`
	URL          string `json:"url,omitempty"`
}

// Failures lists the failures of a scope that started in a window, newest
// first.
func (s *Store) Failures(ctx context.Context, sc Scope, win Window) ([]Failure, error) {
	set, _, err := s.members(ctx, sc)
	if err != nil {
		return nil, err
	}
	var w db.Where
	w.Add("started_at >= ? AND started_at < ?", win.Start.Unix(), win.End.Unix())
	if set != nil {
		if len(set) == 0 {
			return nil, nil
		}
		w.Add("component_ref IN (" + keysIn(&w, set) + ")")
	}
	return s.failures(ctx, w.String()+` ORDER BY started_at DESC, id DESC`, w.Args...)
}

// FailuresOf lists the failures charged to one deployment, oldest first,
// for the deployment's page. A deployment with none, or no such
// deployment, gives an empty list.
func (s *Store) FailuresOf(ctx context.Context, deploymentID int64) ([]Failure, error) {
	return s.failures(ctx, ` WHERE deployment_id = $1 ORDER BY started_at, id`, deploymentID)
}

// failures reads at most 1,000 failures; rest is the WHERE and ORDER BY.
func (s *Store) failures(ctx context.Context, rest string, args ...any) ([]Failure, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, component_ref, title, started_at, resolved_at, COALESCE(deployment_id, 0),
		attribution, source, external_id, url FROM delivery_failures`+rest+` LIMIT 1000`, args...)
	if err != nil {
		return nil, fmt.Errorf("list failures: %w", err)
	}
	defer rows.Close()
	var out []Failure
	for rows.Next() {
		var f Failure
		var started int64
		var resolved sql.NullInt64
		if err := rows.Scan(&f.ID, &f.Component, &f.Title, &started, &resolved, &f.DeploymentID, &f.Attribution, &f.Source, &f.ExternalID, &f.URL); err != nil {
			return nil, err
		}
		f.StartedAt = fromUnix(started)
		if resolved.Valid {
			f.ResolvedAt = fromUnix(resolved.Int64)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
