package db_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

func TestMigrateIsRepeatable(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n, err := d.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second Migrate applied %d migrations, want 0", n)
		}
		ms, err := d.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			t.Fatal("no migrations embedded")
		}
		for _, m := range ms {
			if m.AppliedAt == nil {
				t.Errorf("migration %d %s not applied", m.Version, m.Name)
			}
		}
	})
}

func TestWriteRollsBackOnError(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)`, "x", db.Now()); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)`, "x", db.Now())
			return err
		})
		if !db.IsUniqueViolation(err) {
			t.Fatalf("got %v, want a unique violation", err)
		}
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM setup_tokens`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("got %d rows after rollback, want 0", n)
		}
	})
}

func TestBackupSQLite(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	ctx := context.Background()
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)`, "kept", db.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := d.Backup(ctx, filepath.Join(dir, "chief.db")); err != nil {
		t.Fatal(err)
	}
	if err := d.Backup(ctx, filepath.Join(dir, "chief.db")); err == nil {
		t.Error("backup over an existing file succeeded, want an error")
	}
	copyDB, err := db.Open(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var hash string
	if err := copyDB.Read().QueryRowContext(ctx, `SELECT token_hash FROM setup_tokens`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if hash != "kept" {
		t.Errorf("got %q in the backup, want %q", hash, "kept")
	}
}

func TestStatusOfFreshDatabase(t *testing.T) {
	d, err := db.Open(context.Background(), t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	n, err := d.Pending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("got 0 pending migrations on a fresh database, want all of them")
	}
}
