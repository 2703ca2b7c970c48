package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/chief-hq/chief/internal/db"
)

// walker finds the changes a deployment shipped: the commits reachable from
// its commit through every parent (so both sides of a merge) that no
// earlier deployment shipped to the same environment.
type walker struct {
	tx     *db.Tx
	find   *sql.Stmt
	insert *sql.Stmt
}

func newWalker(ctx context.Context, tx *db.Tx) (*walker, error) {
	find, err := tx.PrepareContext(ctx, `SELECT c.id, c.parents,
		EXISTS (SELECT 1 FROM delivery_shipped s WHERE s.change_id = c.id AND s.environment = $3)
		FROM delivery_changes c WHERE c.component_ref = $1 AND c.sha = $2`)
	if err != nil {
		return nil, fmt.Errorf("prepare walk: %w", err)
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO delivery_shipped (deployment_id, change_id, environment, baseline) VALUES ($1, $2, $3, $4)`)
	if err != nil {
		find.Close()
		return nil, fmt.Errorf("prepare walk: %w", err)
	}
	return &walker{tx: tx, find: find, insert: insert}, nil
}

func (w *walker) close() {
	w.find.Close()
	w.insert.Close()
}

// ship forgets what the line's deployments from `from` on shipped, unless
// their source listed it, and walks them again in time order. The first
// successful deployment of a line has nothing to diff against: what it
// shipped is recorded as baseline and not counted. It returns the number
// of changes each walked deployment shipped.
func (w *walker) ship(ctx context.Context, l line, deps []Deployment, from int64, shippedBefore bool) (map[int64]int, error) {
	var walked []int64
	for _, d := range deps {
		if d.FinishedAt.Unix() >= from && !d.Explicit {
			walked = append(walked, d.ID)
		}
	}
	for start := 0; start < len(walked); start += 400 {
		chunk := walked[start:min(start+400, len(walked))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if _, err := w.tx.ExecContext(ctx, `DELETE FROM delivery_shipped WHERE deployment_id IN (`+placeholders(1, len(chunk))+`)`, args...); err != nil {
			return nil, fmt.Errorf("forget shipped changes: %w", err)
		}
	}
	counts := map[int64]int{}
	for _, d := range deps {
		if d.FinishedAt.Unix() < from {
			continue
		}
		switch {
		case d.Explicit:
			var n int
			if err := w.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM delivery_shipped WHERE deployment_id = $1`, d.ID).Scan(&n); err != nil {
				return nil, fmt.Errorf("count shipped changes: %w", err)
			}
			counts[d.ID] = n
		case d.Result == ResultSuccess:
			n, err := w.walk(ctx, l, d, !shippedBefore)
			if err != nil {
				return nil, err
			}
			counts[d.ID] = n
		default:
			counts[d.ID] = 0
		}
		if d.Result == ResultSuccess {
			shippedBefore = true
		}
	}
	return counts, nil
}

// walk records the changes reachable from d's commit not yet shipped to
// its environment. Commits not stored (not sent yet, or beyond a shallow
// clone) end their path.
func (w *walker) walk(ctx context.Context, l line, d Deployment, baseline bool) (int, error) {
	stack := []string{d.SHA}
	seen := map[string]bool{d.SHA: true}
	n := 0
	for len(stack) > 0 {
		sha := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		var id int64
		var parents string
		var shipped bool
		err := w.find.QueryRowContext(ctx, l.component, sha, l.env).Scan(&id, &parents, &shipped)
		if errors.Is(err, sql.ErrNoRows) || err == nil && shipped {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("walk %s: %w", sha, err)
		}
		if _, err := w.insert.ExecContext(ctx, d.ID, id, l.env, baseline); err != nil {
			return 0, fmt.Errorf("ship %s: %w", sha, err)
		}
		n++
		for _, p := range strings.Fields(parents) {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	return n, nil
}
