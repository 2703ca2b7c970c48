package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/notify"
)

// IncidentInput opens an incident by hand.
type IncidentInput struct {
	Title    string `json:"title"`
	Severity string `json:"severity"`
	// Entity is the main affected entity; Entities may name more.
	Entity   string   `json:"entity"`
	Entities []string `json:"affected_entities"`
	// Message is the first timeline entry, shown publicly when Public.
	Message    string `json:"message"`
	Public     bool   `json:"public"`
	Deployment string `json:"deployment"`
}

// UpdateInput adds a timeline entry and may move the status or severity.
type UpdateInput struct {
	Status   string `json:"status"`
	Severity string `json:"severity,omitempty"`
	Body     string `json:"body"`
	Public   bool   `json:"public"`
}

// resolveRefs checks that every reference names a catalog entity and
// returns their keys.
func (s *Store) resolveRefs(ctx context.Context, field string, refs []string) ([]string, error) {
	keys := make([]string, 0, len(refs))
	seen := map[string]bool{}
	for i, raw := range refs {
		f := field
		if len(refs) > 1 || field == "affected_entities" {
			f = fmt.Sprintf("%s[%d]", field, i)
		}
		ref, err := catalog.ParseRef(raw, "Component", catalog.DefaultNamespace)
		if err != nil {
			return nil, apperr.Field(f, "%s", apperr.As(err).Message)
		}
		if _, err := s.catalog.Get(ctx, ref); err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return nil, apperr.Field(f, "%s is not in the catalog", ref)
			}
			return nil, err
		}
		if !seen[ref.Key()] {
			seen[ref.Key()] = true
			keys = append(keys, ref.Key())
		}
	}
	return keys, nil
}

// OpenIncident opens an incident by hand; a person opened it, so it is
// managed and acknowledged from the start.
func (s *Store) OpenIncident(ctx context.Context, in IncidentInput) (Incident, error) {
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return Incident{}, apperr.Field("title", "an incident needs a title")
	}
	if in.Severity == "" {
		in.Severity = "major"
	}
	if SeverityRank(in.Severity) == 0 {
		return Incident{}, apperr.Field("severity", "%q is not one of %s", in.Severity, strings.Join(Severities, ", "))
	}
	main, err := s.resolveRefs(ctx, "entity", []string{in.Entity})
	if err != nil {
		return Incident{}, err
	}
	others, err := s.resolveRefs(ctx, "affected_entities", in.Entities)
	if err != nil {
		return Incident{}, err
	}
	actor := audit.ActorFrom(ctx).Name
	now := s.now().UTC().Truncate(time.Second)
	var id int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO incidents (title, severity, status, entity_ref, auto, managed, opened_at, acknowledged_at, deployment, created_by, updated_at)
			VALUES ($1, $2, 'investigating', $3, FALSE, TRUE, $4, $4, $5, $6, $4) RETURNING id`,
			in.Title, in.Severity, main[0], unix(now), in.Deployment, actor).Scan(&id)
		if err != nil {
			return fmt.Errorf("open incident: %w", err)
		}
		if err := setEntities(ctx, tx, id, append(main, others...)); err != nil {
			return err
		}
		body := strings.TrimSpace(in.Message)
		if body == "" {
			body = "Incident opened."
		}
		if err := addUpdate(ctx, tx, id, now, actor, "investigating", body, in.Public); err != nil {
			return err
		}
		if err := s.tellIncident(ctx, tx, notify.KindIncidentOpened, id, in.Title, in.Severity, main[0], body, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "create", "incident", fmt.Sprint(id), map[string]audit.Change{
			"title": {New: in.Title}, "severity": {New: in.Severity}, "entity": {New: main[0]}})
	})
	if err != nil {
		return Incident{}, err
	}
	return s.Incident(ctx, id)
}

func setEntities(ctx context.Context, tx *db.Tx, id int64, keys []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM incident_entities WHERE incident_id = $1`, id); err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO incident_entities (incident_id, entity_ref) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, k); err != nil {
			return err
		}
	}
	return nil
}

// UpdateIncident adds a timeline entry. Whoever updates an incident takes
// it over: it is acknowledged and no longer resolved automatically.
// Moving it to resolved closes it; moving a resolved one back reopens it.
func (s *Store) UpdateIncident(ctx context.Context, id int64, in UpdateInput) (Incident, error) {
	inc, err := s.Incident(ctx, id)
	if err != nil {
		return inc, err
	}
	if in.Status == "" {
		in.Status = inc.Status
	}
	if !slices.Contains(Statuses, in.Status) {
		return inc, apperr.Field("status", "%q is not one of %s", in.Status, strings.Join(Statuses, ", "))
	}
	if in.Severity != "" && SeverityRank(in.Severity) == 0 {
		return inc, apperr.Field("severity", "%q is not one of %s", in.Severity, strings.Join(Severities, ", "))
	}
	if in.Severity == "" {
		in.Severity = inc.Severity
	}
	in.Body = strings.TrimSpace(in.Body)
	if in.Body == "" {
		return inc, apperr.Field("body", "say what changed")
	}
	actor := audit.ActorFrom(ctx).Name
	now := s.now().UTC().Truncate(time.Second)
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		var resolved any
		if in.Status == "resolved" {
			resolved = unix(now)
			if inc.ResolvedAt != nil {
				resolved = unix(*inc.ResolvedAt)
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE incidents SET status = $1, severity = $2, managed = TRUE,
			acknowledged_at = COALESCE(acknowledged_at, $3), resolved_at = $4, updated_at = $3 WHERE id = $5`,
			in.Status, in.Severity, unix(now), resolved, id)
		if db.IsUniqueViolation(err) {
			return apperr.New(apperr.Conflict, "another automatic incident is open for %s; update that one", inc.Entity)
		}
		if err != nil {
			return fmt.Errorf("update incident: %w", err)
		}
		if err := addUpdate(ctx, tx, id, now, actor, in.Status, in.Body, in.Public); err != nil {
			return err
		}
		kind := notify.KindIncidentUpdated
		if in.Status == "resolved" && inc.ResolvedAt == nil {
			kind = notify.KindIncidentResolved
		}
		if err := s.tellIncident(ctx, tx, kind, id, inc.Title, in.Severity, inc.Entity, in.Body, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "update", "incident", fmt.Sprint(id), audit.Diff(
			map[string]any{"status": inc.Status, "severity": inc.Severity},
			map[string]any{"status": in.Status, "severity": in.Severity}))
	})
	if err != nil {
		return inc, err
	}
	return s.Incident(ctx, id)
}

// Acknowledge records that a person is on the incident.
func (s *Store) Acknowledge(ctx context.Context, id int64) (Incident, error) {
	inc, err := s.Incident(ctx, id)
	if err != nil || inc.AcknowledgedAt != nil {
		return inc, err
	}
	actor := audit.ActorFrom(ctx).Name
	now := s.now().UTC().Truncate(time.Second)
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET acknowledged_at = $1, managed = TRUE, updated_at = $1 WHERE id = $2`, unix(now), id); err != nil {
			return err
		}
		if err := addUpdate(ctx, tx, id, now, actor, inc.Status, "Acknowledged by "+strings.TrimPrefix(actor, "user:")+".", false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "acknowledge", "incident", fmt.Sprint(id), nil)
	})
	if err != nil {
		return inc, err
	}
	return s.Incident(ctx, id)
}

// IncidentDetails are the fields of an incident edited as a whole.
type IncidentDetails struct {
	Title      string     `json:"title"`
	Entities   []string   `json:"affected_entities"`
	Deployment string     `json:"deployment"`
	Postmortem Postmortem `json:"postmortem"`
}

// SetDetails replaces an incident's title, affected entities, causing
// deployment and postmortem.
func (s *Store) SetDetails(ctx context.Context, id int64, in IncidentDetails) (Incident, error) {
	inc, err := s.Incident(ctx, id)
	if err != nil {
		return inc, err
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return inc, apperr.Field("title", "an incident needs a title")
	}
	if err := in.Postmortem.Validate(); err != nil {
		return inc, err
	}
	keys, err := s.resolveRefs(ctx, "affected_entities", in.Entities)
	if err != nil {
		return inc, err
	}
	if !slices.Contains(keys, inc.Entity) {
		keys = append([]string{inc.Entity}, keys...)
	}
	if in.Postmortem.ActionItems == nil {
		in.Postmortem.ActionItems = []ActionItem{}
	}
	pm, _ := json.Marshal(in.Postmortem)
	oldPM, _ := json.Marshal(inc.Postmortem)
	now := s.now().UTC().Truncate(time.Second)
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET title = $1, deployment = $2, postmortem = $3, updated_at = $4 WHERE id = $5`,
			in.Title, strings.TrimSpace(in.Deployment), string(pm), unix(now), id); err != nil {
			return err
		}
		if err := setEntities(ctx, tx, id, keys); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "update", "incident", fmt.Sprint(id), audit.Diff(
			map[string]any{"title": inc.Title, "deployment": inc.Deployment, "postmortem": string(oldPM), "entities": strings.Join(inc.Entities, ",")},
			map[string]any{"title": in.Title, "deployment": strings.TrimSpace(in.Deployment), "postmortem": string(pm), "entities": strings.Join(keys, ",")}))
	})
	if err != nil {
		return inc, err
	}
	return s.Incident(ctx, id)
}

// tellIncident routes a message about a change people made to an incident
// to the channels of the owning team, in the transaction of the change.
func (s *Store) tellIncident(ctx context.Context, tx *db.Tx, kind notify.Kind, id int64, title, severity, entity, text string, at time.Time) error {
	_, err := notify.Route(ctx, tx, notify.Message{
		EventKey: fmt.Sprintf("incident:%d:%s:%d", id, kind, at.UnixNano()),
		Kind:     kind, Severity: severity, Title: title, Text: text,
		Entity: entity, Team: s.owner(ctx, entity),
		URL: s.BaseURL + fmt.Sprintf("/incidents/%d", id), At: at,
		Fields: map[string]string{"incident": fmt.Sprint(id)},
	})
	return err
}
