package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
)

// deployment merges a deployment into the stored one. Events arrive in any
// order, so a pending status never replaces a finished result, and of two
// finished results the later one wins; a report that gave no finish time
// (a retried pipeline step) does not move a finished deployment.
func (in *ingest) deployment(ctx context.Context, key string, d *DeploymentInput, field string) error {
	env := strings.ToLower(d.Environment)
	old, err := scanDeployment(in.queryRow(ctx, `SELECT `+deploymentColumns+` FROM delivery_deployments
		WHERE component_ref = $1 AND source = $2 AND external_id = $3`, key, d.Source, d.ExternalID))
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read deployment %s: %w", d.ExternalID, err)
	}
	n := old
	if !exists {
		n = Deployment{Component: key, Source: d.Source, ExternalID: d.ExternalID, StartedAt: d.StartedAt.UTC(), Result: ResultPending}
	}
	n.Environment, n.Production, n.SHA = env, IsProduction(env), d.SHA
	if d.Version != "" {
		n.Version = clip(d.Version, 200)
	}
	if d.URL != "" {
		n.URL = d.URL
	}
	if d.Remedy != "" {
		n.Remedy = d.Remedy
	}
	if d.StartedAt.Before(n.StartedAt) {
		n.StartedAt = d.StartedAt.UTC()
	}
	switch {
	case d.Result == ResultPending:
	case n.Result == ResultPending:
		n.Result, n.FinishedAt = d.Result, d.FinishedAt.UTC().Truncate(1e9)
	case d.finishDefaulted:
		n.Result = d.Result
	case !d.FinishedAt.Before(n.FinishedAt):
		n.Result, n.FinishedAt = d.Result, d.FinishedAt.UTC().Truncate(1e9)
	}
	if len(d.Changes) > 0 {
		listed := slices.Clone(d.Changes)
		slices.Sort(listed)
		n.listed = strings.Join(slices.Compact(listed), " ")
		n.Explicit = true
	}
	n.StartedAt = n.StartedAt.Truncate(1e9)
	if exists && n == old {
		return nil
	}
	if n.listed != old.listed {
		if err := in.checkListed(ctx, key, d.Changes, field); err != nil {
			return err
		}
	}
	now := in.s.now().Unix()
	if exists {
		_, err = in.exec(ctx, `UPDATE delivery_deployments SET environment = $1, production = $2, version = $3, sha = $4,
			started_at = $5, finished_at = $6, result = $7, remedy = $8, url = $9, listed = $10, updated_at = $11 WHERE id = $12`,
			n.Environment, n.Production, n.Version, n.SHA, n.StartedAt.Unix(), unix(n.FinishedAt), n.Result, n.Remedy, n.URL, n.listed, now, old.ID)
		n.ID = old.ID
	} else {
		err = in.queryRow(ctx, `INSERT INTO delivery_deployments
			(component_ref, environment, production, version, sha, started_at, finished_at, result, remedy, source, external_id, url, listed, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			key, n.Environment, n.Production, n.Version, n.SHA, n.StartedAt.Unix(), unix(n.FinishedAt), n.Result, n.Remedy, n.Source, n.ExternalID, n.URL, n.listed, now).Scan(&n.ID)
	}
	if err != nil {
		return fmt.Errorf("store deployment %s: %w", d.ExternalID, err)
	}
	if exists && !old.FinishedAt.IsZero() {
		// It may have left its day or its line: both are figured again.
		in.touch(line{key, old.Environment}, posOf(&old))
		if old.Production {
			in.dirty(key, old.FinishedAt.Unix())
		}
	}
	if !n.FinishedAt.IsZero() {
		in.touch(line{key, n.Environment}, posOf(&n))
	}
	in.res.Deployments++
	action := "delivery.deployment.create"
	if exists {
		action = "delivery.deployment.update"
	}
	return in.audit.Add(ctx, action, "deployment", strconv.FormatInt(n.ID, 10), map[string]audit.Change{
		"component": {Old: old.Component, New: key}, "environment": {Old: old.Environment, New: n.Environment},
		"sha": {Old: old.SHA, New: n.SHA}, "result": {Old: old.Result, New: n.Result},
	})
}

// checkListed makes sure every commit a source says a deployment shipped
// is stored for the component, so that none is silently left out.
func (in *ingest) checkListed(ctx context.Context, key string, shas []string, field string) error {
	for i, sha := range shas {
		var id int64
		err := in.queryRow(ctx, `SELECT id FROM delivery_changes WHERE component_ref = $1 AND sha = $2`, key, sha).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Field(fmt.Sprintf("%s.changes[%d]", field, i), "commit %s is not stored for %s: send it as a change first", sha, key)
		}
		if err != nil {
			return fmt.Errorf("find change %s: %w", sha, err)
		}
	}
	return nil
}
