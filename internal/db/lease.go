package db

import (
	"context"
	"time"
)

// TryLease takes the named lease for holder until ttl from now, or renews
// it when holder has it already, and reports whether holder has it. A lease
// whose holder stopped renewing is free once it expires.
func (d *DB) TryLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := time.Now()
	var got string
	err := d.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.holder = excluded.holder OR leases.expires_at < $4`,
			name, holder, now.Add(ttl).UnixMilli(), now.UnixMilli())
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT holder FROM leases WHERE name = $1`, name).Scan(&got)
	})
	return got == holder, err
}

// ReleaseLease gives the lease up if holder has it, so another process can
// take it at once.
func (d *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	return d.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder)
		return err
	})
}
