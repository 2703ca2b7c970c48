package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// pullRequest merges a pull request into the stored one: the earliest
// opening, first commit and first review win, a merge once known stays.
// When its merge commit is stored, that commit's lead time now starts at
// the pull request's start if that is earlier.
func (in *ingest) pullRequest(ctx context.Context, key string, p *PullRequestInput) error {
	type pr struct {
		id                              int64
		title, author, url, merge, head string
		bot                             bool
		opened                          int64
		first, review, merged           sql.NullInt64
	}
	var old pr
	err := in.queryRow(ctx, `SELECT id, title, author, url, merge_sha, head_sha, bot, opened_at, first_commit_at, first_review_at, merged_at
		FROM delivery_pull_requests WHERE component_ref = $1 AND number = $2`, key, p.Number).
		Scan(&old.id, &old.title, &old.author, &old.url, &old.merge, &old.head, &old.bot, &old.opened, &old.first, &old.review, &old.merged)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read pull request %d: %w", p.Number, err)
	}
	n := old
	if !exists {
		n = pr{opened: p.OpenedAt.Unix()}
	}
	or := func(cur, v string) string {
		if v != "" {
			return v
		}
		return cur
	}
	n.title, n.author, n.url = or(n.title, clip(p.Title, 300)), or(n.author, clip(p.Author, 200)), or(n.url, p.URL)
	n.merge, n.head = or(n.merge, p.MergeSHA), or(n.head, p.HeadSHA)
	n.bot = n.bot || p.Bot
	n.opened = min(n.opened, p.OpenedAt.Unix())
	n.first = earlierOf(n.first, p.FirstCommitAt.Unix(), !p.FirstCommitAt.IsZero())
	n.review = earlierOf(n.review, p.FirstReviewAt.Unix(), !p.FirstReviewAt.IsZero())
	if !p.MergedAt.IsZero() {
		n.merged = sql.NullInt64{Int64: p.MergedAt.Unix(), Valid: true}
	}
	if exists && n == old {
		return nil
	}
	if exists {
		_, err = in.exec(ctx, `UPDATE delivery_pull_requests SET title = $1, author = $2, url = $3, merge_sha = $4, head_sha = $5, bot = $6,
			opened_at = $7, first_commit_at = $8, first_review_at = $9, merged_at = $10 WHERE id = $11`,
			n.title, n.author, n.url, n.merge, n.head, n.bot, n.opened, n.first, n.review, n.merged, old.id)
	} else {
		_, err = in.exec(ctx, `INSERT INTO delivery_pull_requests
			(component_ref, number, title, author, bot, url, opened_at, first_commit_at, first_review_at, merged_at, merge_sha, head_sha, source)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			key, p.Number, n.title, n.author, n.bot, n.url, n.opened, n.first, n.review, n.merged, n.merge, n.head, p.Source)
	}
	if err != nil {
		return fmt.Errorf("store pull request %d: %w", p.Number, err)
	}
	in.res.PullRequests++
	if err := in.audit.Add(ctx, map[bool]string{true: "delivery.pull_request.update", false: "delivery.pull_request.create"}[exists],
		"pull_request", fmt.Sprintf("%s#%d", key, p.Number), map[string]audit.Change{"merge_sha": {Old: old.merge, New: n.merge}}); err != nil {
		return err
	}
	if n.merge == "" {
		return nil
	}
	if err := in.refreshDeployed(ctx, key, []string{n.merge}); err != nil {
		return err
	}
	return in.restartChange(ctx, key, n.merge, earliest(1<<62, n.opened, n.first))
}

// refreshDeployed sets, for the pull requests merged by the commits given,
// when their merge first reached production, from what is shipped now.
func (in *ingest) refreshDeployed(ctx context.Context, key string, shas []string) error {
	for start := 0; start < len(shas); start += 400 {
		chunk := shas[start:min(start+400, len(shas))]
		args := []any{key}
		for _, s := range chunk {
			args = append(args, s)
		}
		_, err := in.exec(ctx, `UPDATE delivery_pull_requests SET deployed_at = (SELECT MIN(d.finished_at)
				FROM delivery_changes c JOIN delivery_shipped s ON s.change_id = c.id JOIN delivery_deployments d ON d.id = s.deployment_id
				WHERE c.component_ref = delivery_pull_requests.component_ref AND c.sha = delivery_pull_requests.merge_sha AND d.production)
			WHERE component_ref = $1 AND merge_sha IN (`+db.Placeholders(2, len(chunk))+`)`, args...)
		if err != nil {
			return fmt.Errorf("update pull requests' deployment: %w", err)
		}
	}
	return nil
}

// restartChange moves a stored commit's lead-time start earlier, and marks
// the days of the production deployments that shipped it for a new rollup.
func (in *ingest) restartChange(ctx context.Context, key, sha string, start int64) error {
	r, err := in.exec(ctx, `UPDATE delivery_changes SET started_at = $1
		WHERE component_ref = $2 AND sha = $3 AND started_at > $1`, start, key, sha)
	if err != nil {
		return fmt.Errorf("update change %s: %w", sha, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return nil
	}
	rows, err := in.query(ctx, `SELECT d.finished_at FROM delivery_shipped s
		JOIN delivery_changes c ON c.id = s.change_id
		JOIN delivery_deployments d ON d.id = s.deployment_id
		WHERE c.component_ref = $1 AND c.sha = $2 AND d.production AND d.finished_at IS NOT NULL`, key, sha)
	if err != nil {
		return fmt.Errorf("find deployments of %s: %w", sha, err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return err
		}
		in.dirty(key, at)
	}
	return rows.Err()
}

// earlierOf returns the earlier of a stored time and a given one.
func earlierOf(cur sql.NullInt64, v int64, given bool) sql.NullInt64 {
	if given && (!cur.Valid || v < cur.Int64) {
		return sql.NullInt64{Int64: v, Valid: true}
	}
	return cur
}
