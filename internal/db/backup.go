package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// Backup writes a consistent copy of a SQLite database to path while the
// database stays in use. PostgreSQL has its own tool for this.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.Dialect != SQLite {
		return fmt.Errorf("chief backup copies SQLite databases; for PostgreSQL use pg_dump (for example: pg_dump --format=custom --file=chief.dump DATABASE_URL)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup file %s exists already; choose a new name", path)
	}
	// VACUUM INTO reads one snapshot of the database and writes a compact
	// copy, without blocking writers for longer than a read transaction.
	// It runs on a connection of its own: the read pool is query-only and the
	// writer must stay free for the running server.
	conn, err := sql.Open("sqlite", "file:"+d.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return nil
}
