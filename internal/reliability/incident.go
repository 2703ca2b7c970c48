package reliability

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// Incident statuses, in the order an incident usually moves through them.
var Statuses = []string{"investigating", "identified", "monitoring", "resolved"}

// Incident is an outage or degradation someone must deal with.
type Incident struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Status   string `json:"status"`
	// Entity is the main affected entity's catalog key; Entities all of them.
	Entity   string   `json:"entity"`
	Entities []string `json:"affected_entities"`
	// Auto incidents were opened by a monitor. Managed ones were taken over
	// by a person and are not resolved automatically.
	Auto           bool       `json:"auto"`
	Managed        bool       `json:"managed"`
	OpenedAt       time.Time  `json:"opened_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	ResolvedAt     *time.Time `json:"resolved_at"`
	// Deployment names the deployment that caused it, when known.
	Deployment string           `json:"deployment"`
	Postmortem Postmortem       `json:"postmortem"`
	CreatedBy  string           `json:"created_by"`
	Updates    []IncidentUpdate `json:"updates,omitempty"`
}

// TimeToAcknowledge is how long the incident waited for a person; nil
// while nobody has.
func (i Incident) TimeToAcknowledge() *time.Duration { return since(i.OpenedAt, i.AcknowledgedAt) }

// TimeToResolve is how long the incident lasted; nil while open.
func (i Incident) TimeToResolve() *time.Duration { return since(i.OpenedAt, i.ResolvedAt) }

func since(from time.Time, to *time.Time) *time.Duration {
	if to == nil {
		return nil
	}
	d := to.Sub(from)
	return &d
}

// Postmortem is what was learned from an incident.
type Postmortem struct {
	Summary     string       `json:"summary"`
	Impact      string       `json:"impact"`
	RootCause   string       `json:"root_cause"`
	WentWell    string       `json:"went_well"`
	ActionItems []ActionItem `json:"action_items"`
}

// ActionItem is a follow-up with an owner and a due date (YYYY-MM-DD).
type ActionItem struct {
	Title string `json:"title"`
	Owner string `json:"owner"`
	Due   string `json:"due"`
	Done  bool   `json:"done"`
}

// Validate checks the action items.
func (p *Postmortem) Validate() error {
	for i, a := range p.ActionItems {
		if strings.TrimSpace(a.Title) == "" {
			return apperr.Field(fmt.Sprintf("action_items[%d].title", i), "an action item needs a title")
		}
		if strings.TrimSpace(a.Owner) == "" {
			return apperr.Field(fmt.Sprintf("action_items[%d].owner", i), "an action item needs an owner")
		}
		if _, err := time.Parse(time.DateOnly, a.Due); err != nil {
			return apperr.Field(fmt.Sprintf("action_items[%d].due", i), "%q is not a date such as 2026-12-31", a.Due)
		}
	}
	return nil
}

// IncidentUpdate is one entry of an incident's timeline. Public entries
// appear on the status page.
type IncidentUpdate struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Author string    `json:"author"`
	Status string    `json:"status"`
	Body   string    `json:"body"`
	Public bool      `json:"public"`
}

const incidentColumns = `id, title, severity, status, entity_ref, auto, managed, opened_at, acknowledged_at, resolved_at, deployment, postmortem, created_by`

func scanIncident(row interface{ Scan(...any) error }) (Incident, error) {
	var i Incident
	var opened int64
	var acked, resolved *int64
	var pm string
	err := row.Scan(&i.ID, &i.Title, &i.Severity, &i.Status, &i.Entity, &i.Auto, &i.Managed, &opened, &acked, &resolved, &i.Deployment, &pm, &i.CreatedBy)
	if err != nil {
		return i, err
	}
	i.OpenedAt, i.AcknowledgedAt, i.ResolvedAt = fromUnix(opened), fromUnixPtr(acked), fromUnixPtr(resolved)
	if err := json.Unmarshal([]byte(pm), &i.Postmortem); err != nil {
		return i, fmt.Errorf("incident %d postmortem: %w", i.ID, err)
	}
	if i.Postmortem.ActionItems == nil {
		i.Postmortem.ActionItems = []ActionItem{}
	}
	return i, nil
}

// IncidentFilter narrows an incident listing.
type IncidentFilter struct {
	// Open keeps unresolved incidents; Resolved keeps resolved ones.
	Open, Resolved bool
	// Entity keeps incidents affecting this catalog key.
	Entity string
	// Since keeps incidents opened at or after it.
	Since time.Time
	Limit int
}

// Incidents lists incidents, newest first, with their affected entities.
func (s *Store) Incidents(ctx context.Context, f IncidentFilter) ([]Incident, error) {
	var w db.Where
	if f.Open && !f.Resolved {
		w.Add("resolved_at IS NULL")
	}
	if f.Resolved && !f.Open {
		w.Add("resolved_at IS NOT NULL")
	}
	if f.Entity != "" {
		w.Add("id IN (SELECT incident_id FROM incident_entities WHERE entity_ref = ?)", f.Entity)
	}
	if !f.Since.IsZero() {
		w.Add("opened_at >= ?", unix(f.Since))
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	q := `SELECT ` + incidentColumns + ` FROM incidents` + w.String() + fmt.Sprintf(` ORDER BY opened_at DESC, id DESC LIMIT %d`, f.Limit)
	rows, err := s.db.Query(ctx, q, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.fillEntities(ctx, out)
}

func (s *Store) fillEntities(ctx context.Context, incs []Incident) error {
	for k := range incs {
		rows, err := s.db.Query(ctx, `SELECT entity_ref FROM incident_entities WHERE incident_id = $1 ORDER BY entity_ref`, incs[k].ID)
		if err != nil {
			return err
		}
		incs[k].Entities = []string{}
		for rows.Next() {
			var ref string
			if err := rows.Scan(&ref); err != nil {
				rows.Close()
				return err
			}
			incs[k].Entities = append(incs[k].Entities, ref)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Incident returns one incident with its timeline, or not found.
func (s *Store) Incident(ctx context.Context, id int64) (Incident, error) {
	i, err := scanIncident(s.db.QueryRow(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return i, apperr.New(apperr.NotFound, "no incident %d", id)
	}
	if err != nil {
		return i, err
	}
	incs := []Incident{i}
	if err := s.fillEntities(ctx, incs); err != nil {
		return i, err
	}
	i = incs[0]
	rows, err := s.db.Query(ctx, `SELECT id, at, author, status, body, public FROM incident_updates WHERE incident_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return i, err
	}
	defer rows.Close()
	for rows.Next() {
		var u IncidentUpdate
		var at int64
		if err := rows.Scan(&u.ID, &at, &u.Author, &u.Status, &u.Body, &u.Public); err != nil {
			return i, err
		}
		u.At = fromUnix(at)
		i.Updates = append(i.Updates, u)
	}
	return i, rows.Err()
}
