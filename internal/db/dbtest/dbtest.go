// Package dbtest gives tests a fresh, migrated database on each engine: a
// SQLite file in a temporary folder, and a PostgreSQL schema of its own when
// CHIEF_TEST_POSTGRES_URL is set.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/chief-hq/chief/internal/db"
)

// PostgresEnv names the variable that points the tests at a PostgreSQL
// server, for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresEnv = "CHIEF_TEST_POSTGRES_URL"

// Engines runs fn once per engine as a subtest named after it, each with a
// fresh migrated database. Without CHIEF_TEST_POSTGRES_URL the PostgreSQL
// subtest is skipped with a message.
func Engines(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

// OpenSQLite returns a migrated SQLite database in t.TempDir().
func OpenSQLite(tb testing.TB) *db.DB {
	tb.Helper()
	d, err := db.Open(context.Background(), tb.TempDir(), "")
	if err != nil {
		tb.Fatalf("open SQLite: %v", err)
	}
	tb.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate SQLite: %v", err)
	}
	return d
}

// OpenPostgres returns a migrated database in a new PostgreSQL schema that is
// dropped when the test ends, or skips the test when no server is configured.
func OpenPostgres(tb testing.TB) *db.DB {
	tb.Helper()
	u := PostgresURL(tb)
	d, err := db.Open(context.Background(), "", u)
	if err != nil {
		tb.Fatalf("open PostgreSQL: %v", err)
	}
	tb.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate PostgreSQL: %v", err)
	}
	return d
}

// PostgresURL creates a fresh schema and returns a URL whose connections use
// it, or skips the test when CHIEF_TEST_POSTGRES_URL is unset.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		tb.Skipf("PostgreSQL tests skipped: set %s (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", PostgresEnv)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "chief_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open PostgreSQL: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	parsed, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := parsed.Query()
	q.Set("search_path", schema)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}
