package radar

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// DecisionStatus is where a decision record stands.
type DecisionStatus string

// The statuses of a decision record.
const (
	StatusProposed   DecisionStatus = "proposed"
	StatusAccepted   DecisionStatus = "accepted"
	StatusRejected   DecisionStatus = "rejected"
	StatusDeprecated DecisionStatus = "deprecated"
	// StatusSuperseded goes with Decision.SupersededBy.
	StatusSuperseded DecisionStatus = "superseded"
)

// DecisionStatuses lists the statuses in the order forms offer them.
var DecisionStatuses = []DecisionStatus{StatusProposed, StatusAccepted, StatusRejected, StatusDeprecated, StatusSuperseded}

// Layout is the file layout a decision record came from, which an export
// writes it back in.
type Layout string

// The layouts. LayoutNone is a record made in Chief; exports write it as
// MADR.
const (
	LayoutNone Layout = ""
	// LayoutADRTools is adr-tools: "# 1. Title", "Date: ...", "## Status".
	LayoutADRTools Layout = "adr-tools"
	// LayoutMADR is MADR with YAML front matter (status, date, deciders).
	LayoutMADR Layout = "madr"
	// LayoutMADRList is older MADR with "* Status: ..." lines.
	LayoutMADRList Layout = "madr-list"
)

// Decision is an architecture decision record.
type Decision struct {
	ID     int64  `json:"id"`
	Number int    `json:"number"`
	Title  string `json:"title"`
	// Date is when it was decided (midnight UTC), zero when the record
	// gives none.
	Date   time.Time      `json:"date"`
	Status DecisionStatus `json:"status"`
	// SupersededBy is the number of the decision that replaced it, 0 if none.
	SupersededBy int      `json:"superseded_by"`
	Deciders     []string `json:"deciders"`
	// Body is Markdown: context, decision, consequences.
	Body string `json:"body"`
	// Technologies are the names of the technologies it concerns; Entities
	// the catalog keys of the entities.
	Technologies []string `json:"technologies"`
	Entities     []string `json:"entities"`
	Layout       Layout   `json:"layout"`
	// FileName is the file it was imported from, which exports reuse.
	FileName  string    `json:"file_name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	extra decisionExtra
}

// decisionExtra keeps the parts of a record's file that Chief does not
// model, so that an export writes them back.
type decisionExtra struct {
	// Front is MADR front matter other than status, date and deciders, as YAML.
	Front string `json:"front,omitempty"`
	// DecidersKey is the front matter key deciders came under
	// ("decision-makers" in MADR 4), empty for "deciders".
	DecidersKey string `json:"deciders_key,omitempty"`
	// DecidersList is set when front matter gave deciders as a YAML list.
	DecidersList bool `json:"deciders_list,omitempty"`
	// Bullets are MADR "* Key: value" lines other than status, date, deciders.
	Bullets []string `json:"bullets,omitempty"`
	// Notes are adr-tools status lines other than the status and
	// "Supersedes", such as "Amended by [...]".
	Notes []string `json:"notes,omitempty"`
	// Preamble is adr-tools text between the title and ## Status other
	// than the date.
	Preamble string `json:"preamble,omitempty"`
}

// DecisionInput creates or changes a decision record.
type DecisionInput struct {
	// Number is 0 on create for the next free number.
	Number       int            `json:"number"`
	Title        string         `json:"title"`
	Date         time.Time      `json:"date"`
	Status       DecisionStatus `json:"status"`
	SupersededBy int            `json:"superseded_by"`
	Deciders     []string       `json:"deciders"`
	Body         string         `json:"body"`
	// Technologies are names matched by Slug; Entities catalog references
	// (kind defaults to Component).
	Technologies []string `json:"technologies"`
	Entities     []string `json:"entities"`
}

// Validate checks the input's shape; the store checks what it refers to.
func (in *DecisionInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Status = DecisionStatus(strings.ToLower(strings.TrimSpace(string(in.Status))))
	switch {
	case in.Number < 0 || in.Number > 999999:
		return apperr.Field("number", "must be between 1 and 999999")
	case in.Title == "":
		return apperr.Field("title", "is required")
	case len(in.Title) > 300:
		return apperr.Field("title", "is longer than 300 characters")
	case !slices.Contains(DecisionStatuses, in.Status):
		return apperr.Field("status", "%q is not a status: use proposed, accepted, rejected, deprecated or superseded", in.Status)
	case in.Status == StatusSuperseded && in.SupersededBy <= 0:
		return apperr.Field("superseded_by", "is required for a superseded decision: the number of the one that replaces it")
	case in.Status != StatusSuperseded && in.SupersededBy != 0:
		return apperr.Field("superseded_by", "is only for a superseded decision")
	case in.SupersededBy != 0 && in.SupersededBy == in.Number:
		return apperr.Field("superseded_by", "a decision cannot supersede itself")
	case len(in.Body) > 200000:
		return apperr.Field("body", "is longer than 200000 characters")
	}
	if !in.Date.IsZero() {
		in.Date = dateOf(in.Date)
	}
	var deciders []string
	for i, d := range in.Deciders {
		d = strings.TrimSpace(d)
		if d == "" {
			return apperr.Field(fmt.Sprintf("deciders[%d]", i), "is empty")
		}
		deciders = append(deciders, d)
	}
	in.Deciders = deciders
	return nil
}

const decisionColumns = `id, number, title, decided_on, status, COALESCE(superseded_by, 0), deciders, body, layout, file_name, extra, created_at, updated_at`

func scanDecision(row interface{ Scan(...any) error }) (Decision, error) {
	var d Decision
	var date sql.NullInt64
	var deciders, extra string
	var created, updated int64
	err := row.Scan(&d.ID, &d.Number, &d.Title, &date, &d.Status, &d.SupersededBy, &deciders, &d.Body, &d.Layout, &d.FileName, &extra, &created, &updated)
	if err != nil {
		return d, err
	}
	if date.Valid {
		d.Date = fromUnix(date.Int64)
	}
	if err := errors.Join(json.Unmarshal([]byte(deciders), &d.Deciders), json.Unmarshal([]byte(extra), &d.extra)); err != nil {
		return d, fmt.Errorf("decision %d: %w", d.Number, err)
	}
	d.CreatedAt, d.UpdatedAt = fromUnix(created), fromUnix(updated)
	d.Technologies, d.Entities = []string{}, []string{}
	return d, nil
}

// DecisionQuery filters Decisions; empty fields do not filter.
type DecisionQuery struct {
	Status DecisionStatus `json:"status"`
	// Technology keeps decisions linked to it (a name, matched by Slug).
	Technology string `json:"technology"`
	// Entity keeps decisions linked to it (a catalog reference).
	Entity string `json:"entity"`
}

// Validate checks the status.
func (q *DecisionQuery) Validate() error {
	if q.Status != "" && !slices.Contains(DecisionStatuses, q.Status) {
		return apperr.Field("status", "%q is not a status: use proposed, accepted, rejected, deprecated or superseded", q.Status)
	}
	return nil
}

// Decisions lists decision records by number, with their links.
func (s *Store) Decisions(ctx context.Context, q DecisionQuery) ([]Decision, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	w := &db.Where{}
	if q.Status != "" {
		w.Add("status = ?", string(q.Status))
	}
	if q.Technology != "" {
		w.Add("id IN (SELECT l.decision_id FROM radar_decision_technologies l JOIN radar_technologies t ON t.id = l.technology_id WHERE t.slug = ?)", Slug(q.Technology))
	}
	if q.Entity != "" {
		w.Add("id IN (SELECT decision_id FROM radar_decision_entities WHERE entity_ref = ?)", refKey(q.Entity, "Component"))
	}
	return s.queryDecisions(ctx, `SELECT `+decisionColumns+` FROM radar_decisions`+w.String()+` ORDER BY number`, w.Args...)
}

func (s *Store) queryDecisions(ctx context.Context, q string, args ...any) ([]Decision, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list decisions: %w", err)
	}
	out := []Decision{}
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.fillLinks(ctx, out)
}

// fillLinks reads the technologies and entities of list.
func (s *Store) fillLinks(ctx context.Context, list []Decision) error {
	if len(list) == 0 {
		return nil
	}
	byID := map[int64]*Decision{}
	for i := range list {
		byID[list[i].ID] = &list[i]
	}
	rows, err := s.db.Query(ctx, `SELECT l.decision_id, t.name FROM radar_decision_technologies l JOIN radar_technologies t ON t.id = l.technology_id`)
	if err != nil {
		return fmt.Errorf("read decision links: %w", err)
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return err
		}
		if d := byID[id]; d != nil {
			d.Technologies = append(d.Technologies, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.db.Query(ctx, `SELECT decision_id, entity_ref FROM radar_decision_entities`)
	if err != nil {
		return fmt.Errorf("read decision links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return err
		}
		if d := byID[id]; d != nil {
			d.Entities = append(d.Entities, ref)
		}
	}
	for i := range list {
		sortLinks(list[i].Technologies, list[i].Entities)
	}
	return rows.Err()
}

// sortLinks puts a decision's links in the one order they are kept and
// compared in: technologies by slug, entities by key. Sorting here rather
// than in SQL keeps the order the same on both engines, whatever their
// collation.
func sortLinks(technologies, entities []string) {
	slices.SortFunc(technologies, func(a, b string) int { return strings.Compare(Slug(a), Slug(b)) })
	slices.Sort(entities)
}

// Decision returns one decision record by number, or not found.
func (s *Store) Decision(ctx context.Context, number int) (Decision, error) {
	list, err := s.queryDecisions(ctx, `SELECT `+decisionColumns+` FROM radar_decisions WHERE number = $1`, number)
	if err != nil {
		return Decision{}, err
	}
	if len(list) == 0 {
		return Decision{}, apperr.New(apperr.NotFound, "no decision number %d", number)
	}
	return list[0], nil
}
