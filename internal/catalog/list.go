package catalog

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// Query filters, sorts and pages a catalog listing. Empty fields do not
// filter. Pages use Offset (web pages, which show page numbers) or Cursor
// (the API, which stays stable while entities are added).
type Query struct {
	Kind      string `json:"kind"`
	Type      string `json:"type"`
	Owner     string `json:"owner"`
	Lifecycle string `json:"lifecycle"`
	Tag       string `json:"tag"`
	Namespace string `json:"namespace"`
	// Search matches name, title and description, without regard to case.
	Search string `json:"q"`
	// Orphaned, when true, keeps only orphaned entities.
	Orphaned bool `json:"orphaned"`
	// Sort is name, kind, type, owner, lifecycle or updated; a leading "-"
	// sorts descending.
	Sort   string `json:"sort"`
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	Cursor string `json:"cursor"`
	// Full decodes each whole descriptor into Entity. Without it, Entity
	// holds what a listing shows (names, title, description, tags, and the
	// spec's type, lifecycle and owner). Listed records have no CreatedAt
	// either way.
	Full bool `json:"-"`
	// Raw fills Record.Raw with each stored descriptor, undecoded.
	Raw bool `json:"-"`
}

var sortColumns = map[string]string{
	"name": "name", "kind": "kind", "type": "spec_type", "owner": "owner_ref",
	"lifecycle": "lifecycle", "updated": "updated_at",
}

// MaxLimit is the largest page.
const MaxLimit = 500

// Validate fills defaults and checks the values.
func (q *Query) Validate() error {
	if q.Limit == 0 {
		q.Limit = 50
	}
	if q.Limit < 1 || q.Limit > MaxLimit {
		return apperr.Field("limit", "must be between 1 and %d", MaxLimit)
	}
	if q.Offset < 0 {
		return apperr.Field("offset", "must not be negative")
	}
	if q.Sort == "" {
		q.Sort = "name"
	}
	if _, ok := sortColumns[strings.TrimPrefix(q.Sort, "-")]; !ok {
		return apperr.Field("sort", "unknown sort %q: use name, kind, type, owner, lifecycle or updated, with - for descending", q.Sort)
	}
	if q.Kind != "" {
		k, ok := KindByName(q.Kind)
		if !ok {
			return apperr.Field("kind", "unknown kind %q: use one of %s", q.Kind, kindNames())
		}
		q.Kind = k.Name
	}
	if q.Offset > 0 && q.Cursor != "" {
		return apperr.Field("cursor", "use either offset or cursor, not both")
	}
	return nil
}

// Page is one page of a listing.
type Page struct {
	Items []Record `json:"items"`
	// Total counts every entity that matches, on all pages.
	Total int `json:"total"`
	// NextCursor fetches the next page; empty on the last.
	NextCursor string `json:"nextCursor,omitempty"`
}

type cursor struct {
	// Sort is the query's sort, so a cursor cannot be used with another.
	Sort  string `json:"s"`
	Value any    `json:"v"`
	ID    int64  `json:"id"`
}

// List returns a page of entities matching q. It returns invalid for a bad
// query or cursor.
func (s *Store) List(ctx context.Context, q Query) (Page, error) {
	if err := q.Validate(); err != nil {
		return Page{}, err
	}
	w := q.where()
	desc := strings.HasPrefix(q.Sort, "-")
	col := sortColumns[strings.TrimPrefix(q.Sort, "-")]

	var page Page
	countSQL := `SELECT COUNT(*) FROM entities` + w.String()
	countArgs := slices.Clone(w.Args)
	key, err := json.Marshal(countArgs)
	if err != nil {
		return Page{}, err
	}
	page.Total, err = cached(ctx, s, "count "+countSQL+" "+string(key), func() (int, error) {
		var n int
		err := s.db.QueryRow(ctx, countSQL, countArgs...).Scan(&n)
		return n, err
	})
	if err != nil {
		return Page{}, fmt.Errorf("count entities: %w", err)
	}

	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor, q.Sort, col)
		if err != nil {
			return Page{}, err
		}
		op := ">"
		if desc {
			op = "<"
		}
		w.Add(fmt.Sprintf("(%s, id) %s (?, ?)", col, op), c.Value, c.ID)
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	columns := listColumns + `, ''`
	if q.Full || q.Raw {
		// Only callers that pass descriptors on pay for reading them.
		columns = listColumns + `, body`
	}
	listSQL := fmt.Sprintf(`SELECT %s FROM entities%s ORDER BY %s %s, id %s LIMIT %s OFFSET %s`,
		columns, w.String(), col, dir, dir, w.Arg(q.Limit+1), w.Arg(q.Offset))
	rows, err := s.db.Query(ctx, listSQL, w.Args...)
	if err != nil {
		return Page{}, fmt.Errorf("list entities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanListed(rows, q.Full)
		if err != nil {
			return Page{}, err
		}
		page.Items = append(page.Items, r)
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if len(page.Items) > q.Limit {
		page.Items = page.Items[:q.Limit]
		last := page.Items[len(page.Items)-1]
		page.NextCursor = encodeCursor(cursor{Sort: q.Sort, Value: sortValue(last, col), ID: last.ID})
	}
	if page.Items == nil {
		page.Items = []Record{}
	}
	return page, nil
}

// where gives the filters as conditions; Locations are left out unless
// asked for by kind.
func (q *Query) where() *db.Where {
	w := &db.Where{}
	if q.Kind != "" {
		w.Add("kind = ?", q.Kind)
	} else {
		w.Add("kind <> ?", "Location")
	}
	if q.Type != "" {
		w.Add("spec_type = ?", q.Type)
	}
	if q.Lifecycle != "" {
		w.Add("lifecycle = ?", q.Lifecycle)
	}
	if q.Namespace != "" {
		w.Add("namespace = ?", q.Namespace)
	}
	if q.Owner != "" {
		key := lower(q.Owner)
		if ref, err := ParseRef(q.Owner, "Group", DefaultNamespace); err == nil {
			key = ref.Key()
		}
		w.Add("owner_ref = ?", key)
	}
	if q.Tag != "" {
		w.Add("id IN (SELECT entity_id FROM entity_tags WHERE tag = ?)", q.Tag)
	}
	if q.Orphaned {
		w.Add("orphaned = ?", true)
	}
	if s := strings.TrimSpace(q.Search); s != "" {
		w.Add(`search LIKE ? ESCAPE '\'`, "%"+db.EscapeLike(lower(s))+"%")
	}
	return w
}

func sortValue(r Record, col string) any {
	e := &r.Entity
	switch col {
	case "kind":
		return e.Kind
	case "spec_type":
		return e.Text("type")
	case "lifecycle":
		return e.Text("lifecycle")
	case "owner_ref":
		if ref, err := ParseRef(e.Text("owner"), "Group", e.Ref().Namespace); err == nil {
			return ref.Key()
		}
		return ""
	case "updated_at":
		return r.UpdatedAt.Unix()
	default:
		return e.Metadata.Name
	}
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, sort, col string) (cursor, error) {
	bad := apperr.Field("cursor", "is not a cursor from this listing; start again without it")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return cursor{}, bad
	}
	if c.Sort != sort {
		return cursor{}, bad
	}
	switch v := c.Value.(type) {
	case string:
		if col == "updated_at" {
			return cursor{}, bad
		}
	case float64:
		// Times sort as Unix seconds, which JSON keeps exactly.
		if col != "updated_at" || v != float64(int64(v)) {
			return cursor{}, bad
		}
		c.Value = int64(v)
	default:
		return cursor{}, bad
	}
	return c, nil
}

// listColumns are what a listing reads: the columns it shows; the
// descriptor follows when asked for. The creation time is left out (Get has
// it).
const listColumns = `id, kind, namespace, name, title, description, spec_type, lifecycle, owner, tags, location, origin, orphaned, updated_at`

func scanListed(row interface{ Scan(...any) error }, full bool) (Record, error) {
	var r Record
	var specType, lifecycle, owner, tags, body string
	var updated int64
	e := &r.Entity
	if err := row.Scan(&r.ID, &e.Kind, &e.Metadata.Namespace, &e.Metadata.Name, &e.Metadata.Title, &e.Metadata.Description,
		&specType, &lifecycle, &owner, &tags, &r.Location, &r.Origin, &r.Orphaned, &updated, &body); err != nil {
		return Record{}, err
	}
	if body != "" {
		r.Raw = json.RawMessage(body)
	}
	r.UpdatedAt = time.Unix(updated, 0).UTC()
	if full {
		if err := json.Unmarshal(r.Raw, e); err != nil {
			return Record{}, fmt.Errorf("entity %d: %w", r.ID, err)
		}
		e.normalise()
		return r, nil
	}
	e.Metadata.Tags = strings.Fields(tags)
	for k, v := range map[string]string{"type": specType, "lifecycle": lifecycle, "owner": owner} {
		if v != "" {
			if e.Spec == nil {
				e.Spec = map[string]any{}
			}
			e.Spec[k] = v
		}
	}
	return r, nil
}
