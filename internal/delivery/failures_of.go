package delivery

import (
	"context"
	"database/sql"
	"fmt"
)

// FailuresOf lists the failures charged to one deployment, oldest first,
// for the deployment's page. A deployment with none, or no such
// deployment, gives an empty list.
func (s *Store) FailuresOf(ctx context.Context, deploymentID int64) ([]Failure, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, component_ref, title, started_at, resolved_at, COALESCE(deployment_id, 0), attribution, source, external_id, url
		FROM delivery_failures WHERE deployment_id = $1 ORDER BY started_at, id LIMIT 1000`, deploymentID)
	if err != nil {
		return nil, fmt.Errorf("list failures of deployment %d: %w", deploymentID, err)
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
