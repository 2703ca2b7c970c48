package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// DeploymentQuery filters the deployment log. Empty fields do not filter.
type DeploymentQuery struct {
	Scope
	Window Window
	// Environment is one environment's name, or "production" for every
	// production environment; "all" or "" for every environment.
	Environment string
	// Result is pending, success or failure.
	Result string
	// Failed and Rework keep only deployments that failed or were rework;
	// Finished leaves out pending ones, as the keys do.
	Failed   bool
	Rework   bool
	Finished bool
	// Sort is finished (newest first, the default), lead or component.
	Sort   string
	Limit  int
	Offset int
}

// Validate fills defaults and checks the filters.
func (q *DeploymentQuery) Validate() error {
	if q.Limit == 0 {
		q.Limit = 50
	}
	if q.Limit < 1 || q.Limit > 500 {
		return apperr.Field("limit", "must be between 1 and 500")
	}
	if q.Offset < 0 {
		return apperr.Field("offset", "must not be negative")
	}
	switch q.Result {
	case "", ResultPending, ResultSuccess, ResultFailure:
	default:
		return apperr.Field("result", "must be pending, success or failure")
	}
	switch q.Sort {
	case "":
		q.Sort = "finished"
	case "finished", "started", "component", "changes":
	default:
		return apperr.Field("sort", "must be finished, started, component or changes")
	}
	return nil
}

var deploymentOrder = map[string]string{
	"finished": "COALESCE(finished_at, started_at) DESC, id DESC", "started": "started_at DESC, id DESC",
	"component": "component_ref, COALESCE(finished_at, started_at) DESC, id DESC", "changes": "change_count DESC, id DESC",
}

// Deployments returns a page of the deployment log and the number of
// deployments that match on all pages.
func (s *Store) Deployments(ctx context.Context, q DeploymentQuery) ([]Deployment, int, error) {
	if err := q.Validate(); err != nil {
		return nil, 0, err
	}
	set, _, err := s.members(ctx, q.Scope)
	if err != nil {
		return nil, 0, err
	}
	var w db.Where
	if !q.Window.Start.IsZero() {
		w.Add("COALESCE(finished_at, started_at) >= ? AND COALESCE(finished_at, started_at) < ?", q.Window.Start.Unix(), q.Window.End.Unix())
	}
	if set != nil {
		if len(set) == 0 {
			return nil, 0, nil
		}
		w.Add("component_ref IN (" + keysIn(&w, set) + ")")
	}
	switch env := strings.ToLower(q.Environment); env {
	case "", "all":
	case Production:
		w.Add("production")
	default:
		w.Add("environment = ?", env)
	}
	if q.Result != "" {
		w.Add("result = ?", q.Result)
	}
	if q.Failed {
		w.Add("failed")
	}
	if q.Rework {
		w.Add("rework")
	}
	if q.Finished {
		w.Add("finished_at IS NOT NULL")
	}
	var total int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM delivery_deployments`+w.String(), w.Args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count deployments: %w", err)
	}
	limit, offset := w.Arg(q.Limit), w.Arg(q.Offset)
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+deploymentColumns+` FROM delivery_deployments`+w.String()+
		` ORDER BY `+deploymentOrder[q.Sort]+` LIMIT `+limit+` OFFSET `+offset, w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list deployments: %w", err)
	}
	defer rows.Close()
	var out []Deployment
	for rows.Next() {
		d, err := scanDeployment(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// Deployment returns one deployment, or not found.
func (s *Store) Deployment(ctx context.Context, id int64) (Deployment, error) {
	d, err := scanDeployment(s.db.Read().QueryRowContext(ctx, `SELECT `+deploymentColumns+` FROM delivery_deployments WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.New(apperr.NotFound, "no deployment %d", id)
	}
	return d, err
}

// ShippedChange is a change a deployment shipped, with its lead time.
type ShippedChange struct {
	SHA       string    `json:"sha"`
	Title     string    `json:"title"`
	Author    string    `json:"author"`
	Bot       bool      `json:"bot"`
	StartedAt time.Time `json:"started_at"`
	// Baseline changes shipped with a line's first deployment and are not
	// counted.
	Baseline bool `json:"baseline"`
	// LeadTimeSeconds runs from StartedAt to the deployment's finish.
	LeadTimeSeconds int64 `json:"lead_time_seconds"`
}

// ShippedLimit bounds the changes Shipped lists; ShippedCounts counts all.
const ShippedLimit = 2000

// ShippedCounts counts the changes a deployment shipped: all of them, the
// baseline ones, and those counted in lead time (neither baseline nor by a
// bot).
func (s *Store) ShippedCounts(ctx context.Context, id int64) (total, baseline, counted int, err error) {
	err = s.db.Read().QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN s.baseline THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN NOT s.baseline AND NOT c.bot THEN 1 ELSE 0 END), 0)
		FROM delivery_shipped s JOIN delivery_changes c ON c.id = s.change_id WHERE s.deployment_id = $1`, id).Scan(&total, &baseline, &counted)
	if err != nil {
		err = fmt.Errorf("count shipped changes: %w", err)
	}
	return total, baseline, counted, err
}

// Shipped lists the first ShippedLimit changes a deployment shipped, in
// the order they were started.
func (s *Store) Shipped(ctx context.Context, id int64) ([]ShippedChange, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT c.sha, c.title, c.author, c.bot, c.started_at, s.baseline, COALESCE(d.finished_at, d.started_at) - c.started_at
		FROM delivery_shipped s JOIN delivery_changes c ON c.id = s.change_id JOIN delivery_deployments d ON d.id = s.deployment_id
		WHERE s.deployment_id = $1 ORDER BY c.started_at, c.sha LIMIT `+strconv.Itoa(ShippedLimit), id)
	if err != nil {
		return nil, fmt.Errorf("list shipped changes: %w", err)
	}
	defer rows.Close()
	var out []ShippedChange
	for rows.Next() {
		var c ShippedChange
		var started int64
		if err := rows.Scan(&c.SHA, &c.Title, &c.Author, &c.Bot, &started, &c.Baseline, &c.LeadTimeSeconds); err != nil {
			return nil, err
		}
		c.StartedAt, c.LeadTimeSeconds = fromUnix(started), max(0, c.LeadTimeSeconds)
		out = append(out, c)
	}
	return out, rows.Err()
}

// keysIn adds the keys of set to w, in order, and returns their
// placeholders for an IN list.
func keysIn(w *db.Where, set map[string]bool) string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ph := make([]string, len(keys))
	for i, k := range keys {
		ph[i] = w.Arg(k)
	}
	return strings.Join(ph, ", ")
}
