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
	tx      *db.Tx
	find    *sql.Stmt
	insert  *sql.Stmt
	missing *sql.Stmt
	// touched collects the commits whose shipping a call of ship changed.
	touched []string
}

func newWalker(ctx context.Context, tx *db.Tx) (*walker, error) {
	w := &walker{tx: tx}
	for _, s := range []struct {
		dst **sql.Stmt
		q   string
	}{
		{&w.find, `SELECT c.id, c.parents,
			EXISTS (SELECT 1 FROM delivery_shipped s WHERE s.change_id = c.id AND s.environment = $3)
			FROM delivery_changes c WHERE c.component_ref = $1 AND c.sha = $2`},
		{&w.insert, `INSERT INTO delivery_shipped (deployment_id, change_id, environment, baseline) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`},
		{&w.missing, `INSERT INTO delivery_missing (component_ref, sha, deployment_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`},
	} {
		stmt, err := tx.PrepareContext(ctx, s.q)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("prepare walk: %w", err)
		}
		*s.dst = stmt
	}
	return w, nil
}

func (w *walker) close() {
	for _, s := range []*sql.Stmt{w.find, w.insert, w.missing} {
		if s != nil {
			s.Close()
		}
	}
}

// ship forgets what the line's deployments from `from` on shipped and walks
// them again in time order. Only successful deployments ship: a failed or
// pending one leaves its commits to the next that succeeds. The first
// deployment of a line that ships anything has nothing to diff against:
// what it shipped is recorded as baseline and not counted. It returns the
// number of changes each deployment from `from` on shipped, and the
// commits whose shipping changed (forgotten or shipped again).
func (w *walker) ship(ctx context.Context, l line, deps []Deployment, from pos, shippedBefore bool) (map[int64]int, []string, error) {
	var walked []any
	for i := range deps {
		if d := &deps[i]; !posOf(d).before(from) {
			walked = append(walked, d.ID)
		}
	}
	w.touched = w.touched[:0]
	for start := 0; start < len(walked); start += 400 {
		chunk := walked[start:min(start+400, len(walked))]
		if err := w.forgotten(ctx, chunk); err != nil {
			return nil, nil, err
		}
		for _, table := range []string{"delivery_shipped", "delivery_missing"} {
			if _, err := w.tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE deployment_id IN (`+db.Placeholders(1, len(chunk))+`)`, chunk...); err != nil {
				return nil, nil, fmt.Errorf("forget shipped changes: %w", err)
			}
		}
	}
	counts := map[int64]int{}
	for _, d := range deps {
		if posOf(&d).before(from) {
			continue
		}
		n := 0
		if d.Result == ResultSuccess {
			var err error
			if d.Explicit {
				n, err = w.shipListed(ctx, l, d)
			} else {
				n, err = w.walk(ctx, l, d, !shippedBefore)
			}
			if err != nil {
				return nil, nil, err
			}
		}
		counts[d.ID] = n
		shippedBefore = shippedBefore || n > 0
	}
	return counts, w.touched, nil
}

// forgotten notes the commits the deployments in ids shipped, before they
// are forgotten.
func (w *walker) forgotten(ctx context.Context, ids []any) error {
	rows, err := w.tx.QueryContext(ctx, `SELECT c.sha FROM delivery_shipped s JOIN delivery_changes c ON c.id = s.change_id
		WHERE s.deployment_id IN (`+db.Placeholders(1, len(ids))+`)`, ids...)
	if err != nil {
		return fmt.Errorf("read shipped changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			return err
		}
		w.touched = append(w.touched, sha)
	}
	return rows.Err()
}

// walk records the changes reachable from d's commit not yet shipped to
// its environment. A commit not stored (not sent yet, or beyond a shallow
// clone) ends its path and is remembered, so that its arrival walks the
// line again from d.
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
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := w.missing.ExecContext(ctx, l.component, sha, d.ID); err != nil {
				return 0, fmt.Errorf("remember missing %s: %w", sha, err)
			}
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("walk %s: %w", sha, err)
		}
		if shipped {
			continue
		}
		if _, err := w.insert.ExecContext(ctx, d.ID, id, l.env, baseline); err != nil {
			return 0, fmt.Errorf("ship %s: %w", sha, err)
		}
		w.touched = append(w.touched, sha)
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

// shipListed records the changes the source listed for d, those not
// shipped to its environment before.
func (w *walker) shipListed(ctx context.Context, l line, d Deployment) (int, error) {
	n := 0
	for _, sha := range strings.Fields(d.listed) {
		var id int64
		var parents string
		var shipped bool
		err := w.find.QueryRowContext(ctx, l.component, sha, l.env).Scan(&id, &parents, &shipped)
		if errors.Is(err, sql.ErrNoRows) || err == nil && shipped {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("ship %s: %w", sha, err)
		}
		if _, err := w.insert.ExecContext(ctx, d.ID, id, l.env, false); err != nil {
			return 0, fmt.Errorf("ship %s: %w", sha, err)
		}
		w.touched = append(w.touched, sha)
		n++
	}
	return n, nil
}
