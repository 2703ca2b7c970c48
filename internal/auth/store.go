package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 14 * 24 * time.Hour

// Store keeps users, sessions, tokens and setup links.
type Store struct{ db *db.DB }

// NewStore returns a store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const userColumns = `id, email, role, disabled_at, created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var disabled sql.NullTime
	if err := row.Scan(&u.ID, &u.Email, &u.Role, &disabled, &u.CreatedAt); err != nil {
		return User{}, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	if disabled.Valid {
		t := disabled.Time.UTC()
		u.DisabledAt = &t
	}
	return u, nil
}

// CreateUser adds a user. It returns invalid for bad input and conflict when
// the email is taken.
func (s *Store) CreateUser(ctx context.Context, n NewUser) (User, error) {
	if err := n.Validate(); err != nil {
		return User{}, err
	}
	// Hash before the transaction: argon2 takes tens of milliseconds, which
	// the single SQLite writer should not wait for.
	hash, err := HashPassword(n.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		u, err = createUser(ctx, tx, n, hash)
		return err
	})
	return u, err
}

func createUser(ctx context.Context, tx *db.Tx, n NewUser, hash string) (User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, role, created_at) VALUES ($1, $2, $3, $4) RETURNING `+userColumns,
		n.Email, hash, n.Role, db.Now()))
	if db.IsUniqueViolation(err) {
		return User{}, &apperr.Error{Code: apperr.Conflict, Field: "email", Message: fmt.Sprintf("a user with email %s exists already", n.Email)}
	}
	if err != nil {
		return User{}, fmt.Errorf("insert user: %w", err)
	}
	err = audit.Record(ctx, tx, "user.create", "user", u.Email, map[string]audit.Change{
		"email": {New: u.Email}, "role": {New: string(u.Role)},
	})
	return u, err
}

// Users lists every user by email.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserCount returns how many users exist, disabled ones included.
func (s *Store) UserCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// UserByEmail returns the user with the email, or not found.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.Read().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.New(apperr.NotFound, "no user with email %s", email)
	}
	return u, err
}

// DisableUser stops a user from signing in and ends their sessions. Their API
// tokens stop working too. It returns not found for an unknown email.
func (s *Store) DisableUser(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "no user with email %s", email)
		}
		if err != nil {
			return err
		}
		if u.Disabled() {
			return nil
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $1 WHERE id = $2`, now, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
			return err
		}
		u.DisabledAt = &now
		return audit.Record(ctx, tx, "user.disable", "user", u.Email, map[string]audit.Change{"disabled": {Old: false, New: true}})
	})
	return u, err
}

// SetRole changes a user's role. It returns not found or invalid.
func (s *Store) SetRole(ctx context.Context, email string, role Role) (User, error) {
	if !role.Valid() {
		return User{}, apperr.Field("role", "unknown role %q: use viewer, editor or admin", role)
	}
	var u User
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "no user with email %s", email)
		}
		if err != nil || u.Role == role {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = $1 WHERE id = $2`, role, u.ID); err != nil {
			return err
		}
		old := u.Role
		u.Role = role
		return audit.Record(ctx, tx, "user.update", "user", u.Email, map[string]audit.Change{"role": {Old: string(old), New: string(role)}})
	})
	return u, err
}

// Authenticate checks an email and password. Every failure is the same
// unauthorized error, so callers cannot tell which part was wrong.
func (s *Store) Authenticate(ctx context.Context, email, password string) (User, error) {
	var hash string
	var disabled sql.NullTime
	var id int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT id, password_hash, disabled_at FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))).Scan(&id, &hash, &disabled)
	bad := apperr.New(apperr.Unauthorized, "wrong email or password")
	if errors.Is(err, sql.ErrNoRows) {
		CheckPassword(dummyHash(), password)
		return User{}, bad
	}
	if err != nil {
		return User{}, err
	}
	if !CheckPassword(hash, password) || disabled.Valid {
		return User{}, bad
	}
	return scanUser(s.db.Read().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// CreateSession starts a session for the user and returns its secret.
func (s *Store) CreateSession(ctx context.Context, userID int64) (string, error) {
	secret := newSecret("")
	now := db.Now()
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hashSecret(secret), userID, now, now.Add(SessionLifetime))
		return err
	})
	return secret, err
}

// SessionUser returns the user of a live session, or unauthorized.
func (s *Store) SessionUser(ctx context.Context, secret string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT u.id, u.email, u.role, u.disabled_at, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL`, hashSecret(secret), db.Now()))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.New(apperr.Unauthorized, "session expired or signed out")
	}
	return u, err
}

// DeleteSession signs a session out.
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashSecret(secret))
		return err
	})
}

func newSecret(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return prefix + hex.EncodeToString(b)
}

// hashSecret hashes a high-entropy secret for storage. A fast hash is enough
// for 256 random bits; passwords use argon2id instead.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
