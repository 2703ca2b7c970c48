package auth

import (
	"context"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// NewSetupToken makes a one-time secret for creating the first admin, when
// no user exists yet, replacing any earlier one. It returns "" once users
// exist.
func (s *Store) NewSetupToken(ctx context.Context) (string, error) {
	var secret string
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil || n > 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM setup_tokens`); err != nil {
			return err
		}
		secret = newSecret("")
		_, err := tx.ExecContext(ctx, `INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)`, hashSecret(secret), db.Now())
		return err
	})
	return secret, err
}

// CompleteSetup uses a setup secret to create the first admin. It returns
// unauthorized for an unknown or used secret, and invalid for bad input.
func (s *Store) CompleteSetup(ctx context.Context, secret string, n NewUser) (User, error) {
	n.Role = Admin
	if err := n.Validate(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM setup_tokens WHERE token_hash = $1`, hashSecret(secret))
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return apperr.New(apperr.Unauthorized, "this setup link was used already or is not valid; run chief serve again for a new one, or chief user add")
		}
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&count); err != nil {
			return err
		}
		if count > 0 {
			return apperr.New(apperr.Conflict, "Chief has users already; sign in instead")
		}
		u, err = createUser(ctx, tx, n, hash)
		return err
	})
	return u, err
}
