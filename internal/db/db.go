// Package db opens Chief's database, SQLite or PostgreSQL, applies the
// embedded migrations and hands out transactions. It is the one place that
// knows which engine is underneath; the areas write SQL both engines accept.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the pure-Go "sqlite" driver
)

// Dialect names the SQL engine underneath.
type Dialect string

// The supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. Writes go through Write, which on SQLite uses the
// one writer connection; reads use Read, which may run in parallel.
type DB struct {
	Dialect Dialect
	// Path is the SQLite file, empty for PostgreSQL.
	Path  string
	read  *sql.DB
	write *sql.DB

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
}

// Open connects to databaseURL when it is a postgres:// URL, and otherwise to
// the SQLite file chief.db inside dataDir (created if missing).
func Open(ctx context.Context, dataDir, databaseURL string) (*DB, error) {
	if databaseURL != "" {
		return openPostgres(ctx, databaseURL)
	}
	return openSQLite(ctx, dataDir)
}

func openPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	if !strings.HasPrefix(databaseURL, "postgres://") && !strings.HasPrefix(databaseURL, "postgresql://") {
		return nil, fmt.Errorf("database URL %q: want a postgres:// URL (leave it empty for SQLite)", redact(databaseURL))
	}
	pool, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", redact(databaseURL), err)
	}
	return &DB{Dialect: Postgres, read: pool, write: pool}, nil
}

func openSQLite(ctx context.Context, dataDir string) (*DB, error) {
	if dataDir == "" {
		return nil, errors.New("no data folder given for the SQLite database")
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	path := filepath.Join(dataDir, "chief.db")
	// journal_mode(WAL): readers never block the writer and a crash loses no
	// committed transaction.
	// synchronous(FULL): a commit is on disk before it is acknowledged.
	// foreign_keys(1): SQLite leaves them off unless asked.
	// busy_timeout(10000): wait for a lock instead of failing at once, so a
	// CLI command can write while the server runs.
	// _time_format=sqlite: times are written as text that sorts in time order.
	common := "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_time_format=sqlite"
	// _txlock=immediate: a write transaction takes the write lock when it
	// begins, so two writers queue instead of deadlocking on an upgrade.
	// cache_size(-131072): up to 128 MiB of page cache for the writer (the
	// default 2 MiB makes a large import spill pages to the log mid-way);
	// it grows only as pages are used.
	// temp_store(memory): statement journals and sorts stay in memory.
	write, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_txlock=immediate&_pragma=cache_size(-131072)&_pragma=temp_store(memory)")
	if err != nil {
		return nil, fmt.Errorf("open SQLite: %w", err)
	}
	// One writer connection: SQLite allows one writer at a time anyway, and
	// queueing in Go is cheaper than retrying on SQLITE_BUSY.
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open SQLite file %s: %w", path, err)
	}
	// Readers get 16 MiB of page cache each, so the indexes listings use
	// stay in memory.
	read, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_pragma=query_only(1)&_pragma=cache_size(-16384)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open SQLite: %w", err)
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	return &DB{Dialect: SQLite, Path: path, read: read, write: write}, nil
}

// readConns is how many SQLite readers run at once.
const readConns = 8

// Close closes both pools.
func (d *DB) Close() error {
	d.stmtMu.Lock()
	for _, s := range d.stmts {
		s.Close()
	}
	d.stmts = nil
	d.stmtMu.Unlock()
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Read returns the pool for queries that change nothing.
func (d *DB) Read() *sql.DB { return d.read }

// Pools returns the writer and reader pools, for pool metrics. On
// PostgreSQL both are the same pool.
func (d *DB) Pools() (write, read *sql.DB) { return d.write, d.read }

// Tx is a write transaction that knows its engine, for the few statements
// that must be written differently on each.
type Tx struct {
	*sql.Tx
	Dialect Dialect
}

// Write runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise.
func (d *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	stx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: stx, Dialect: d.Dialect}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.read.PingContext(ctx) }

// Now is the time Chief stores for "now": UTC, whole seconds, so that the
// text SQLite keeps sorts in time order and both engines return the same
// value.
func Now() time.Time { return time.Now().UTC().Truncate(time.Second) }

// IsUniqueViolation reports whether err comes from a unique constraint.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// EscapeLike escapes LIKE wildcards in s; use it with `LIKE $n ESCAPE '\'`,
// which both engines read the same way.
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// maxStatements bounds the prepared-statement cache; queries past it are
// run unprepared.
const maxStatements = 512

// Query runs a read query through a statement prepared once per query text
// and kept, so that a hot listing does not parse and plan its SQL on every
// request. Queries built from user input must keep that input in args.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	stmt, err := d.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	if stmt == nil {
		return d.read.QueryContext(ctx, query, args...)
	}
	return stmt.QueryContext(ctx, args...)
}

// QueryRow is Query for one row.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	stmt, err := d.statement(ctx, query)
	if err != nil || stmt == nil {
		return d.read.QueryRowContext(ctx, query, args...)
	}
	return stmt.QueryRowContext(ctx, args...)
}

func (d *DB) statement(ctx context.Context, query string) (*sql.Stmt, error) {
	d.stmtMu.Lock()
	stmt, ok := d.stmts[query]
	full := len(d.stmts) >= maxStatements
	d.stmtMu.Unlock()
	if ok {
		return stmt, nil
	}
	if full {
		return nil, nil
	}
	stmt, err := d.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	d.stmtMu.Lock()
	defer d.stmtMu.Unlock()
	if prev, ok := d.stmts[query]; ok {
		stmt.Close()
		return prev, nil
	}
	if d.stmts == nil {
		d.stmts = map[string]*sql.Stmt{}
	}
	d.stmts[query] = stmt
	return stmt, nil
}

// Serialize makes the transaction wait for any other transaction that
// serialized on the same key, until it ends. SQLite has one writer at a
// time already; PostgreSQL needs an advisory lock for writes that read what
// they are about to change (an import comparing with the stored catalog).
func (tx *Tx) Serialize(ctx context.Context, key int64) error {
	if tx.Dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, key)
	return err
}

// ShrinkMemory gives back SQLite's page caches after a bulk load that
// filled them (the demo's history): an idle server should not keep tens of
// megabytes of pages it wrote once. The writer shrinks its cache; idle
// readers are closed and reopen on demand. PostgreSQL keeps its caches in
// its own process; nothing to do there.
func (d *DB) ShrinkMemory(ctx context.Context) error {
	if d.Dialect != SQLite {
		return nil
	}
	if _, err := d.write.ExecContext(ctx, `PRAGMA shrink_memory`); err != nil {
		return err
	}
	d.read.SetMaxIdleConns(0)
	d.read.SetMaxIdleConns(readConns)
	return nil
}
