package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// changes inserts commits not stored yet; a commit already stored is left
// as it is. One audit entry per component says how many arrived.
func (in *ingest) changes(ctx context.Context, list []ChangeInput, keys [][]string) error {
	if len(list) == 0 {
		return nil
	}
	insert, err := in.prep(ctx, `INSERT INTO delivery_changes
		(component_ref, sha, parents, title, author, author_email, bot, authored_at, committed_at, started_at, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (component_ref, sha) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("prepare change insert: %w", err)
	}
	prStart, err := in.prep(ctx, `SELECT opened_at, first_commit_at FROM delivery_pull_requests WHERE component_ref = $1 AND merge_sha = $2`)
	if err != nil {
		return fmt.Errorf("prepare pull request lookup: %w", err)
	}
	added := map[string]int{}
	for i := range list {
		c := &list[i]
		for _, k := range keys[i] {
			start := c.AuthoredAt.Unix()
			var opened int64
			var first sql.NullInt64
			switch err := prStart.QueryRowContext(ctx, k, c.SHA).Scan(&opened, &first); {
			case err == nil:
				start = earliest(start, opened, first)
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("look up pull request of %s: %w", c.SHA, err)
			}
			r, err := insert.ExecContext(ctx, k, c.SHA, strings.Join(c.Parents, " "), clip(c.Title, 300), clip(c.Author, 200), clip(c.AuthorEmail, 200),
				c.Bot, c.AuthoredAt.Unix(), c.CommittedAt.Unix(), start, c.Source)
			if err != nil {
				return fmt.Errorf("store change %s: %w", c.SHA, err)
			}
			if n, _ := r.RowsAffected(); n > 0 {
				added[k]++
				in.res.Changes++
				in.heads[k] = append(in.heads[k], c.SHA)
			}
		}
	}
	for k, n := range added {
		if err := in.audit.Add(ctx, "delivery.changes", "component", k, map[string]audit.Change{"changes": {New: n}}); err != nil {
			return err
		}
	}
	return nil
}

// earliest returns the earliest of a start time and a pull request's
// opening and first commit.
func earliest(start, opened int64, first sql.NullInt64) int64 {
	start = min(start, opened)
	if first.Valid {
		start = min(start, first.Int64)
	}
	return start
}

// wakeWaiting finds the deployments whose walk needed a commit that just
// arrived, and walks their lines again from them.
func (in *ingest) wakeWaiting(ctx context.Context) error {
	for k, shas := range in.heads {
		for start := 0; start < len(shas); start += 400 {
			chunk := shas[start:min(start+400, len(shas))]
			args := []any{k}
			for _, s := range chunk {
				args = append(args, s)
			}
			rows, err := in.query(ctx, `SELECT d.environment, MIN(d.finished_at) FROM delivery_missing m
				JOIN delivery_deployments d ON d.id = m.deployment_id
				WHERE m.component_ref = $1 AND m.sha IN (`+db.Placeholders(2, len(chunk))+`) AND d.finished_at IS NOT NULL
				GROUP BY d.environment`, args...)
			if err != nil {
				return fmt.Errorf("find waiting deployments: %w", err)
			}
			for rows.Next() {
				var env string
				var at int64
				if err := rows.Scan(&env, &at); err != nil {
					rows.Close()
					return err
				}
				in.touch(line{k, env}, pos{at, 0})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
