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
	"sync"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// Store keeps the catalog.
type Store struct {
	db    *db.DB
	cache *readCache
}

// NewStore returns a catalog store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d, cache: &readCache{}} }

// recordColumns are what Get reads: the descriptor and its bookkeeping.
const recordColumns = `id, body, location, origin, orphaned, created_at, updated_at`

func scanRecord(row interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var body string
	var created, updated int64
	if err := row.Scan(&r.ID, &body, &r.Location, &r.Origin, &r.Orphaned, &created, &updated); err != nil {
		return Record{}, err
	}
	if err := json.Unmarshal([]byte(body), &r.Entity); err != nil {
		return Record{}, fmt.Errorf("entity %d: %w", r.ID, err)
	}
	r.CreatedAt, r.UpdatedAt = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	r.Entity.normalise()
	return r, nil
}

// Get returns the entity with its relations, or not found.
func (s *Store) Get(ctx context.Context, ref Ref) (Record, error) {
	r, err := scanRecord(s.db.QueryRow(ctx, `SELECT `+recordColumns+` FROM entities WHERE ref = $1`, ref.Key()))
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, notFound(ref)
	}
	if err != nil {
		return Record{}, fmt.Errorf("get %s: %w", ref, err)
	}
	r.Relations, err = s.Relations(ctx, ref)
	return r, err
}

func notFound(ref Ref) error {
	return apperr.New(apperr.NotFound, "no %s named %s in namespace %s", ref.Kind, ref.Name, ref.Namespace)
}

// Create adds an entity made in Chief (not imported). It returns invalid for
// a bad descriptor and conflict when the reference is taken.
func (s *Store) Create(ctx context.Context, e Entity) (Record, error) {
	if err := e.Validate(); err != nil {
		return Record{}, err
	}
	rec := Record{Entity: e}
	err := s.write(ctx, func(tx *db.Tx, w *writer) error {
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
// and name cannot change, except in case. It returns invalid or not found.
func (s *Store) Update(ctx context.Context, ref Ref, e Entity) (Record, error) {
	if err := e.Validate(); err != nil {
		return Record{}, err
	}
	if e.Ref().Key() != ref.Key() {
		return Record{}, apperr.Field("metadata.name", "kind, namespace and name cannot change (%s is not %s): create a new entity and delete this one", e.Ref(), ref)
	}
	err := s.write(ctx, func(tx *db.Tx, w *writer) error {
		old, err := scanRecord(tx.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM entities WHERE ref = $1`, ref.Key()))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(ref)
		}
		if err != nil {
			return err
		}
		rec := old
		rec.Entity = e
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
	return s.write(ctx, func(tx *db.Tx, w *writer) error {
		old, err := scanRecord(tx.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM entities WHERE ref = $1`, ref.Key()))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(ref)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM entities WHERE id = $1`, old.ID); err != nil {
			return fmt.Errorf("delete %s: %w", ref, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM relations WHERE source_ref = $1`, ref.Key()); err != nil {
			return fmt.Errorf("delete relations of %s: %w", ref, err)
		}
		w.changed = true
		return w.audit.Add(ctx, "entity.delete", "entity", ref.Key(), audit.Diff(old.fields(), map[string]any{}))
	})
}

// write runs fn in a write transaction with a catalog writer, then flushes
// the writer's batches and moves the catalog version on, in the same
// transaction.
func (s *Store) write(ctx context.Context, fn func(tx *db.Tx, w *writer) error) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		// Catalog writes read before they write (is the entity there, is
		// it unchanged); one at a time keeps them consistent.
		if err := tx.Serialize(ctx, catalogWriteLock); err != nil {
			return err
		}
		w, err := newWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		if err := fn(tx, w); err != nil {
			return err
		}
		return w.finish(ctx)
	})
}

// catalogWriteLock is the key catalog writes serialize on.
const catalogWriteLock = 74260002

// writer holds the prepared statements and batches of one write
// transaction, so that an import of many entities parses SQL once and
// writes tags, relations and audit entries many rows at a time.
type writer struct {
	tx                                     *db.Tx
	insert, change, delTags, delRels, flag *sql.Stmt
	tags, relations                        *db.Batch
	audit                                  *audit.Writer
	changed                                bool
}

func newWriter(ctx context.Context, tx *db.Tx) (*writer, error) {
	w := &writer{tx: tx}
	var err error
	prep := func(dst **sql.Stmt, q string) {
		if err == nil {
			*dst, err = tx.PrepareContext(ctx, q)
		}
	}
	prep(&w.insert, `INSERT INTO entities (ref, kind, namespace, name, title, description, spec_type, lifecycle, owner, owner_ref,
		tags, body, search, location, origin, orphaned, hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id`)
	// The name and namespace may change case; the reference key stays.
	prep(&w.change, `UPDATE entities SET namespace = $2, name = $3, title = $4, description = $5, spec_type = $6, lifecycle = $7,
		owner = $8, owner_ref = $9, tags = $10, body = $11, search = $12, location = $13, origin = $14, orphaned = $15, hash = $16, updated_at = $17
		WHERE id = $1`)
	prep(&w.delTags, `DELETE FROM entity_tags WHERE entity_id = $1`)
	prep(&w.delRels, `DELETE FROM relations WHERE source_ref = $1`)
	prep(&w.flag, `UPDATE entities SET orphaned = $2, updated_at = $3 WHERE id = $1`)
	if err != nil {
		w.close()
		return nil, fmt.Errorf("prepare catalog writes: %w", err)
	}
	w.tags = db.NewBatch(tx, `INSERT INTO entity_tags (entity_id, tag) VALUES`, 2, `ON CONFLICT DO NOTHING`)
	w.relations = db.NewBatch(tx, `INSERT INTO relations (source_ref, type, target_ref) VALUES`, 3, `ON CONFLICT DO NOTHING`)
	w.audit = audit.NewWriter(ctx, tx)
	return w, nil
}

func (w *writer) close() {
	for _, s := range []*sql.Stmt{w.insert, w.change, w.delTags, w.delRels, w.flag} {
		if s != nil {
			s.Close()
		}
	}
}

// finish writes what the batches hold and, if anything changed, moves the
// catalog version on so that cached counts are recomputed.
func (w *writer) finish(ctx context.Context) error {
	if err := w.tags.Flush(ctx); err != nil {
		return fmt.Errorf("write tags: %w", err)
	}
	if err := w.relations.Flush(ctx); err != nil {
		return fmt.Errorf("write relations: %w", err)
	}
	if err := w.audit.Flush(ctx); err != nil {
		return err
	}
	if !w.changed {
		return nil
	}
	_, err := w.tx.ExecContext(ctx, `UPDATE catalog_state SET version = version + 1 WHERE id = 1`)
	return err
}

// row is an entity in the form its table holds.
type row struct {
	key, owner, ownerKey, specType, lifecycle string
	tags, body, search, hash                  string
}

func toRow(r *Record) row {
	e := &r.Entity
	out := row{key: e.Ref().Key(), owner: e.Text("owner"), specType: e.Text("type"), lifecycle: e.Text("lifecycle")}
	if out.owner != "" {
		if ref, err := ParseRef(out.owner, "Group", e.Ref().Namespace); err == nil {
			out.ownerKey = ref.Key()
		}
	}
	// Tags cannot hold spaces, so a space-separated list is exact.
	out.tags = strings.Join(e.Metadata.Tags, " ")
	body, _ := json.Marshal(e)
	out.body = string(body)
	out.search = strings.ToLower(e.Metadata.Name + "\n" + e.Metadata.Title + "\n" + e.Metadata.Description)
	sum := sha256.Sum256([]byte(out.body + "\x00" + r.Location + "\x00" + r.Origin))
	out.hash = hex.EncodeToString(sum[:])
	return out
}

func (w *writer) create(ctx context.Context, rec *Record, action string) error {
	changes, err := json.Marshal(audit.Diff(map[string]any{}, rec.fields()))
	if err != nil {
		return err
	}
	return w.insertRow(ctx, rec, toRow(rec), action, changes)
}

// insertRow stores a new entity whose row and audit changes are worked out
// already.
func (w *writer) insertRow(ctx context.Context, rec *Record, rw row, action string, changes []byte) error {
	now := db.Now()
	e := &rec.Entity
	if err := w.insert.QueryRowContext(ctx, rw.key, e.Kind, e.Metadata.Namespace, e.Metadata.Name, e.Metadata.Title, e.Metadata.Description,
		rw.specType, rw.lifecycle, rw.owner, rw.ownerKey, rw.tags, rw.body, rw.search, rec.Location, rec.Origin, rec.Orphaned, rw.hash, now.Unix()).Scan(&rec.ID); err != nil {
		return fmt.Errorf("insert %s: %w", rw.key, err)
	}
	rec.CreatedAt, rec.UpdatedAt = now, now
	w.changed = true
	if err := w.writeLinks(ctx, rec); err != nil {
		return err
	}
	return w.audit.AddJSON(ctx, action, "entity", rw.key, changes)
}

func (w *writer) update(ctx context.Context, old, rec *Record, action string) error {
	changes := audit.Diff(old.fields(), rec.fields())
	rw := toRow(rec)
	if len(changes) == 0 && toRow(old).hash == rw.hash {
		return nil
	}
	now := db.Now()
	e := &rec.Entity
	if _, err := w.change.ExecContext(ctx, rec.ID, e.Metadata.Namespace, e.Metadata.Name, e.Metadata.Title, e.Metadata.Description,
		rw.specType, rw.lifecycle, rw.owner, rw.ownerKey, rw.tags, rw.body, rw.search, rec.Location, rec.Origin, rec.Orphaned, rw.hash, now.Unix()); err != nil {
		return fmt.Errorf("update %s: %w", rw.key, err)
	}
	rec.UpdatedAt = now
	w.changed = true
	if _, err := w.delTags.ExecContext(ctx, rec.ID); err != nil {
		return err
	}
	if _, err := w.delRels.ExecContext(ctx, rw.key); err != nil {
		return err
	}
	if err := w.writeLinks(ctx, rec); err != nil {
		return err
	}
	if len(changes) == 0 {
		return nil
	}
	return w.audit.Add(ctx, action, "entity", rw.key, changes)
}

// setOrphaned flips the orphaned flag alone, with its audit entry.
func (w *writer) setOrphaned(ctx context.Context, id int64, key string, orphaned bool) error {
	if _, err := w.flag.ExecContext(ctx, id, orphaned, db.Now().Unix()); err != nil {
		return err
	}
	w.changed = true
	action := "entity.orphan"
	if !orphaned {
		action = "entity.adopt"
	}
	return w.audit.Add(ctx, action, "entity", key, map[string]audit.Change{"orphaned": {Old: !orphaned, New: orphaned}})
}

// writeLinks queues the tags and the declared relations of rec.
func (w *writer) writeLinks(ctx context.Context, rec *Record) error {
	for _, t := range rec.Entity.Metadata.Tags {
		if err := w.tags.Add(ctx, rec.ID, t); err != nil {
			return fmt.Errorf("write tags: %w", err)
		}
	}
	for _, rel := range rec.Entity.Declared() {
		if err := w.relations.Add(ctx, rel.Source.Key(), rel.Type, rel.Target.Key()); err != nil {
			return fmt.Errorf("write relations: %w", err)
		}
	}
	return nil
}

// readCache keeps values computed from the whole catalog (counts, filter
// values) for as long as the catalog version stays the same. The version is
// read from the database on each use, so changes by other processes and
// replicas are seen at once.
type readCache struct {
	mu      sync.Mutex
	version int64
	values  map[string]any
}

// maxCached bounds the number of values kept for one version.
const maxCached = 1024

// version reads the catalog's change counter.
func (s *Store) version(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.QueryRow(ctx, `SELECT version FROM catalog_state WHERE id = 1`).Scan(&v)
	return v, err
}

// cached returns the value stored under key for the current version, or
// computes and stores it.
func cached[T any](ctx context.Context, s *Store, key string, compute func() (T, error)) (T, error) {
	var zero T
	v, err := s.version(ctx)
	if err != nil {
		return zero, fmt.Errorf("read catalog version: %w", err)
	}
	c := s.cache
	c.mu.Lock()
	if c.version != v || c.values == nil {
		c.version, c.values = v, map[string]any{}
	}
	if x, ok := c.values[key]; ok {
		c.mu.Unlock()
		return x.(T), nil
	}
	c.mu.Unlock()
	x, err := compute()
	if err != nil {
		return zero, err
	}
	c.mu.Lock()
	if c.version == v && len(c.values) < maxCached {
		c.values[key] = x
	}
	c.mu.Unlock()
	return x, nil
}
