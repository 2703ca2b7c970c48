package reliability

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

// openAutoIncident returns the open incident a monitor opened for an
// entity, if any.
func openAutoIncident(ctx context.Context, tx *db.Tx, entityKey string) (id int64, managed bool, severity string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT id, managed, severity FROM incidents WHERE entity_ref = $1 AND auto AND resolved_at IS NULL`, entityKey).
		Scan(&id, &managed, &severity)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, "", nil
	}
	return id, managed, severity, err
}

// monitorDown opens an incident for the monitor's entity, or notes the
// monitor on the one already open: one incident per entity and outage.
func (s *Store) monitorDown(ctx context.Context, tx *db.Tx, m Monitor, at time.Time, reason string) error {
	id, _, severity, err := openAutoIncident(ctx, tx, m.EntityKey)
	if err != nil {
		return fmt.Errorf("find open incident: %w", err)
	}
	author := "monitor:" + m.Name
	if id != 0 {
		if SeverityRank(m.Severity) > SeverityRank(severity) {
			if _, err := tx.ExecContext(ctx, `UPDATE incidents SET severity = $1, updated_at = $2 WHERE id = $3`, m.Severity, unix(at), id); err != nil {
				return err
			}
		}
		return addUpdate(ctx, tx, id, at, author, "investigating", fmt.Sprintf("Monitor %s is down too: %s", m.Name, reason), false)
	}
	name := publicName(ctx, tx, m.EntityKey)
	title := name + " is down"
	err = tx.QueryRowContext(ctx, `INSERT INTO incidents (title, severity, status, entity_ref, auto, opened_at, created_by, updated_at)
		VALUES ($1, $2, 'investigating', $3, TRUE, $4, $5, $4) RETURNING id`, title, m.Severity, m.EntityKey, unix(at), author).Scan(&id)
	if err != nil {
		return fmt.Errorf("open incident: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO incident_entities (incident_id, entity_ref) VALUES ($1, $2)`, id, m.EntityKey); err != nil {
		return err
	}
	if err := addUpdate(ctx, tx, id, at, author, "investigating", "We are investigating a problem with "+name+".", true); err != nil {
		return err
	}
	return addUpdate(ctx, tx, id, at, author, "investigating", fmt.Sprintf("Monitor %s went down: %s", m.Name, reason), false)
}

// monitorUp notes a recovery and resolves the entity's automatic incident
// when all its monitors are up and no person has taken it over.
func (s *Store) monitorUp(ctx context.Context, tx *db.Tx, m Monitor, at time.Time, entityUp bool) error {
	id, managed, _, err := openAutoIncident(ctx, tx, m.EntityKey)
	if err != nil || id == 0 {
		return err
	}
	author := "monitor:" + m.Name
	if err := addUpdate(ctx, tx, id, at, author, "monitoring", fmt.Sprintf("Monitor %s is up again.", m.Name), false); err != nil {
		return err
	}
	if !entityUp {
		return nil
	}
	if managed {
		return addUpdate(ctx, tx, id, at, author, "monitoring", "All monitors pass again; the incident stays open because a person took it over.", false)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE incidents SET status = 'resolved', resolved_at = $1, updated_at = $1 WHERE id = $2`, unix(at), id); err != nil {
		return fmt.Errorf("resolve incident: %w", err)
	}
	return addUpdate(ctx, tx, id, at, author, "resolved", "Resolved: all checks of "+publicName(ctx, tx, m.EntityKey)+" pass again.", true)
}

func addUpdate(ctx context.Context, tx *db.Tx, incident int64, at time.Time, author, status, body string, public bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO incident_updates (incident_id, at, author, status, body, public) VALUES ($1, $2, $3, $4, $5, $6)`,
		incident, unix(at), author, status, body, public)
	if err != nil {
		return fmt.Errorf("add incident update: %w", err)
	}
	return nil
}

// entityName is the name part of a catalog key, for titles.
func entityName(key string) string {
	ref, err := catalog.ParseRef(key, "Component", catalog.DefaultNamespace)
	if err != nil {
		return key
	}
	return ref.Name
}

// publicName is what the public calls an entity: its name on the status
// page when it is there, else its catalog name. Automatic incidents are
// titled with it, since their first update is public.
func publicName(ctx context.Context, tx *db.Tx, entityKey string) string {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT display_name FROM status_page WHERE entity_ref = $1`, entityKey).Scan(&name)
	if err != nil || name == "" {
		return entityName(entityKey)
	}
	return name
}
