package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/audit"
)

// AttributionWindow is how long after a production deployment a failure
// with no named cause is still charged to it.
const AttributionWindow = 7 * 24 * 3600

// failureRow is a stored failure as attribution needs it.
type failureRow struct {
	id, started      int64
	resolved         sql.NullInt64
	title, hint, url string
	deployment       sql.NullInt64
	attribution      string
}

// failure merges a failure into the stored one. A resolution, once known,
// stays unless a later event gives another time.
func (in *ingest) failure(ctx context.Context, key string, f *FailureInput) error {
	var old failureRow
	err := in.queryRow(ctx, `SELECT id, started_at, resolved_at, title, deployment_hint, url, deployment_id, attribution
		FROM delivery_failures WHERE component_ref = $1 AND source = $2 AND external_id = $3`, key, f.Source, f.ExternalID).
		Scan(&old.id, &old.started, &old.resolved, &old.title, &old.hint, &old.url, &old.deployment, &old.attribution)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read failure %s: %w", f.ExternalID, err)
	}
	n := old
	n.started, n.title = f.StartedAt.Unix(), clip(f.Title, 300)
	if !f.ResolvedAt.IsZero() {
		n.resolved = sql.NullInt64{Int64: f.ResolvedAt.Unix(), Valid: true}
	}
	if f.Deployment != "" {
		n.hint = strings.TrimSpace(f.Deployment)
	}
	if f.URL != "" {
		n.url = f.URL
	}
	if n.attribution != "explicit" || n.hint != old.hint {
		if n.deployment, n.attribution, err = in.attribute(ctx, key, n.hint, n.started); err != nil {
			return err
		}
	}
	if exists && n == old {
		return nil
	}
	now := in.s.now().Unix()
	if exists {
		_, err = in.exec(ctx, `UPDATE delivery_failures SET title = $1, started_at = $2, resolved_at = $3, deployment_hint = $4,
			url = $5, deployment_id = $6, attribution = $7, updated_at = $8 WHERE id = $9`,
			n.title, n.started, n.resolved, n.hint, n.url, n.deployment, n.attribution, now, old.id)
	} else {
		err = in.queryRow(ctx, `INSERT INTO delivery_failures
			(component_ref, title, started_at, resolved_at, deployment_hint, deployment_id, attribution, source, external_id, url, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			key, n.title, n.started, n.resolved, n.hint, n.deployment, n.attribution, f.Source, f.ExternalID, n.url, now).Scan(&n.id)
	}
	if err != nil {
		return fmt.Errorf("store failure %s: %w", f.ExternalID, err)
	}
	in.res.Failures++
	if err := in.touchDeployment(ctx, old.deployment); err != nil {
		return err
	}
	if err := in.touchDeployment(ctx, n.deployment); err != nil {
		return err
	}
	action := "delivery.failure.create"
	if exists {
		action = "delivery.failure.update"
	}
	return in.audit.Add(ctx, action, "failure", strconv.FormatInt(n.id, 10), map[string]audit.Change{
		"title": {Old: old.title, New: n.title}, "deployment_id": {Old: nullable(old.deployment), New: nullable(n.deployment)},
	})
}

// attribute finds the production deployment a failure is charged to: the
// finished one the source named (by its external id, as the source spells
// it, or its commit SHA, a prefix of at least 7 digits will do), else the
// latest successful production deployment of the component that finished
// at most AttributionWindow before the failure started.
func (in *ingest) attribute(ctx context.Context, key, hint string, started int64) (sql.NullInt64, string, error) {
	var id int64
	if hint != "" {
		sha, prefix := strings.ToLower(hint), "-" // "-" matches no SHA
		if len(sha) >= 7 && validSHA(sha) {
			prefix = sha + "%"
		}
		err := in.queryRow(ctx, `SELECT id FROM delivery_deployments WHERE component_ref = $1 AND production AND finished_at IS NOT NULL
			AND (external_id = $2 OR sha = $3 OR sha LIKE $4) ORDER BY finished_at DESC, id DESC LIMIT 1`, key, hint, sha, prefix).Scan(&id)
		if err == nil {
			return sql.NullInt64{Int64: id, Valid: true}, "explicit", nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return sql.NullInt64{}, "", fmt.Errorf("find deployment %s: %w", hint, err)
		}
	}
	err := in.queryRow(ctx, `SELECT id FROM delivery_deployments WHERE component_ref = $1 AND production AND result = 'success'
		AND finished_at <= $2 AND finished_at >= $3 ORDER BY finished_at DESC, id DESC LIMIT 1`, key, started, started-AttributionWindow).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return sql.NullInt64{}, "", nil
	}
	if err != nil {
		return sql.NullInt64{}, "", fmt.Errorf("attribute failure: %w", err)
	}
	return sql.NullInt64{Int64: id, Valid: true}, "rule", nil
}

// reattribute charges again the failures of a component that started after
// a production deployment changed (from on), or that named a deployment
// not found before, since a deployment that arrived late may be theirs.
func (in *ingest) reattribute(ctx context.Context, key string, from int64) error {
	var list []failureRow
	seen := map[int64]bool{}
	for _, q := range []struct {
		where string
		args  []any
	}{
		{`component_ref = $1 AND attribution <> 'explicit' AND started_at >= $2 AND started_at <= $3`, []any{key, from, from + AttributionWindow}},
		{`component_ref = $1 AND deployment_id IS NULL AND deployment_hint <> ''`, []any{key}},
	} {
		rows, err := in.query(ctx, `SELECT id, started_at, deployment_hint, deployment_id, attribution FROM delivery_failures WHERE `+q.where, q.args...)
		if err != nil {
			return fmt.Errorf("find failures to attribute: %w", err)
		}
		for rows.Next() {
			var f failureRow
			if err := rows.Scan(&f.id, &f.started, &f.hint, &f.deployment, &f.attribution); err != nil {
				rows.Close()
				return err
			}
			if !seen[f.id] {
				seen[f.id] = true
				list = append(list, f)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, f := range list {
		dep, how, err := in.attribute(ctx, key, f.hint, f.started)
		if err != nil {
			return err
		}
		if dep == f.deployment && how == f.attribution {
			continue
		}
		if _, err := in.exec(ctx, `UPDATE delivery_failures SET deployment_id = $1, attribution = $2 WHERE id = $3`, dep, how, f.id); err != nil {
			return fmt.Errorf("attribute failure %d: %w", f.id, err)
		}
		if err := in.touchDeployment(ctx, f.deployment); err != nil {
			return err
		}
		if err := in.touchDeployment(ctx, dep); err != nil {
			return err
		}
	}
	return nil
}

// touchDeployment marks a deployment's line for deriving again from it.
func (in *ingest) touchDeployment(ctx context.Context, id sql.NullInt64) error {
	if !id.Valid {
		return nil
	}
	var key, env string
	var at sql.NullInt64
	if err := in.queryRow(ctx, `SELECT component_ref, environment, finished_at FROM delivery_deployments WHERE id = $1`, id.Int64).
		Scan(&key, &env, &at); err != nil {
		return fmt.Errorf("read deployment %d: %w", id.Int64, err)
	}
	if at.Valid {
		in.touch(line{key, env}, pos{at.Int64, id.Int64})
	}
	return nil
}

func nullable(v sql.NullInt64) any {
	if v.Valid {
		return v.Int64
	}
	return nil
}
