package delivery

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/chief-hq/chief/internal/db"
)

// derive recomputes, for every touched line, failure attributions (in
// production), the changes each deployment shipped, and each deployment's
// failure, recovery and rework. Attribution runs first because it reads
// only what was stored, and may touch more lines.
func (in *ingest) derive(ctx context.Context) error {
	for l, from := range in.from {
		if IsProduction(l.env) {
			if err := in.reattribute(ctx, l.component, from.at); err != nil {
				return err
			}
		}
	}
	lines := make([]line, 0, len(in.from))
	for l := range in.from {
		lines = append(lines, l)
	}
	sort.Slice(lines, func(i, j int) bool {
		return lines[i].component < lines[j].component || lines[i].component == lines[j].component && lines[i].env < lines[j].env
	})
	w, err := newWalker(ctx, in.tx)
	if err != nil {
		return err
	}
	defer w.close()
	for _, l := range lines {
		if err := in.deriveLine(ctx, w, l, in.from[l]); err != nil {
			return err
		}
	}
	return nil
}

// derived are the fields derive writes.
type derived struct {
	failed      bool
	reason      string
	rework      bool
	recoveredAt sql.NullInt64
	recoveryS   sql.NullInt64
	changes     int
}

func derivedOf(d *Deployment) derived {
	v := derived{failed: d.Failed, reason: d.FailReason, rework: d.Rework, changes: d.ChangeCount}
	if !d.RecoveredAt.IsZero() {
		v.recoveredAt = sql.NullInt64{Int64: d.RecoveredAt.Unix(), Valid: true}
	}
	if d.RecoverySeconds != nil {
		v.recoveryS = sql.NullInt64{Int64: *d.RecoverySeconds, Valid: true}
	}
	return v
}

// failureFacts sums up the failures charged to one deployment.
type failureFacts struct {
	started    int64
	resolved   int64
	unresolved int
}

// deriveLine recomputes one line from the last successful deployment
// before `from` onwards: the failed ones after it may recover, or be rolled
// back, by what changed at `from`. With no success before `from`, from the
// line's first deployment.
func (in *ingest) deriveLine(ctx context.Context, w *walker, l line, from pos) error {
	var lastGood, first sql.NullInt64
	if err := in.queryRow(ctx, `SELECT MAX(finished_at) FROM delivery_deployments
		WHERE component_ref = $1 AND environment = $2 AND finished_at < $3 AND result = 'success'`, l.component, l.env, from.at).Scan(&lastGood); err != nil {
		return fmt.Errorf("read line %s %s: %w", l.component, l.env, err)
	}
	if err := in.queryRow(ctx, `SELECT MIN(finished_at) FROM delivery_deployments
		WHERE component_ref = $1 AND environment = $2`, l.component, l.env).Scan(&first); err != nil {
		return fmt.Errorf("read line %s %s: %w", l.component, l.env, err)
	}
	start := from.at
	switch {
	case lastGood.Valid:
		start = lastGood.Int64
	case first.Valid && first.Int64 < from.at:
		start = first.Int64
	}
	deps, err := in.lineDeployments(ctx, l, start)
	if err != nil {
		return err
	}
	var shippedBefore bool
	if err := in.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM delivery_deployments WHERE component_ref = $1 AND environment = $2
		AND result = 'success' AND change_count > 0 AND (finished_at < $3 OR finished_at = $3 AND id < $4))`, l.component, l.env, from.at, from.id).Scan(&shippedBefore); err != nil {
		return fmt.Errorf("read line %s %s: %w", l.component, l.env, err)
	}
	counts, touched, err := w.ship(ctx, l, deps, from, shippedBefore)
	if err != nil {
		return err
	}
	if IsProduction(l.env) {
		if err := in.refreshDeployed(ctx, l.component, touched); err != nil {
			return err
		}
	}
	facts, err := in.failureFacts(ctx, deps)
	if err != nil {
		return err
	}
	next := make([]derived, len(deps))
	for i := range deps {
		d := &deps[i]
		v := derived{changes: d.ChangeCount}
		if c, ok := counts[d.ID]; ok {
			v.changes = c
		}
		switch f, charged := facts[d.ID]; {
		case d.Result == ResultFailure:
			v.failed, v.reason = true, "result"
		case i+1 < len(deps) && deps[i+1].Remedy == RemedyRollback:
			v.failed, v.reason = true, "rollback"
		case charged:
			v.failed, v.reason = true, "incident"
			if f.unresolved == 0 {
				v.recoveredAt = sql.NullInt64{Int64: f.resolved, Valid: true}
				v.recoveryS = sql.NullInt64{Int64: max(0, f.resolved-f.started), Valid: true}
			}
		}
		if v.reason == "result" || v.reason == "rollback" {
			for j := i + 1; j < len(deps); j++ {
				if deps[j].Result == ResultSuccess {
					at := deps[j].FinishedAt.Unix()
					v.recoveredAt = sql.NullInt64{Int64: at, Valid: true}
					v.recoveryS = sql.NullInt64{Int64: at - d.FinishedAt.Unix(), Valid: true}
					break
				}
			}
		}
		v.rework = d.Remedy != ""
		if i == 0 && posOf(d).before(from) {
			v.rework = d.Rework // its predecessor was not read
		} else if i > 0 && !v.rework && d.Result == ResultSuccess {
			p := next[i-1]
			v.rework = p.failed && (p.reason != "incident" || !p.recoveredAt.Valid || d.FinishedAt.Unix() <= p.recoveredAt.Int64)
		}
		next[i] = v
	}
	for i := range deps {
		d := &deps[i]
		changed := next[i] != derivedOf(d)
		if changed {
			v := next[i]
			if _, err := in.exec(ctx, `UPDATE delivery_deployments SET failed = $1, fail_reason = $2, rework = $3,
				recovered_at = $4, recovery_s = $5, change_count = $6 WHERE id = $7`,
				v.failed, v.reason, v.rework, v.recoveredAt, v.recoveryS, v.changes, d.ID); err != nil {
				return fmt.Errorf("derive deployment %d: %w", d.ID, err)
			}
		}
		if IsProduction(l.env) && (changed || !posOf(d).before(from)) {
			in.dirty(l.component, d.FinishedAt.Unix())
		}
	}
	return nil
}

// lineDeployments reads a line's finished deployments from start on, in
// time order.
func (in *ingest) lineDeployments(ctx context.Context, l line, start int64) ([]Deployment, error) {
	rows, err := in.query(ctx, `SELECT `+deploymentColumns+` FROM delivery_deployments
		WHERE component_ref = $1 AND environment = $2 AND finished_at >= $3 ORDER BY finished_at, id`, l.component, l.env, start)
	if err != nil {
		return nil, fmt.Errorf("read line %s %s: %w", l.component, l.env, err)
	}
	defer rows.Close()
	var out []Deployment
	for rows.Next() {
		d, err := scanDeployment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// failureFacts reads the failures charged to each of deps.
func (in *ingest) failureFacts(ctx context.Context, deps []Deployment) (map[int64]failureFacts, error) {
	out := map[int64]failureFacts{}
	for start := 0; start < len(deps); start += 400 {
		chunk := deps[start:min(start+400, len(deps))]
		args := make([]any, len(chunk))
		for i, d := range chunk {
			args[i] = d.ID
		}
		rows, err := in.query(ctx, `SELECT deployment_id, MIN(started_at), COALESCE(MAX(resolved_at), 0),
			SUM(CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END) FROM delivery_failures
			WHERE deployment_id IN (`+db.Placeholders(1, len(chunk))+`) GROUP BY deployment_id`, args...)
		if err != nil {
			return nil, fmt.Errorf("read failures: %w", err)
		}
		for rows.Next() {
			var id int64
			var f failureFacts
			if err := rows.Scan(&id, &f.started, &f.resolved, &f.unresolved); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = f
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
