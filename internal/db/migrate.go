package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFiles embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version   int
	Name      string
	SQL       string
	AppliedAt *time.Time
}

// Migrations lists this dialect's migrations in order, with the time each
// was applied (nil when pending).
func (d *DB) Migrations(ctx context.Context) ([]Migration, error) {
	all, err := d.embedded()
	if err != nil {
		return nil, err
	}
	exists, err := d.migrationTableExists(ctx)
	if err != nil || !exists {
		return all, err
	}
	rows, err := d.read.QueryContext(ctx, `SELECT version, applied_at FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[int]time.Time{}
	for rows.Next() {
		var v int
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, err
		}
		applied[v] = at
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range all {
		if at, ok := applied[all[i].Version]; ok {
			at := at.UTC()
			all[i].AppliedAt = &at
		}
	}
	return all, nil
}

// Migrate applies every pending migration, each in its own transaction
// together with its row in schema_migrations. It returns how many it applied.
// On PostgreSQL an advisory lock keeps replicas starting together from
// applying the same migration twice.
func (d *DB) Migrate(ctx context.Context) (int, error) {
	all, err := d.embedded()
	if err != nil {
		return 0, err
	}
	if err := d.ensureMigrationTable(ctx); err != nil {
		return 0, err
	}
	n := 0
	for _, m := range all {
		applied := false
		err := d.Write(ctx, func(tx *Tx) error {
			if d.Dialect == Postgres {
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(74260001)`); err != nil {
					return err
				}
			}
			var count int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&count); err != nil {
				return err
			}
			if count > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, m.Version, m.Name, Now()); err != nil {
				return err
			}
			applied = true
			return nil
		})
		if err != nil {
			return n, err
		}
		if applied {
			n++
		}
	}
	return n, nil
}

// Pending returns how many migrations have not been applied.
func (d *DB) Pending(ctx context.Context) (int, error) {
	ms, err := d.Migrations(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		if m.AppliedAt == nil {
			n++
		}
	}
	return n, nil
}

// migrationTableExists looks without writing, so that status and readiness
// checks never wait for the writer.
func (d *DB) migrationTableExists(ctx context.Context) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if d.Dialect == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
	}
	var n int
	if err := d.read.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, fmt.Errorf("look for schema_migrations: %w", err)
	}
	return n > 0, nil
}

func (d *DB) ensureMigrationTable(ctx context.Context) error {
	ts := "TIMESTAMP"
	if d.Dialect == Postgres {
		ts = "TIMESTAMPTZ"
	}
	_, err := d.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at `+ts+` NOT NULL)`)
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return nil
}

func (d *DB) embedded() ([]Migration, error) {
	dir := path.Join("migrations", string(d.Dialect))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".sql")
		if !ok {
			continue
		}
		num, label, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: label, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}
