// Package auth holds users and their roles, password and session sign-in,
// API tokens, the first-admin setup link and the login rate limiter.
package auth

import (
	"net/mail"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
)

// Role decides what a user may do.
type Role string

// The roles, each allowed what the one before it is and more.
const (
	Viewer Role = "viewer" // reads everything but the admin pages
	Editor Role = "editor" // also creates, changes and deletes records
	Admin  Role = "admin"  // also manages users, tokens and settings
)

var rank = map[Role]int{Viewer: 1, Editor: 2, Admin: 3}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return rank[r] > 0 }

// Allows reports whether r includes need.
func (r Role) Allows(need Role) bool { return rank[r] >= rank[need] && rank[need] > 0 }

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", apperr.Field("role", "unknown role %q: use viewer, editor or admin", s)
	}
	return r, nil
}

// User is a person who signs in to Chief.
type User struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Role       Role       `json:"role"`
	DisabledAt *time.Time `json:"disabled_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// Disabled reports whether the account may no longer sign in.
func (u User) Disabled() bool { return u.DisabledAt != nil }

// NewUser is the input for creating a user.
type NewUser struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Role     Role   `json:"role"`
}

// Validate normalises the email and checks every field.
func (n *NewUser) Validate() error {
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	addr, err := mail.ParseAddress(n.Email)
	if n.Email == "" {
		return apperr.Field("email", "is required")
	}
	if err != nil || addr.Address != n.Email || !strings.Contains(n.Email, "@") {
		return apperr.Field("email", "%q is not an email address", n.Email)
	}
	if len([]rune(n.Password)) < MinPasswordLength {
		return apperr.Field("password", "must be at least %d characters", MinPasswordLength)
	}
	if len(n.Password) > 1024 {
		return apperr.Field("password", "must be at most 1024 bytes")
	}
	if !n.Role.Valid() {
		return apperr.Field("role", "unknown role %q: use viewer, editor or admin", n.Role)
	}
	return nil
}
