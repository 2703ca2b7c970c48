package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// Store keeps the catalog.
type Store struct{ db *db.DB }

// NewStore returns a catalog store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const recordColumns = `id, api_version, kind, namespace, name, title, description, labels, annotations, tags, links, spec, location, origin, orphaned, created_at, updated_at`

func scanRecord(row interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var labels, annotations, tags, links, spec string
	m := &r.Entity.Metadata
	if err := row.Scan(&r.ID, &r.Entity.APIVersion, &r.Entity.Kind, &m.Namespace, &m.Name, &m.Title, &m.Description,
		&labels, &annotations, &tags, &links, &spec, &r.Location, &r.Origin, &r.Orphaned, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return Record{}, err
	}
	for _, f := range []struct {
		raw string
		dst any
	}{{labels, &m.Labels}, {annotations, &m.Annotations}, {tags, &m.Tags}, {links, &m.Links}, {spec, &r.Entity.Spec}} {
		if err := json.Unmarshal([]byte(f.raw), f.dst); err != nil {
			return Record{}, fmt.Errorf("entity %d: %w", r.ID, err)
		}
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.Entity.normalise()
	return r, nil
}

// Get returns the entity with its relations, or not found.
func (s *Store) Get(ctx context.Context, ref Ref) (Record, error) {
	r, err := scanRecord(s.db.Read().QueryRowContext(ctx, `SELECT `+recordColumns+` FROM entities WHERE ref = $1`, ref.Key()))
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, apperr.New(apperr.NotFound, "no %s named %s in namespace %s", ref.Kind, ref.Name, ref.Namespace)
	}
	if err != nil {
		return Record{}, fmt.Errorf("get %s: %w", ref, err)
	}
	r.Relations, err = s.Relations(ctx, ref)
	return r, err
}

// Create adds an entity made in Chief (not imported). It returns invalid for
// a bad descriptor and conflict when the reference is taken.
func (s *Store) Create(ctx context.Context, e Entity) (Record, error) {
	if err := e.Validate(); err != nil {
		return Record{}, err
	}
	rec := Record{Entity: e}
	err := s.db.Write(ctx, func(tx *sql.Tx) error {
		w, err := newWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		return w.create(ctx, &rec, "entity.create")
	})
	if db.IsUniqueViolation(err) {
		return Record{}, apperr.New(apperr.Conflict, "%s exists already", e.Ref())
	}
	if err != nil {
		return Record{}, err
	}
	return s.Get(ctx, e.Ref())
}

// Update replaces the descriptor of the entity at ref. The kind, namespace
// and name cannot change. It returns invalid or not found.
func (s *Store) Update(ctx context.Context, ref Ref, e Entity) (Record, error) {
	if err := e.Validate(); err != nil {
		return Record{}, err
	}
	if e.Ref().Key() != ref.Key() {
		return Record{}, apperr.Field("metadata.name", "kind, namespace and name cannot change (%s is not %s): create a new entity and delete this one", e.Ref(), ref)
	}
	err := s.db.Write(ctx, func(tx *sql.Tx) error {
		old, err := scanRecord(tx.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM entities WHERE ref = $1`, ref.Key()))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "no %s named %s in namespace %s", ref.Kind, ref.Name, ref.Namespace)
		}
		if err != nil {
			return err
		}
		rec := old
		rec.Entity = e
		w, err := newWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		return w.update(ctx, &old, &rec, "entity.update")
	})
	if err != nil {
		return Record{}, err
	}
	return s.Get(ctx, ref)
}

// Delete removes the entity. Relations other entities declare towards it
// stay, now unresolved. It returns not found.
func (s *Store) Delete(ctx context.Context, ref Ref) error {
	return s.db.Write(ctx, func(tx *sql.Tx) error {
		old, err := scanRecord(tx.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM entities WHERE ref = $1`, ref.Key()))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "no %s named %s in namespace %s", ref.Kind, ref.Name, ref.Namespace)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM entities WHERE id = $1`, old.ID); err != nil {
			return fmt.Errorf("delete %s: %w", ref, err)
		}
		changes := audit.Diff(old.fields(), map[string]any{})
		return audit.Record(ctx, tx, "entity.delete", "entity", ref.Key(), changes)
	})
}

// writer holds the prepared statements of one write transaction, so that an
// import of many entities pays for parsing SQL once.
type writer struct {
	insert, change, delTags, addTag, delRels, addRel, orphan *sql.Stmt
	audit                                                    *audit.Writer
}

func newWriter(ctx context.Context, tx *sql.Tx) (*writer, error) {
	w := &writer{}
	var err error
	prep := func(dst **sql.Stmt, q string) {
		if err == nil {
			*dst, err = tx.PrepareContext(ctx, q)
		}
	}
	prep(&w.insert, `INSERT INTO entities (ref, kind, namespace, name, api_version, title, description, spec_type, lifecycle, owner_ref,
		labels, annotations, tags, links, spec, location, origin, orphaned, hash, created_at, updated_at, search)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21) RETURNING id`)
	// The name and namespace may change case; the reference key stays.
	prep(&w.change, `UPDATE entities SET api_version = $2, title = $3, description = $4, spec_type = $5, lifecycle = $6, owner_ref = $7,
		labels = $8, annotations = $9, tags = $10, links = $11, spec = $12, location = $13, origin = $14, orphaned = $15, hash = $16, updated_at = $17,
		search = $18, name = $19, namespace = $20
		WHERE id = $1`)
	prep(&w.delTags, `DELETE FROM entity_tags WHERE entity_id = $1`)
	prep(&w.addTag, `INSERT INTO entity_tags (entity_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING`)
	prep(&w.delRels, `DELETE FROM relations WHERE origin_id = $1`)
	prep(&w.addRel, `INSERT INTO relations (origin_id, source_ref, type, target_ref) VALUES ($1, $2, $3, $4)`)
	prep(&w.orphan, `UPDATE entities SET orphaned = $2, updated_at = $3 WHERE id = $1`)
	if err == nil {
		w.audit, err = audit.NewWriter(ctx, tx)
	}
	if err != nil {
		w.close()
		return nil, fmt.Errorf("prepare catalog writes: %w", err)
	}
	return w, nil
}

func (w *writer) close() {
	for _, s := range []*sql.Stmt{w.insert, w.change, w.delTags, w.addTag, w.delRels, w.addRel, w.orphan} {
		if s != nil {
			s.Close()
		}
	}
	if w.audit != nil {
		w.audit.Close()
	}
}

// row is an entity in the form its table holds.
type row struct {
	key, ownerKey, specType, lifecycle string
	labels, annotations, tags, links   string
	spec, hash, search                 string
}

func toRow(r *Record) row {
	e := &r.Entity
	js := func(v any, empty string) string {
		if v == nil {
			return empty
		}
		b, _ := json.Marshal(v)
		if string(b) == "null" {
			return empty
		}
		return string(b)
	}
	out := row{key: e.Ref().Key(), specType: e.Text("type"), lifecycle: e.Text("lifecycle")}
	if o := e.Text("owner"); o != "" {
		if ref, err := ParseRef(o, "Group", e.Ref().Namespace); err == nil {
			out.ownerKey = ref.Key()
		}
	}
	out.labels = js(e.Metadata.Labels, "{}")
	out.annotations = js(e.Metadata.Annotations, "{}")
	out.tags = js(e.Metadata.Tags, "[]")
	out.links = js(e.Metadata.Links, "[]")
	out.spec = js(e.Spec, "{}")
	body, _ := json.Marshal(e)
	sum := sha256.Sum256([]byte(string(body) + "\x00" + r.Location + "\x00" + r.Origin))
	out.hash = hex.EncodeToString(sum[:])
	out.search = strings.ToLower(e.Metadata.Name + "\n" + e.Metadata.Title + "\n" + e.Metadata.Description)
	return out
}

func (w *writer) create(ctx context.Context, rec *Record, action string) error {
	now := db.Now()
	e := &rec.Entity
	rw := toRow(rec)
	if err := w.insert.QueryRowContext(ctx, rw.key, e.Kind, e.Metadata.Namespace, e.Metadata.Name, e.APIVersion, e.Metadata.Title, e.Metadata.Description,
		rw.specType, rw.lifecycle, rw.ownerKey, rw.labels, rw.annotations, rw.tags, rw.links, rw.spec, rec.Location, rec.Origin, rec.Orphaned, rw.hash, now, rw.search).Scan(&rec.ID); err != nil {
		return fmt.Errorf("insert %s: %w", rw.key, err)
	}
	rec.CreatedAt, rec.UpdatedAt = now, now
	if err := w.writeLinks(ctx, rec); err != nil {
		return err
	}
	return w.audit.Add(ctx, action, "entity", rw.key, audit.Diff(map[string]any{}, rec.fields()))
}

func (w *writer) update(ctx context.Context, old, rec *Record, action string) error {
	changes := audit.Diff(old.fields(), rec.fields())
	if len(changes) == 0 {
		return nil
	}
	now := db.Now()
	rw := toRow(rec)
	e := &rec.Entity
	if _, err := w.change.ExecContext(ctx, rec.ID, e.APIVersion, e.Metadata.Title, e.Metadata.Description, rw.specType, rw.lifecycle, rw.ownerKey,
		rw.labels, rw.annotations, rw.tags, rw.links, rw.spec, rec.Location, rec.Origin, rec.Orphaned, rw.hash, now,
		rw.search, e.Metadata.Name, e.Metadata.Namespace); err != nil {
		return fmt.Errorf("update %s: %w", rw.key, err)
	}
	rec.UpdatedAt = now
	if _, err := w.delTags.ExecContext(ctx, rec.ID); err != nil {
		return err
	}
	if _, err := w.delRels.ExecContext(ctx, rec.ID); err != nil {
		return err
	}
	if err := w.writeLinks(ctx, rec); err != nil {
		return err
	}
	return w.audit.Add(ctx, action, "entity", rw.key, changes)
}

// setOrphaned flips the orphaned flag alone, with its audit entry.
func (w *writer) setOrphaned(ctx context.Context, id int64, key string, orphaned bool) error {
	if _, err := w.orphan.ExecContext(ctx, id, orphaned, db.Now()); err != nil {
		return err
	}
	action := "entity.orphan"
	if !orphaned {
		action = "entity.adopt"
	}
	return w.audit.Add(ctx, action, "entity", key, map[string]audit.Change{"orphaned": {Old: !orphaned, New: orphaned}})
}

// writeLinks stores the tags and the declared relations of rec.
func (w *writer) writeLinks(ctx context.Context, rec *Record) error {
	for _, t := range rec.Entity.Metadata.Tags {
		if _, err := w.addTag.ExecContext(ctx, rec.ID, t); err != nil {
			return fmt.Errorf("tag %s: %w", t, err)
		}
	}
	for _, rel := range rec.Entity.Declared() {
		if _, err := w.addRel.ExecContext(ctx, rec.ID, rel.Source.Key(), rel.Type, rel.Target.Key()); err != nil {
			return fmt.Errorf("relation %s: %w", rel.Type, err)
		}
	}
	return nil
}
