package radar

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// Marker says how a technology changed in the current edition of the radar,
// or, from RadarAsOf, since a chosen earlier date.
type Marker string

// The markers. MarkerIn means moved to an inner ring (more recommended),
// MarkerOut to an outer one.
const (
	MarkerNone Marker = ""
	MarkerNew  Marker = "new"
	MarkerIn   Marker = "in"
	MarkerOut  Marker = "out"
)

// Link is a link about a technology: its site, a write-up, a decision.
type Link struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
}

// Technology is a technology on the radar.
type Technology struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Slug is what names are matched by (see Slug).
	Slug string `json:"slug"`
	// Quadrant and Ring are positions in the radar's configuration; the
	// names are filled in for convenience.
	Quadrant     int    `json:"quadrant"`
	Ring         int    `json:"ring"`
	QuadrantName string `json:"quadrant_name"`
	RingName     string `json:"ring_name"`
	// Description is Markdown; show it with markdown.Render.
	Description string   `json:"description"`
	Links       []Link   `json:"links"`
	Tags        []string `json:"tags"`
	// Owner is the catalog key of the owning group or user, or "".
	Owner string `json:"owner"`
	// Marker is the change shown in the current edition, as last imported
	// or set by a ring change; RadarAsOf computes markers from history.
	Marker Marker `json:"marker"`
	// Position orders exports as the file last imported had them.
	Position  int       `json:"position"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// extra keeps unmodelled keys of imported entries, by format.
	extra map[string]map[string]json.RawMessage
}

// TechnologyInput is what a person or an import gives to create or change
// a technology.
type TechnologyInput struct {
	Name string `json:"name"`
	// Quadrant and Ring are names, matched by Slug. On update Ring may be
	// empty or the current ring: rings change through ChangeRing.
	Quadrant    string   `json:"quadrant"`
	Ring        string   `json:"ring"`
	Description string   `json:"description"`
	Links       []Link   `json:"links"`
	Tags        []string `json:"tags"`
	// Owner is a group or user reference ("team-a", "user:ana"), or "".
	Owner string `json:"owner"`
	// Reason and DecidedAt describe the first ring decision on create
	// (defaults: "Added to the radar", now); update ignores them.
	Reason    string    `json:"reason"`
	DecidedAt time.Time `json:"decided_at"`
}

// Validate checks the shape of the input; the store matches quadrant, ring
// and owner against the radar and catalog.
func (in *TechnologyInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		return apperr.Field("name", "is required")
	case len(in.Name) > 100:
		return apperr.Field("name", "is longer than 100 characters")
	case Slug(in.Name) == "":
		return apperr.Field("name", "needs letters or digits")
	}
	if strings.TrimSpace(in.Quadrant) == "" {
		return apperr.Field("quadrant", "is required")
	}
	if len(in.Description) > 20000 {
		return apperr.Field("description", "is longer than 20000 characters")
	}
	for i := range in.Links {
		l := &in.Links[i]
		l.URL, l.Title = strings.TrimSpace(l.URL), strings.TrimSpace(l.Title)
		if err := checkURL(l.URL); err != nil {
			return apperr.Field(fmt.Sprintf("links[%d].url", i), "%s", err)
		}
	}
	tags := make([]string, 0, len(in.Tags))
	for i, t := range in.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || len(t) > 63 || strings.ContainsAny(t, " \t\n,") {
			return apperr.Field(fmt.Sprintf("tags[%d]", i), "%q is not a tag: one word of at most 63 characters", in.Tags[i])
		}
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	in.Tags = tags
	in.Owner = strings.TrimSpace(in.Owner)
	in.Reason = strings.TrimSpace(in.Reason)
	if len(in.Reason) > 5000 {
		return apperr.Field("reason", "is longer than 5000 characters")
	}
	return nil
}

// checkURL accepts absolute http and https addresses only: a link is shown
// to people, and javascript: or data: links are not.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("%q is not an http or https address", raw)
	}
	return nil
}

const technologyColumns = `id, name, slug, quadrant, ring, description, links, tags, owner_ref, marker, position, extra, created_at, updated_at`

func scanTechnology(row interface{ Scan(...any) error }, r Radar) (Technology, error) {
	var t Technology
	var links, tags, extra string
	var created, updated int64
	err := row.Scan(&t.ID, &t.Name, &t.Slug, &t.Quadrant, &t.Ring, &t.Description, &links, &tags, &t.Owner, &t.Marker,
		&t.Position, &extra, &created, &updated)
	if err != nil {
		return t, err
	}
	if err := errors.Join(json.Unmarshal([]byte(links), &t.Links), json.Unmarshal([]byte(tags), &t.Tags),
		json.Unmarshal([]byte(extra), &t.extra)); err != nil {
		return t, fmt.Errorf("technology %s: %w", t.Name, err)
	}
	// Rows written by older versions may hold null for no links or tags.
	t.Links, t.Tags = nonNil(t.Links), nonNil(t.Tags)
	t.CreatedAt, t.UpdatedAt = fromUnix(created), fromUnix(updated)
	t.name(r)
	return t, nil
}

// name fills the quadrant and ring names from r.
func (t *Technology) name(r Radar) {
	if t.Quadrant >= 0 && t.Quadrant < len(r.Quadrants) {
		t.QuadrantName = r.Quadrants[t.Quadrant].Name
	}
	if t.Ring >= 0 && t.Ring < len(r.Rings) {
		t.RingName = r.Rings[t.Ring].Name
	}
}

// TechnologyQuery filters Technologies; empty fields do not filter.
type TechnologyQuery struct {
	// Quadrant and Ring are names, matched by Slug.
	Quadrant string `json:"quadrant"`
	Ring     string `json:"ring"`
	Tag      string `json:"tag"`
	Owner    string `json:"owner"`
	// Search matches the name, without regard to case.
	Search string `json:"q"`
}

// Validate checks nothing that needs the radar; the store resolves names.
func (q *TechnologyQuery) Validate() error {
	q.Search = strings.TrimSpace(q.Search)
	q.Tag = strings.ToLower(strings.TrimSpace(q.Tag))
	return nil
}

// Technologies lists technologies ordered by quadrant, ring and name. It
// returns invalid for an unknown quadrant or ring name.
func (s *Store) Technologies(ctx context.Context, q TechnologyQuery) ([]Technology, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	r, err := s.Radar(ctx)
	if err != nil {
		return nil, err
	}
	w := &db.Where{}
	if q.Quadrant != "" {
		i, err := r.quadrant("quadrant", q.Quadrant)
		if err != nil {
			return nil, err
		}
		w.Add("quadrant = ?", i)
	}
	if q.Ring != "" {
		i, err := r.ring("ring", q.Ring)
		if err != nil {
			return nil, err
		}
		w.Add("ring = ?", i)
	}
	if q.Owner != "" {
		w.Add("owner_ref = ?", ownerKey(q.Owner))
	}
	if q.Search != "" {
		w.Add(`LOWER(name) LIKE ? ESCAPE '\'`, "%"+db.EscapeLike(strings.ToLower(q.Search))+"%")
	}
	list, err := s.queryTechnologies(ctx, r, `SELECT `+technologyColumns+` FROM radar_technologies`+w.String()+` ORDER BY quadrant, ring, slug`, w.Args...)
	if err != nil || q.Tag == "" {
		return list, err
	}
	out := list[:0]
	for _, t := range list {
		if slices.Contains(t.Tags, q.Tag) {
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *Store) queryTechnologies(ctx context.Context, r Radar, q string, args ...any) ([]Technology, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list technologies: %w", err)
	}
	defer rows.Close()
	out := []Technology{}
	for rows.Next() {
		t, err := scanTechnology(rows, r)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Technology returns one technology by name (matched by Slug), or not found.
func (s *Store) Technology(ctx context.Context, name string) (Technology, error) {
	r, err := s.Radar(ctx)
	if err != nil {
		return Technology{}, err
	}
	t, err := scanTechnology(s.db.QueryRow(ctx, `SELECT `+technologyColumns+` FROM radar_technologies WHERE slug = $1`, Slug(name)), r)
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.New(apperr.NotFound, "no technology named %q on the radar", name)
	}
	return t, err
}

func technologyTx(ctx context.Context, tx *db.Tx, r Radar, name string) (Technology, error) {
	t, err := scanTechnology(tx.QueryRowContext(ctx, `SELECT `+technologyColumns+` FROM radar_technologies WHERE slug = $1`, Slug(name)), r)
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.New(apperr.NotFound, "no technology named %q on the radar", name)
	}
	return t, err
}
