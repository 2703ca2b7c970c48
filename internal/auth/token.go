package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// Scope limits what an API token may do, below its user's role.
type Scope string

// The scopes.
const (
	ScopeRead  Scope = "read"  // GET only
	ScopeWrite Scope = "write" // whatever the user's role allows
)

// TokenPrefix starts every API token, so that secret scanners recognise one.
const TokenPrefix = "chief_"

// Token is an API token as listed; its secret is shown once at creation.
type Token struct {
	ID         int64      `json:"id"`
	UserEmail  string     `json:"user"`
	Name       string     `json:"name"`
	Scope      Scope      `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// NewToken is the input for creating a token.
type NewToken struct {
	UserEmail string `json:"user"`
	Name      string `json:"name"`
	Scope     Scope  `json:"scope"`
}

// Validate checks the fields and fills the default scope (read).
func (n *NewToken) Validate() error {
	n.UserEmail = strings.ToLower(strings.TrimSpace(n.UserEmail))
	n.Name = strings.TrimSpace(n.Name)
	if n.UserEmail == "" {
		return apperr.Field("user", "is required")
	}
	if n.Name == "" {
		return apperr.Field("name", "is required: say what the token is for, e.g. \"ci\"")
	}
	if utf8.RuneCountInString(n.Name) > 100 {
		return apperr.Field("name", "must be at most 100 characters")
	}
	if n.Scope == "" {
		n.Scope = ScopeRead
	}
	if n.Scope != ScopeRead && n.Scope != ScopeWrite {
		return apperr.Field("scope", "unknown scope %q: use read or write", n.Scope)
	}
	return nil
}

// CreateToken makes a token for a user and returns it with its secret, which
// is stored only as a hash. It returns invalid, or not found for an unknown
// or disabled user.
func (s *Store) CreateToken(ctx context.Context, n NewToken) (Token, string, error) {
	if err := n.Validate(); err != nil {
		return Token{}, "", err
	}
	secret := newSecret(TokenPrefix)
	var t Token
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var userID int64
		var disabled sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT id, disabled_at FROM users WHERE email = $1`, n.UserEmail).Scan(&userID, &disabled)
		if errors.Is(err, sql.ErrNoRows) || disabled.Valid {
			return &apperr.Error{Code: apperr.NotFound, Field: "user", Message: fmt.Sprintf("no active user with email %s", n.UserEmail)}
		}
		if err != nil {
			return err
		}
		now := db.Now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, scope, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			userID, n.Name, hashSecret(secret), n.Scope, now).Scan(&t.ID); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		t = Token{ID: t.ID, UserEmail: n.UserEmail, Name: n.Name, Scope: n.Scope, CreatedAt: now}
		return audit.Record(ctx, tx, "token.create", "token", strconv.FormatInt(t.ID, 10), map[string]audit.Change{
			"user": {New: n.UserEmail}, "name": {New: n.Name}, "scope": {New: string(n.Scope)},
		})
	})
	if err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

const tokenSelect = `SELECT t.id, u.email, t.name, t.scope, t.created_at, t.last_used_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id`

func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var used, revoked sql.NullTime
	if err := row.Scan(&t.ID, &t.UserEmail, &t.Name, &t.Scope, &t.CreatedAt, &used, &revoked); err != nil {
		return Token{}, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if used.Valid {
		v := used.Time.UTC()
		t.LastUsedAt = &v
	}
	if revoked.Valid {
		v := revoked.Time.UTC()
		t.RevokedAt = &v
	}
	return t, nil
}

// Tokens lists every token, newest first.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.db.Read().QueryContext(ctx, tokenSelect+` ORDER BY t.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken stops a token from working. It returns not found.
func (s *Store) RevokeToken(ctx context.Context, id int64) (Token, error) {
	var t Token
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		t, err = scanToken(tx.QueryRowContext(ctx, tokenSelect+` WHERE t.id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "no token with id %d", id)
		}
		if err != nil || t.RevokedAt != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, now, id); err != nil {
			return err
		}
		t.RevokedAt = &now
		return audit.Record(ctx, tx, "token.revoke", "token", strconv.FormatInt(id, 10), map[string]audit.Change{"revoked": {Old: false, New: true}})
	})
	return t, err
}

// TokenUser returns the user and token for a bearer secret, or unauthorized
// when the token is unknown, revoked or its user disabled. It notes the
// last-used time at most once a minute, to keep reads from turning into
// writes.
func (s *Store) TokenUser(ctx context.Context, secret string) (User, Token, error) {
	row := s.db.QueryRow(ctx, `SELECT u.id, u.email, u.role, u.disabled_at, u.created_at,
		t.id, t.name, t.scope, t.created_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`, hashSecret(secret))
	var u User
	var t Token
	var disabled, used sql.NullTime
	err := row.Scan(&u.ID, &u.Email, &u.Role, &disabled, &u.CreatedAt, &t.ID, &t.Name, &t.Scope, &t.CreatedAt, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, Token{}, apperr.New(apperr.Unauthorized, "invalid or revoked API token")
	}
	if err != nil {
		return User{}, Token{}, err
	}
	t.UserEmail = u.Email
	now := db.Now()
	if !used.Valid || now.Sub(used.Time) >= time.Minute {
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, t.ID)
			return err
		})
		if err != nil {
			return User{}, Token{}, err
		}
		used = sql.NullTime{Time: now, Valid: true}
	}
	v := used.Time.UTC()
	t.LastUsedAt = &v
	return u, t, nil
}
