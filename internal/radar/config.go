package radar

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// Quadrant is one quarter of the radar, a kind of technology.
type Quadrant struct {
	Name string `json:"name"`
}

// Ring is one circle of the radar, how strongly the company recommends a
// technology. Rings are ordered from the innermost.
type Ring struct {
	Name string `json:"name"`
	// Color is a #rrggbb colour for drawings.
	Color string `json:"color"`
}

// Radar is the installation's radar: its title, quadrants and rings.
type Radar struct {
	Title     string     `json:"title"`
	Quadrants []Quadrant `json:"quadrants"`
	Rings     []Ring     `json:"rings"`

	// extra keeps unmodelled top-level keys of imported files, by format.
	extra map[string]map[string]json.RawMessage
}

// HoldRing is the index of the ring that says to stop using a technology:
// the outermost ring of a radar with more than one ring. A radar of one
// ring has none (-1): its only ring is where every technology sits.
func (r Radar) HoldRing() int {
	if len(r.Rings) < 2 {
		return -1
	}
	return len(r.Rings) - 1
}

// IsHold reports whether ring is the hold ring (see HoldRing).
func (r Radar) IsHold(ring int) bool { return ring >= 0 && ring == r.HoldRing() }

// QuadrantIndex finds a quadrant by name, matched by Slug.
func (r Radar) QuadrantIndex(name string) (int, bool) {
	key := Slug(name)
	for i, q := range r.Quadrants {
		if Slug(q.Name) == key && key != "" {
			return i, true
		}
	}
	return -1, false
}

// RingIndex finds a ring by name, matched by Slug.
func (r Radar) RingIndex(name string) (int, bool) {
	key := Slug(name)
	for i, g := range r.Rings {
		if Slug(g.Name) == key && key != "" {
			return i, true
		}
	}
	return -1, false
}

// QuadrantNames lists the quadrants' names, for messages.
func (r Radar) QuadrantNames() string {
	return joinNames(r.Quadrants, func(q Quadrant) string { return q.Name })
}

// RingNames lists the rings' names, for messages.
func (r Radar) RingNames() string { return joinNames(r.Rings, func(g Ring) string { return g.Name }) }

func joinNames[T any](list []T, name func(T) string) string {
	parts := make([]string, len(list))
	for i, v := range list {
		parts[i] = name(v)
	}
	return strings.Join(parts, ", ")
}

// ring resolves a ring name for input field, naming the choices when it
// does not match.
func (r Radar) ring(field, name string) (int, error) {
	if strings.TrimSpace(name) == "" {
		return 0, apperr.Field(field, "is required: one of %s", r.RingNames())
	}
	i, ok := r.RingIndex(name)
	if !ok {
		return 0, apperr.Field(field, "%q is not a ring of this radar: use one of %s", name, r.RingNames())
	}
	return i, nil
}

func (r Radar) quadrant(field, name string) (int, error) {
	if strings.TrimSpace(name) == "" {
		return 0, apperr.Field(field, "is required: one of %s", r.QuadrantNames())
	}
	i, ok := r.QuadrantIndex(name)
	if !ok {
		return 0, apperr.Field(field, "%q is not a quadrant of this radar: use one of %s", name, r.QuadrantNames())
	}
	return i, nil
}

// DefaultRadar is ThoughtWorks' radar, which a new installation starts with.
func DefaultRadar() Radar {
	return Radar{
		Title:     "Technology Radar",
		Quadrants: []Quadrant{{"Techniques"}, {"Tools"}, {"Platforms"}, {"Languages & Frameworks"}},
		Rings:     []Ring{{"Adopt", "#5ba300"}, {"Trial", "#009eb0"}, {"Assess", "#c7ba00"}, {"Hold", "#e09b96"}},
	}
}

// defaultColors colour rings configured without one, from the inside out.
var defaultColors = []string{"#5ba300", "#009eb0", "#c7ba00", "#e09b96", "#8e7cc3", "#6d9eeb", "#b4a7d6", "#999999"}

// DefaultRingColor is the colour a ring at position i (from the inside)
// gets when it is configured without one.
func DefaultRingColor(i int) string {
	if i < 0 || i >= len(defaultColors) {
		return defaultColors[len(defaultColors)-1]
	}
	return defaultColors[i]
}

// RadarInput configures the radar. There are always four quadrants, as
// every radar drawing and file format expects, and one to eight rings.
type RadarInput struct {
	Title     string     `json:"title"`
	Quadrants []Quadrant `json:"quadrants"`
	Rings     []Ring     `json:"rings"`
}

// MaxRings is the most rings a radar may have.
const MaxRings = 8

var colorRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Validate checks the input and fills ring colours left empty.
func (in *RadarInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return apperr.Field("title", "is required")
	}
	if len(in.Title) > 200 {
		return apperr.Field("title", "is longer than 200 characters")
	}
	if len(in.Quadrants) != 4 {
		return apperr.Field("quadrants", "a radar has four quadrants; got %d", len(in.Quadrants))
	}
	seen := map[string]bool{}
	for i := range in.Quadrants {
		q := &in.Quadrants[i]
		q.Name = strings.TrimSpace(q.Name)
		field := fmt.Sprintf("quadrants[%d]", i)
		if Slug(q.Name) == "" {
			return apperr.Field(field, "needs a name with letters or digits")
		}
		if seen[Slug(q.Name)] {
			return apperr.Field(field, "%q is the same name as another quadrant", q.Name)
		}
		seen[Slug(q.Name)] = true
	}
	if len(in.Rings) < 1 || len(in.Rings) > MaxRings {
		return apperr.Field("rings", "a radar has 1 to %d rings; got %d", MaxRings, len(in.Rings))
	}
	seen = map[string]bool{}
	for i := range in.Rings {
		g := &in.Rings[i]
		g.Name = strings.TrimSpace(g.Name)
		field := fmt.Sprintf("rings[%d]", i)
		if Slug(g.Name) == "" {
			return apperr.Field(field, "needs a name with letters or digits")
		}
		if seen[Slug(g.Name)] {
			return apperr.Field(field, "%q is the same name as another ring", g.Name)
		}
		seen[Slug(g.Name)] = true
		if g.Color == "" {
			g.Color = defaultColors[i]
		}
		if !colorRe.MatchString(g.Color) {
			return apperr.Field(field+".color", "%q is not a colour: want #rrggbb", g.Color)
		}
		g.Color = strings.ToLower(g.Color)
	}
	return nil
}

// Radar returns the radar's configuration.
func (s *Store) Radar(ctx context.Context) (Radar, error) {
	return scanRadar(s.db.QueryRow(ctx, `SELECT title, quadrants, rings, extra FROM radar_config WHERE id = 1`))
}

func scanRadar(row interface{ Scan(...any) error }) (Radar, error) {
	var r Radar
	var quadrants, rings, extra string
	if err := row.Scan(&r.Title, &quadrants, &rings, &extra); err != nil {
		return r, fmt.Errorf("read radar configuration: %w", err)
	}
	if err := json.Unmarshal([]byte(quadrants), &r.Quadrants); err != nil {
		return r, fmt.Errorf("radar quadrants: %w", err)
	}
	if err := json.Unmarshal([]byte(rings), &r.Rings); err != nil {
		return r, fmt.Errorf("radar rings: %w", err)
	}
	if err := json.Unmarshal([]byte(extra), &r.extra); err != nil {
		return r, fmt.Errorf("radar extra: %w", err)
	}
	return r, nil
}

func (s *Store) radarTx(ctx context.Context, tx *db.Tx) (Radar, error) {
	return scanRadar(tx.QueryRowContext(ctx, `SELECT title, quadrants, rings, extra FROM radar_config WHERE id = 1`))
}

// ConfigureRadar sets the title, quadrants and rings. Quadrants and rings
// are matched by position: renaming one keeps its technologies in place. It
// returns invalid for bad input and conflict when a ring to be removed is
// in use by a technology or its history.
func (s *Store) ConfigureRadar(ctx context.Context, in RadarInput) (Radar, error) {
	if err := in.Validate(); err != nil {
		return Radar{}, err
	}
	var out Radar
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		old, err := s.radarTx(ctx, tx)
		if err != nil {
			return err
		}
		out, err = configure(ctx, tx, old, in)
		return err
	})
	return out, err
}

// configure writes in over old, in tx.
func configure(ctx context.Context, tx *db.Tx, old Radar, in RadarInput) (Radar, error) {
	if len(in.Rings) < len(old.Rings) {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM radar_technologies WHERE ring >= $1)
			+ (SELECT COUNT(*) FROM radar_ring_changes WHERE to_ring >= $1 OR from_ring >= $1)
			+ (SELECT COUNT(*) FROM radar_experiments WHERE proposed_ring >= $1)`, len(in.Rings)).Scan(&n)
		if err != nil {
			return old, fmt.Errorf("count ring use: %w", err)
		}
		if n > 0 {
			return old, &apperr.Error{Code: apperr.Conflict, Field: "rings",
				Message: fmt.Sprintf("ring %q is in use; move its technologies first", old.Rings[len(in.Rings)].Name)}
		}
	}
	r := Radar{Title: in.Title, Quadrants: in.Quadrants, Rings: in.Rings, extra: old.extra}
	q, _ := json.Marshal(r.Quadrants)
	g, _ := json.Marshal(r.Rings)
	oq, _ := json.Marshal(old.Quadrants)
	og, _ := json.Marshal(old.Rings)
	changes := audit.Diff(
		map[string]any{"title": old.Title, "quadrants": string(oq), "rings": string(og)},
		map[string]any{"title": r.Title, "quadrants": string(q), "rings": string(g)})
	if len(changes) == 0 {
		return r, nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE radar_config SET title = $1, quadrants = $2, rings = $3, updated_at = $4 WHERE id = 1`,
		r.Title, string(q), string(g), unix(db.Now()))
	if err != nil {
		return r, fmt.Errorf("configure radar: %w", err)
	}
	return r, audit.Record(ctx, tx, "update", "radar", "radar", changes)
}

// setRadarExtra keeps a format's unmodelled top-level keys, in tx.
func setRadarExtra(ctx context.Context, tx *db.Tx, r *Radar, format string, keys map[string]json.RawMessage) (bool, error) {
	old, _ := json.Marshal(r.extra[format])
	now, _ := json.Marshal(keys)
	if string(old) == string(now) || (len(keys) == 0 && r.extra[format] == nil) {
		return false, nil
	}
	if r.extra == nil {
		r.extra = map[string]map[string]json.RawMessage{}
	}
	if len(keys) == 0 {
		delete(r.extra, format)
	} else {
		r.extra[format] = keys
	}
	all, _ := json.Marshal(r.extra)
	if _, err := tx.ExecContext(ctx, `UPDATE radar_config SET extra = $1, updated_at = $2 WHERE id = 1`, string(all), unix(db.Now())); err != nil {
		return false, fmt.Errorf("store radar file settings: %w", err)
	}
	return true, audit.Record(ctx, tx, "update", "radar", "radar", map[string]audit.Change{"extra." + format: {Old: string(old), New: string(now)}})
}
