package auth

import (
	"context"
	"database/sql"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// testActor makes the changes under test; setupActor prepares state, so that
// the audit entries of the two can be told apart.
const (
	testActor  = "user:test@example.com"
	setupActor = "cli:setup"
	testPass   = "correct horse battery"
)

func actorCtx(name string) context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Name: name})
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); err == nil || got != code {
		t.Fatalf("error: got %v (code %q), want code %q", err, apperr.CodeOf(err), code)
	}
}

func wantField(t *testing.T, err error, code apperr.Code, field string) {
	t.Helper()
	wantCode(t, err, code)
	if got := apperr.As(err).Field; got != field {
		t.Errorf("error field: got %q, want %q (error %v)", got, field, err)
	}
}

func mustCreateUser(t *testing.T, s *Store, email string, role Role) User {
	t.Helper()
	u, err := s.CreateUser(actorCtx(setupActor), NewUser{Email: email, Password: testPass, Role: role})
	if err != nil {
		t.Fatalf("CreateUser(%s): got error %v, want nil", email, err)
	}
	return u
}

func mustDisable(t *testing.T, s *Store, email string) {
	t.Helper()
	if _, err := s.DisableUser(actorCtx(setupActor), email); err != nil {
		t.Fatalf("DisableUser(%s): got error %v, want nil", email, err)
	}
}

func mustCreateToken(t *testing.T, s *Store, n NewToken) (Token, string) {
	t.Helper()
	tok, secret, err := s.CreateToken(actorCtx(setupActor), n)
	if err != nil {
		t.Fatalf("CreateToken(%+v): got error %v, want nil", n, err)
	}
	return tok, secret
}

func mustUserCount(t *testing.T, s *Store, want int) {
	t.Helper()
	n, err := s.UserCount(context.Background())
	if err != nil {
		t.Fatalf("UserCount: got error %v", err)
	}
	if n != want {
		t.Errorf("UserCount: got %d, want %d", n, want)
	}
}

// auditList returns the audit entries matching f, newest first.
func auditList(t *testing.T, d *db.DB, f audit.Filter) []audit.Entry {
	t.Helper()
	if f.Limit == 0 {
		f.Limit = 500
	}
	es, _, err := audit.NewStore(d).List(context.Background(), f)
	if err != nil {
		t.Fatalf("audit List(%+v): got error %v, want nil", f, err)
	}
	return es
}

func checkEntry(t *testing.T, e audit.Entry, actor, action, recordType, recordID string, changes map[string]audit.Change) {
	t.Helper()
	got := []string{e.Actor, e.Action, e.RecordType, e.RecordID}
	want := []string{actor, action, recordType, recordID}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audit entry (actor, action, record type, record id): got %q, want %q", got, want)
	}
	if !reflect.DeepEqual(e.Changes, changes) {
		t.Errorf("audit entry %s changes: got %#v, want %#v", e.Action, e.Changes, changes)
	}
}

// checkRecent fails unless at lies between before (rounded down to the
// second, as db.Now stores it) and after.
func checkRecent(t *testing.T, what string, at time.Time, before, after time.Time) {
	t.Helper()
	if at.Before(before.Truncate(time.Second)) || at.After(after) {
		t.Errorf("%s: got %v, want between %v and %v", what, at, before.Truncate(time.Second), after)
	}
	if at.Location() != time.UTC {
		t.Errorf("%s location: got %v, want UTC", what, at.Location())
	}
}

func TestCreateUserValidation(t *testing.T) {
	cases := []struct {
		name  string
		in    NewUser
		field string
	}{
		{"email missing", NewUser{Email: "", Password: testPass, Role: Viewer}, "email"},
		{"email blank", NewUser{Email: "   ", Password: testPass, Role: Viewer}, "email"},
		{"email without at", NewUser{Email: "ana.example.com", Password: testPass, Role: Viewer}, "email"},
		{"email without domain", NewUser{Email: "ana@", Password: testPass, Role: Viewer}, "email"},
		{"email with display name", NewUser{Email: "Ana <ana@example.com>", Password: testPass, Role: Viewer}, "email"},
		{"two emails", NewUser{Email: "ana@example.com, bob@example.com", Password: testPass, Role: Viewer}, "email"},
		{"password missing", NewUser{Email: "ana@example.com", Password: "", Role: Viewer}, "password"},
		{"password 9 characters", NewUser{Email: "ana@example.com", Password: "123456789", Role: Viewer}, "password"},
		{"password 9 runes in 18 bytes", NewUser{Email: "ana@example.com", Password: strings.Repeat("é", 9), Role: Viewer}, "password"},
		{"password over 1024 bytes", NewUser{Email: "ana@example.com", Password: strings.Repeat("x", 1025), Role: Viewer}, "password"},
		{"role missing", NewUser{Email: "ana@example.com", Password: testPass}, "role"},
		{"role unknown", NewUser{Email: "ana@example.com", Password: testPass, Role: "owner"}, "role"},
		{"role wrong case", NewUser{Email: "ana@example.com", Password: testPass, Role: "Admin"}, "role"},
	}
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.CreateUser(actorCtx(testActor), tc.in)
				wantField(t, err, apperr.Invalid, tc.field)
			})
		}
		mustUserCount(t, s, 0)
		if es := auditList(t, d, audit.Filter{}); len(es) != 0 {
			t.Errorf("audit entries after rejected input: got %d, want 0", len(es))
		}
	})
}

func TestCreateUser(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		ctx := actorCtx(testActor)
		cases := []struct {
			name      string
			in        NewUser
			wantEmail string
		}{
			{"lower-cases and trims the email", NewUser{Email: "  Ana.Lima@Example.COM ", Password: testPass, Role: Editor}, "ana.lima@example.com"},
			{"password of exactly 10 runes", NewUser{Email: "bo@example.com", Password: strings.Repeat("é", 10), Role: Viewer}, "bo@example.com"},
			{"admin", NewUser{Email: "root@example.com", Password: strings.Repeat("p", 1024), Role: Admin}, "root@example.com"},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := time.Now()
				u, err := s.CreateUser(ctx, tc.in)
				if err != nil {
					t.Fatalf("CreateUser: got error %v, want nil", err)
				}
				after := time.Now()
				if u.ID <= 0 || u.Email != tc.wantEmail || u.Role != tc.in.Role || u.Disabled() {
					t.Errorf("CreateUser: got id %d email %q role %q disabled %v, want id > 0 email %q role %q enabled",
						u.ID, u.Email, u.Role, u.Disabled(), tc.wantEmail, tc.in.Role)
				}
				checkRecent(t, "CreatedAt", u.CreatedAt, before, after)

				// The stored user is the one returned, found by any spelling of the email.
				got, err := s.UserByEmail(context.Background(), " "+strings.ToUpper(tc.wantEmail)+" ")
				if err != nil {
					t.Fatalf("UserByEmail: got error %v, want nil", err)
				}
				if got.ID != u.ID || got.Email != u.Email || got.Role != u.Role || !got.CreatedAt.Equal(u.CreatedAt) || got.Disabled() {
					t.Errorf("UserByEmail: got %+v, want %+v", got, u)
				}
				mustUserCount(t, s, i+1)

				// The password works through Authenticate.
				if _, err := s.Authenticate(context.Background(), tc.wantEmail, tc.in.Password); err != nil {
					t.Errorf("Authenticate with the new password: got error %v, want nil", err)
				}

				es := auditList(t, d, audit.Filter{RecordType: "user", RecordID: tc.wantEmail})
				if len(es) != 1 {
					t.Fatalf("audit entries for %s: got %d, want 1", tc.wantEmail, len(es))
				}
				checkEntry(t, es[0], testActor, "user.create", "user", tc.wantEmail, map[string]audit.Change{
					"email": {New: tc.wantEmail}, "role": {New: string(tc.in.Role)},
				})
				checkRecent(t, "audit entry At", es[0].At, before, after)
			})
		}

		t.Run("Users lists by email", func(t *testing.T) {
			us, err := s.Users(context.Background())
			if err != nil {
				t.Fatalf("Users: got error %v, want nil", err)
			}
			var got []string
			for _, u := range us {
				got = append(got, u.Email)
			}
			want := []string{"ana.lima@example.com", "bo@example.com", "root@example.com"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Users: got %q, want %q", got, want)
			}
		})

		t.Run("UserByEmail unknown", func(t *testing.T) {
			_, err := s.UserByEmail(context.Background(), "nobody@example.com")
			wantCode(t, err, apperr.NotFound)
		})
	})
}

func TestCreateUserDuplicate(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		first := mustCreateUser(t, s, "ana@example.com", Viewer)
		cases := []struct {
			name  string
			email string
		}{
			{"same email", "ana@example.com"},
			{"different case", "ANA@Example.com"},
			{"surrounding spaces", "  ana@example.com\t"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.CreateUser(actorCtx(testActor), NewUser{Email: tc.email, Password: "another password", Role: Admin})
				wantField(t, err, apperr.Conflict, "email")
			})
		}
		mustUserCount(t, s, 1)
		u, err := s.UserByEmail(context.Background(), "ana@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != first.ID || u.Role != Viewer {
			t.Errorf("user after duplicates: got id %d role %q, want id %d role %q", u.ID, u.Role, first.ID, Viewer)
		}
		if es := auditList(t, d, audit.Filter{Actor: testActor}); len(es) != 0 {
			t.Errorf("audit entries by %s after failed creations: got %d, want 0", testActor, len(es))
		}
	})
}

func TestAuthenticate(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		ana := mustCreateUser(t, s, "ana@example.com", Editor)
		mustCreateUser(t, s, "gone@example.com", Viewer)
		mustDisable(t, s, "gone@example.com")

		cases := []struct {
			name     string
			email    string
			password string
			wantOK   bool
		}{
			{"right password", "ana@example.com", testPass, true},
			{"email in another case with spaces", " ANA@example.COM ", testPass, true},
			{"wrong password", "ana@example.com", testPass + "!", false},
			{"password in another case", "ana@example.com", strings.ToUpper(testPass), false},
			{"empty password", "ana@example.com", "", false},
			{"unknown email", "nobody@example.com", testPass, false},
			{"empty email", "", testPass, false},
			{"disabled user with right password", "gone@example.com", testPass, false},
		}
		var messages []string
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				u, err := s.Authenticate(context.Background(), tc.email, tc.password)
				if tc.wantOK {
					if err != nil {
						t.Fatalf("Authenticate: got error %v, want nil", err)
					}
					if u.ID != ana.ID || u.Email != "ana@example.com" || u.Role != Editor {
						t.Errorf("Authenticate: got %+v, want %+v", u, ana)
					}
					return
				}
				wantCode(t, err, apperr.Unauthorized)
				if u.ID != 0 {
					t.Errorf("Authenticate failure: got user %+v, want zero", u)
				}
				messages = append(messages, err.Error())
			})
		}
		t.Run("failures cannot be told apart", func(t *testing.T) {
			for _, m := range messages {
				if m != messages[0] {
					t.Errorf("failure message: got %q, want %q for every failure", m, messages[0])
				}
			}
		})
	})
}

func TestSessions(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		ana := mustCreateUser(t, s, "ana@example.com", Editor)
		bob := mustCreateUser(t, s, "bob@example.com", Viewer)

		newSession := func(t *testing.T, userID int64) string {
			t.Helper()
			secret, err := s.CreateSession(ctx, userID)
			if err != nil {
				t.Fatalf("CreateSession(%d): got error %v, want nil", userID, err)
			}
			return secret
		}
		lookup := func(t *testing.T, secret string, want User) {
			t.Helper()
			u, err := s.SessionUser(ctx, secret)
			if err != nil {
				t.Fatalf("SessionUser: got error %v, want user %s", err, want.Email)
			}
			if u.ID != want.ID || u.Email != want.Email || u.Role != want.Role {
				t.Errorf("SessionUser: got %+v, want %+v", u, want)
			}
		}
		countSessions := func(t *testing.T, userID int64) int {
			t.Helper()
			var n int
			if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, userID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("create and look up", func(t *testing.T) {
			before := time.Now()
			a1, a2, b1 := newSession(t, ana.ID), newSession(t, ana.ID), newSession(t, bob.ID)
			if len(a1) != 64 || a1 == a2 || a1 == b1 {
				t.Errorf("session secrets: got %q, %q, %q, want distinct 64-character secrets", a1, a2, b1)
			}
			lookup(t, a1, ana)
			lookup(t, a2, ana)
			lookup(t, b1, bob)

			var hash string
			var expires time.Time
			if err := d.Read().QueryRowContext(ctx, `SELECT token_hash, expires_at FROM sessions WHERE token_hash = $1`, hashSecret(a1)).Scan(&hash, &expires); err != nil {
				t.Fatalf("session row by hash: got error %v, want a row", err)
			}
			if hash == a1 {
				t.Errorf("session stored in clear: got token_hash %q", hash)
			}
			checkRecent(t, "expires_at - SessionLifetime", expires.UTC().Add(-SessionLifetime), before, time.Now())
		})

		t.Run("unknown secrets", func(t *testing.T) {
			real := newSession(t, ana.ID)
			for _, secret := range []string{"", "nope", hashSecret(real), strings.ToUpper(real)} {
				_, err := s.SessionUser(ctx, secret)
				wantCode(t, err, apperr.Unauthorized)
			}
		})

		t.Run("delete signs out only that session", func(t *testing.T) {
			gone, kept := newSession(t, ana.ID), newSession(t, ana.ID)
			if err := s.DeleteSession(ctx, gone); err != nil {
				t.Fatalf("DeleteSession: got error %v, want nil", err)
			}
			_, err := s.SessionUser(ctx, gone)
			wantCode(t, err, apperr.Unauthorized)
			lookup(t, kept, ana)
			if err := s.DeleteSession(ctx, gone); err != nil {
				t.Errorf("DeleteSession twice: got error %v, want nil", err)
			}
		})

		t.Run("expired session", func(t *testing.T) {
			const secret = "expired-session-secret"
			past := db.Now().Add(-time.Hour)
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
					hashSecret(secret), ana.ID, past.Add(-SessionLifetime), past)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			_, err := s.SessionUser(ctx, secret)
			wantCode(t, err, apperr.Unauthorized)
			newSession(t, bob.ID) // purges expired sessions
			var n int
			if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = $1`, hashSecret(secret)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("expired session rows after CreateSession: got %d, want 0", n)
			}
		})

		t.Run("disabled user's sessions end", func(t *testing.T) {
			b2 := newSession(t, bob.ID)
			lookup(t, b2, bob)
			mustDisable(t, s, "bob@example.com")
			_, err := s.SessionUser(ctx, b2)
			wantCode(t, err, apperr.Unauthorized)
			if n := countSessions(t, bob.ID); n != 0 {
				t.Errorf("sessions of the disabled user: got %d, want 0", n)
			}
			// A session made after disabling (e.g. racing a sign-in) does not work either.
			late := newSession(t, bob.ID)
			_, err = s.SessionUser(ctx, late)
			wantCode(t, err, apperr.Unauthorized)
			if n := countSessions(t, ana.ID); n == 0 {
				t.Errorf("sessions of another user after disabling bob: got 0, want some")
			}
		})
	})
}

func TestDisableUser(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		ctx := actorCtx(testActor)
		mustCreateUser(t, s, "ana@example.com", Editor)

		before := time.Now()
		u, err := s.DisableUser(ctx, " ANA@example.com")
		if err != nil {
			t.Fatalf("DisableUser: got error %v, want nil", err)
		}
		if !u.Disabled() {
			t.Fatalf("DisableUser: got DisabledAt nil, want set")
		}
		checkRecent(t, "DisabledAt", *u.DisabledAt, before, time.Now())
		stored, err := s.UserByEmail(context.Background(), "ana@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if !stored.Disabled() || !stored.DisabledAt.Equal(*u.DisabledAt) {
			t.Errorf("stored DisabledAt: got %v, want %v", stored.DisabledAt, *u.DisabledAt)
		}

		t.Run("again is a no-op", func(t *testing.T) {
			again, err := s.DisableUser(ctx, "ana@example.com")
			if err != nil {
				t.Fatalf("DisableUser again: got error %v, want nil", err)
			}
			if again.DisabledAt == nil || !again.DisabledAt.Equal(*u.DisabledAt) {
				t.Errorf("DisabledAt after disabling again: got %v, want %v", again.DisabledAt, *u.DisabledAt)
			}
			es := auditList(t, d, audit.Filter{Actor: testActor})
			if len(es) != 1 {
				t.Fatalf("audit entries by %s: got %d, want 1", testActor, len(es))
			}
			checkEntry(t, es[0], testActor, "user.disable", "user", "ana@example.com", map[string]audit.Change{
				"disabled": {Old: false, New: true},
			})
		})

		t.Run("unknown user", func(t *testing.T) {
			_, err := s.DisableUser(ctx, "nobody@example.com")
			wantCode(t, err, apperr.NotFound)
		})

		t.Run("still counted", func(t *testing.T) {
			mustUserCount(t, s, 1)
		})
	})
}

func TestSetRole(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		ctx := actorCtx(testActor)
		mustCreateUser(t, s, "ana@example.com", Viewer)

		// Each case starts from whatever role the one before left; cases
		// that fail or change nothing must leave it as it was.
		cases := []struct {
			name      string
			email     string
			role      Role
			wantCode  apperr.Code // "" for success
			wantField string
			wantEntry bool
		}{
			{"viewer to editor", "ana@example.com", Editor, "", "", true},
			{"same role writes no entry", "ana@example.com", Editor, "", "", false},
			{"email in another case", "ANA@Example.com", Admin, "", "", true},
			{"unknown role", "ana@example.com", "owner", apperr.Invalid, "role", false},
			{"empty role", "ana@example.com", "", apperr.Invalid, "role", false},
			{"unknown user", "nobody@example.com", Editor, apperr.NotFound, "", false},
			{"email with surrounding spaces", " ana@example.com ", Viewer, "", "", true},
			{"back to editor", "ana@example.com", Editor, "", "", true},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				prev, err := s.UserByEmail(context.Background(), "ana@example.com")
				if err != nil {
					t.Fatal(err)
				}
				n := len(auditList(t, d, audit.Filter{Actor: testActor}))
				u, err := s.SetRole(ctx, tc.email, tc.role)
				wantRole := tc.role
				if tc.wantCode != "" {
					wantField(t, err, tc.wantCode, tc.wantField)
					wantRole = prev.Role
				} else {
					if err != nil {
						t.Fatalf("SetRole(%q, %q): got error %v, want nil", tc.email, tc.role, err)
					}
					if u.ID != prev.ID || u.Email != "ana@example.com" || u.Role != tc.role {
						t.Errorf("SetRole: got id %d email %q role %q, want id %d ana@example.com %q", u.ID, u.Email, u.Role, prev.ID, tc.role)
					}
				}
				stored, err := s.UserByEmail(context.Background(), "ana@example.com")
				if err != nil {
					t.Fatal(err)
				}
				if stored.Role != wantRole {
					t.Errorf("stored role: got %q, want %q", stored.Role, wantRole)
				}
				es := auditList(t, d, audit.Filter{Actor: testActor})
				if !tc.wantEntry {
					if len(es) != n {
						t.Errorf("audit entries: got %d, want %d (no new entry)", len(es), n)
					}
					return
				}
				if len(es) != n+1 {
					t.Fatalf("audit entries: got %d, want %d", len(es), n+1)
				}
				checkEntry(t, es[0], testActor, "user.update", "user", "ana@example.com", map[string]audit.Change{
					"role": {Old: string(prev.Role), New: string(tc.role)},
				})
			})
		}
	})
}

func TestCreateTokenValidation(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		mustCreateUser(t, s, "ana@example.com", Editor)
		mustCreateUser(t, s, "gone@example.com", Editor)
		mustDisable(t, s, "gone@example.com")
		cases := []struct {
			name  string
			in    NewToken
			code  apperr.Code
			field string
		}{
			{"user missing", NewToken{Name: "ci"}, apperr.Invalid, "user"},
			{"user blank", NewToken{UserEmail: "  ", Name: "ci"}, apperr.Invalid, "user"},
			{"name missing", NewToken{UserEmail: "ana@example.com"}, apperr.Invalid, "name"},
			{"name blank", NewToken{UserEmail: "ana@example.com", Name: " \t "}, apperr.Invalid, "name"},
			{"name over 100 characters", NewToken{UserEmail: "ana@example.com", Name: strings.Repeat("n", 101)}, apperr.Invalid, "name"},
			{"scope unknown", NewToken{UserEmail: "ana@example.com", Name: "ci", Scope: "admin"}, apperr.Invalid, "scope"},
			{"scope wrong case", NewToken{UserEmail: "ana@example.com", Name: "ci", Scope: "Read"}, apperr.Invalid, "scope"},
			{"unknown user", NewToken{UserEmail: "nobody@example.com", Name: "ci"}, apperr.NotFound, "user"},
			{"disabled user", NewToken{UserEmail: "gone@example.com", Name: "ci"}, apperr.NotFound, "user"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tok, secret, err := s.CreateToken(actorCtx(testActor), tc.in)
				wantField(t, err, tc.code, tc.field)
				if secret != "" || tok.ID != 0 {
					t.Errorf("CreateToken failure: got token %+v secret %q, want zero values", tok, secret)
				}
			})
		}
		toks, err := s.Tokens(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(toks) != 0 {
			t.Errorf("tokens after rejected input: got %d, want 0", len(toks))
		}
		if es := auditList(t, d, audit.Filter{Actor: testActor}); len(es) != 0 {
			t.Errorf("audit entries after rejected input: got %d, want 0", len(es))
		}
	})
}

func TestTokens(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := actorCtx(testActor)
		s := NewStore(d)
		ana := mustCreateUser(t, s, "ana@example.com", Editor)

		type created struct {
			tok    Token
			secret string
		}
		made := map[string]created{}
		cases := []struct {
			name      string
			in        NewToken
			wantScope Scope
			wantName  string
		}{
			{"read is the default scope", NewToken{UserEmail: " Ana@Example.com ", Name: " ci "}, ScopeRead, "ci"},
			{"read", NewToken{UserEmail: "ana@example.com", Name: "dashboards", Scope: ScopeRead}, ScopeRead, "dashboards"},
			{"write", NewToken{UserEmail: "ana@example.com", Name: "deploy bot", Scope: ScopeWrite}, ScopeWrite, "deploy bot"},
			{"name of 100 characters", NewToken{UserEmail: "ana@example.com", Name: strings.Repeat("n", 100)}, ScopeRead, strings.Repeat("n", 100)},
		}
		for _, tc := range cases {
			t.Run("create/"+tc.name, func(t *testing.T) {
				before := time.Now()
				tok, secret, err := s.CreateToken(ctx, tc.in)
				if err != nil {
					t.Fatalf("CreateToken: got error %v, want nil", err)
				}
				if !strings.HasPrefix(secret, TokenPrefix) || len(secret) != len(TokenPrefix)+64 {
					t.Errorf("secret: got %q, want %q followed by 64 hex characters", secret, TokenPrefix)
				}
				if tok.ID <= 0 || tok.UserEmail != "ana@example.com" || tok.Name != tc.wantName || tok.Scope != tc.wantScope ||
					tok.LastUsedAt != nil || tok.RevokedAt != nil {
					t.Errorf("token: got %+v, want id > 0, user ana@example.com, name %q, scope %q, never used, not revoked", tok, tc.wantName, tc.wantScope)
				}
				checkRecent(t, "token CreatedAt", tok.CreatedAt, before, time.Now())
				made[tc.name] = created{tok, secret}

				es := auditList(t, d, audit.Filter{RecordType: "token", RecordID: strconv.FormatInt(tok.ID, 10)})
				if len(es) != 1 {
					t.Fatalf("audit entries for token %d: got %d, want 1", tok.ID, len(es))
				}
				checkEntry(t, es[0], testActor, "token.create", "token", strconv.FormatInt(tok.ID, 10), map[string]audit.Change{
					"user": {New: "ana@example.com"}, "name": {New: tc.wantName}, "scope": {New: string(tc.wantScope)},
				})
			})
		}
		if len(made) != len(cases) {
			t.Fatalf("tokens created: got %d, want %d", len(made), len(cases))
		}

		t.Run("secrets stored only hashed", func(t *testing.T) {
			rows, err := d.Read().QueryContext(context.Background(), `SELECT id, name, token_hash, scope FROM api_tokens`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			hashes := map[int64]string{}
			for rows.Next() {
				var id int64
				var name, hash, scope string
				if err := rows.Scan(&id, &name, &hash, &scope); err != nil {
					t.Fatal(err)
				}
				hashes[id] = hash
				for _, c := range made {
					bare := strings.TrimPrefix(c.secret, TokenPrefix)
					for _, col := range []string{name, hash, scope} {
						if strings.Contains(col, bare) {
							t.Errorf("api_tokens row %d holds a secret: got column %q containing %q", id, col, bare)
						}
					}
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			for name, c := range made {
				if got, want := hashes[c.tok.ID], hashSecret(c.secret); got != want {
					t.Errorf("token %q token_hash: got %q, want sha256 %q", name, got, want)
				}
			}
		})

		t.Run("Tokens lists newest first", func(t *testing.T) {
			toks, err := s.Tokens(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tok := range toks {
				got = append(got, tok.Name)
			}
			want := []string{strings.Repeat("n", 100), "deploy bot", "dashboards", "ci"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Tokens names: got %q, want %q", got, want)
			}
		})

		ci := made["read is the default scope"]
		lastUsed := func(t *testing.T, id int64) *time.Time {
			t.Helper()
			var v sql.NullTime
			if err := d.Read().QueryRowContext(context.Background(), `SELECT last_used_at FROM api_tokens WHERE id = $1`, id).Scan(&v); err != nil {
				t.Fatal(err)
			}
			if !v.Valid {
				return nil
			}
			u := v.Time.UTC()
			return &u
		}
		setLastUsed := func(t *testing.T, id int64, at time.Time) {
			t.Helper()
			if err := d.Write(context.Background(), func(tx *db.Tx) error {
				_, err := tx.ExecContext(context.Background(), `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at, id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("TokenUser", func(t *testing.T) {
			before := time.Now()
			u, tok, err := s.TokenUser(context.Background(), ci.secret)
			if err != nil {
				t.Fatalf("TokenUser: got error %v, want nil", err)
			}
			if u.ID != ana.ID || u.Email != ana.Email || u.Role != Editor {
				t.Errorf("TokenUser user: got %+v, want %+v", u, ana)
			}
			if tok.ID != ci.tok.ID || tok.Name != "ci" || tok.Scope != ScopeRead || tok.UserEmail != "ana@example.com" {
				t.Errorf("TokenUser token: got %+v, want %+v", tok, ci.tok)
			}
			if tok.LastUsedAt == nil {
				t.Fatalf("TokenUser LastUsedAt: got nil, want now")
			}
			checkRecent(t, "TokenUser LastUsedAt", *tok.LastUsedAt, before, time.Now())
			stored := lastUsed(t, ci.tok.ID)
			if stored == nil || !stored.Equal(*tok.LastUsedAt) {
				t.Errorf("stored last_used_at: got %v, want %v", stored, *tok.LastUsedAt)
			}
			if other := lastUsed(t, made["write"].tok.ID); other != nil {
				t.Errorf("last_used_at of an unused token: got %v, want nil", *other)
			}
			toks, err := s.Tokens(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, lt := range toks {
				if lt.ID == ci.tok.ID && (lt.LastUsedAt == nil || !lt.LastUsedAt.Equal(*tok.LastUsedAt)) {
					t.Errorf("Tokens LastUsedAt: got %v, want %v", lt.LastUsedAt, *tok.LastUsedAt)
				}
			}
		})

		t.Run("last use is noted at most once a minute", func(t *testing.T) {
			now := db.Now()
			steps := []struct {
				name    string
				setTo   time.Time
				wantNew bool // last_used_at moves to now
			}{
				{"used 30 seconds ago", now.Add(-30 * time.Second), false},
				{"used 2 minutes ago", now.Add(-2 * time.Minute), true},
				{"used 1 hour ago", now.Add(-time.Hour), true},
			}
			for _, st := range steps {
				t.Run(st.name, func(t *testing.T) {
					setLastUsed(t, ci.tok.ID, st.setTo)
					before := time.Now()
					_, tok, err := s.TokenUser(context.Background(), ci.secret)
					if err != nil {
						t.Fatalf("TokenUser: got error %v, want nil", err)
					}
					stored := lastUsed(t, ci.tok.ID)
					if stored == nil || tok.LastUsedAt == nil || !stored.Equal(*tok.LastUsedAt) {
						t.Fatalf("last_used_at: stored %v, returned %v, want equal", stored, tok.LastUsedAt)
					}
					if st.wantNew {
						checkRecent(t, "last_used_at", *stored, before, time.Now())
					} else if !stored.Equal(st.setTo) {
						t.Errorf("last_used_at: got %v, want unchanged %v", *stored, st.setTo)
					}
				})
			}
		})

		t.Run("unknown secrets", func(t *testing.T) {
			for _, secret := range []string{"", TokenPrefix, "chief_nope", strings.TrimPrefix(ci.secret, TokenPrefix), hashSecret(ci.secret), ci.secret + "x"} {
				_, _, err := s.TokenUser(context.Background(), secret)
				wantCode(t, err, apperr.Unauthorized)
			}
		})

		t.Run("revoke", func(t *testing.T) {
			dash := made["read"]
			if _, _, err := s.TokenUser(context.Background(), dash.secret); err != nil {
				t.Fatalf("TokenUser before revoking: got error %v, want nil", err)
			}
			before := time.Now()
			tok, err := s.RevokeToken(ctx, dash.tok.ID)
			if err != nil {
				t.Fatalf("RevokeToken: got error %v, want nil", err)
			}
			if tok.ID != dash.tok.ID || tok.Name != "dashboards" || tok.RevokedAt == nil {
				t.Fatalf("RevokeToken: got %+v, want token %d revoked", tok, dash.tok.ID)
			}
			checkRecent(t, "RevokedAt", *tok.RevokedAt, before, time.Now())
			_, _, err = s.TokenUser(context.Background(), dash.secret)
			wantCode(t, err, apperr.Unauthorized)
			if _, _, err := s.TokenUser(context.Background(), made["write"].secret); err != nil {
				t.Errorf("TokenUser of another token after revoking: got error %v, want nil", err)
			}

			again, err := s.RevokeToken(ctx, dash.tok.ID)
			if err != nil {
				t.Fatalf("RevokeToken again: got error %v, want nil", err)
			}
			if again.RevokedAt == nil || !again.RevokedAt.Equal(*tok.RevokedAt) {
				t.Errorf("RevokedAt after revoking again: got %v, want %v", again.RevokedAt, *tok.RevokedAt)
			}
			id := strconv.FormatInt(dash.tok.ID, 10)
			es := auditList(t, d, audit.Filter{RecordType: "token", RecordID: id})
			if len(es) != 2 {
				t.Fatalf("audit entries for token %s: got %d, want 2 (create, revoke once)", id, len(es))
			}
			checkEntry(t, es[0], testActor, "token.revoke", "token", id, map[string]audit.Change{"revoked": {Old: false, New: true}})

			_, err = s.RevokeToken(ctx, 999999)
			wantCode(t, err, apperr.NotFound)
		})

		t.Run("disabled user's tokens stop working", func(t *testing.T) {
			w := made["write"]
			mustDisable(t, s, "ana@example.com")
			_, _, err := s.TokenUser(context.Background(), w.secret)
			wantCode(t, err, apperr.Unauthorized)
		})
	})
}

func TestSetupToken(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := actorCtx(testActor)
		s := NewStore(d)
		newSetup := func(t *testing.T) string {
			t.Helper()
			secret, err := s.NewSetupToken(ctx)
			if err != nil {
				t.Fatalf("NewSetupToken: got error %v, want nil", err)
			}
			return secret
		}
		admin := NewUser{Email: "Root@Example.com", Password: testPass, Role: Viewer}

		first := newSetup(t)
		second := newSetup(t)
		t.Run("secrets", func(t *testing.T) {
			if len(first) != 64 || len(second) != 64 || first == second {
				t.Errorf("setup secrets: got %q and %q, want two different 64-character secrets", first, second)
			}
			var hashes []string
			rows, err := d.Read().QueryContext(context.Background(), `SELECT token_hash FROM setup_tokens`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var h string
				if err := rows.Scan(&h); err != nil {
					t.Fatal(err)
				}
				hashes = append(hashes, h)
			}
			if want := []string{hashSecret(second)}; !reflect.DeepEqual(hashes, want) {
				t.Errorf("setup_tokens rows: got %q, want only the hash of the newest secret %q", hashes, want)
			}
		})

		cases := []struct {
			name   string
			secret string
			in     NewUser
			code   apperr.Code
			field  string
		}{
			{"replaced secret", first, admin, apperr.Unauthorized, ""},
			{"unknown secret", "0123456789abcdef", admin, apperr.Unauthorized, ""},
			{"empty secret", "", admin, apperr.Unauthorized, ""},
			{"hash instead of secret", hashSecret(second), admin, apperr.Unauthorized, ""},
			{"invalid email", second, NewUser{Email: "root", Password: testPass}, apperr.Invalid, "email"},
			{"short password", second, NewUser{Email: "root@example.com", Password: "short"}, apperr.Invalid, "password"},
		}
		for _, tc := range cases {
			t.Run("refused/"+tc.name, func(t *testing.T) {
				_, err := s.CompleteSetup(ctx, tc.secret, tc.in)
				wantField(t, err, tc.code, tc.field)
				mustUserCount(t, s, 0)
			})
		}

		t.Run("creates an admin once", func(t *testing.T) {
			u, err := s.CompleteSetup(ctx, second, admin)
			if err != nil {
				t.Fatalf("CompleteSetup: got error %v, want nil (a refused attempt must not use the secret up)", err)
			}
			if u.Email != "root@example.com" || u.Role != Admin || u.ID <= 0 {
				t.Errorf("CompleteSetup: got %+v, want admin root@example.com", u)
			}
			if _, err := s.Authenticate(context.Background(), "root@example.com", testPass); err != nil {
				t.Errorf("Authenticate as the new admin: got error %v, want nil", err)
			}
			es := auditList(t, d, audit.Filter{RecordType: "user", RecordID: "root@example.com"})
			if len(es) != 1 {
				t.Fatalf("audit entries for the admin: got %d, want 1", len(es))
			}
			checkEntry(t, es[0], testActor, "user.create", "user", "root@example.com", map[string]audit.Change{
				"email": {New: "root@example.com"}, "role": {New: "admin"},
			})

			_, err = s.CompleteSetup(ctx, second, NewUser{Email: "other@example.com", Password: testPass})
			wantCode(t, err, apperr.Unauthorized)
			mustUserCount(t, s, 1)
		})

		t.Run("no secret once users exist", func(t *testing.T) {
			if got := newSetup(t); got != "" {
				t.Errorf("NewSetupToken with a user: got %q, want \"\"", got)
			}
		})
	})
}

func TestCompleteSetupAfterUserAdd(t *testing.T) {
	// A setup secret made before someone ran "chief user add" must not create
	// a second admin.
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		secret, err := s.NewSetupToken(context.Background())
		if err != nil || secret == "" {
			t.Fatalf("NewSetupToken: got (%q, %v), want a secret", secret, err)
		}
		mustCreateUser(t, s, "ana@example.com", Viewer)
		_, err = s.CompleteSetup(context.Background(), secret, NewUser{Email: "root@example.com", Password: testPass})
		wantCode(t, err, apperr.Conflict)
		mustUserCount(t, s, 1)
		if _, err := s.UserByEmail(context.Background(), "root@example.com"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("UserByEmail(root): got %v, want not found", err)
		}
	})
}

// TestChangesAreAudited runs every change in turn and checks that it adds
// exactly one audit entry, by the actor in the context, describing it; and
// that changes that change nothing add none.
func TestChangesAreAudited(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		ctx := actorCtx(testActor)
		var tokenID int64
		tokenRef := func() string { return strconv.FormatInt(tokenID, 10) }
		steps := []struct {
			name       string
			op         func() error
			action     string // "" when no entry is expected
			recordType string
			recordID   func() string
			changes    map[string]audit.Change
		}{
			{
				name: "create user",
				op: func() error {
					_, err := s.CreateUser(ctx, NewUser{Email: "Ana@Example.com", Password: testPass, Role: Viewer})
					return err
				},
				action: "user.create", recordType: "user", recordID: func() string { return "ana@example.com" },
				changes: map[string]audit.Change{"email": {New: "ana@example.com"}, "role": {New: "viewer"}},
			},
			{
				name:   "set role",
				op:     func() error { _, err := s.SetRole(ctx, "ana@example.com", Admin); return err },
				action: "user.update", recordType: "user", recordID: func() string { return "ana@example.com" },
				changes: map[string]audit.Change{"role": {Old: "viewer", New: "admin"}},
			},
			{
				name: "set the same role",
				op:   func() error { _, err := s.SetRole(ctx, "ana@example.com", Admin); return err },
			},
			{
				name: "create token",
				op: func() error {
					tok, _, err := s.CreateToken(ctx, NewToken{UserEmail: "ana@example.com", Name: "ci", Scope: ScopeWrite})
					tokenID = tok.ID
					return err
				},
				action: "token.create", recordType: "token", recordID: tokenRef,
				changes: map[string]audit.Change{"user": {New: "ana@example.com"}, "name": {New: "ci"}, "scope": {New: "write"}},
			},
			{
				name:   "revoke token",
				op:     func() error { _, err := s.RevokeToken(ctx, tokenID); return err },
				action: "token.revoke", recordType: "token", recordID: tokenRef,
				changes: map[string]audit.Change{"revoked": {Old: false, New: true}},
			},
			{
				name: "revoke token again",
				op:   func() error { _, err := s.RevokeToken(ctx, tokenID); return err },
			},
			{
				name:   "disable user",
				op:     func() error { _, err := s.DisableUser(ctx, "ana@example.com"); return err },
				action: "user.disable", recordType: "user", recordID: func() string { return "ana@example.com" },
				changes: map[string]audit.Change{"disabled": {Old: false, New: true}},
			},
			{
				name: "disable user again",
				op:   func() error { _, err := s.DisableUser(ctx, "ana@example.com"); return err },
			},
			{
				name: "session and sign-in write nothing",
				op: func() error {
					u, err := s.UserByEmail(ctx, "ana@example.com")
					if err != nil {
						return err
					}
					secret, err := s.CreateSession(ctx, u.ID)
					if err != nil {
						return err
					}
					_, _ = s.SessionUser(ctx, secret)
					_, _ = s.Authenticate(ctx, "ana@example.com", testPass)
					return s.DeleteSession(ctx, secret)
				},
			},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				n := len(auditList(t, d, audit.Filter{}))
				if err := st.op(); err != nil {
					t.Fatalf("%s: got error %v, want nil", st.name, err)
				}
				all := auditList(t, d, audit.Filter{})
				if st.action == "" {
					if len(all) != n {
						t.Errorf("audit entries: got %d, want %d (none added)", len(all), n)
					}
					return
				}
				if len(all) != n+1 {
					t.Fatalf("audit entries: got %d, want %d", len(all), n+1)
				}
				checkEntry(t, all[0], testActor, st.action, st.recordType, st.recordID(), st.changes)
				mine := auditList(t, d, audit.Filter{Actor: "user:*", RecordType: st.recordType, RecordID: st.recordID()})
				if len(mine) == 0 || mine[0].ID != all[0].ID {
					t.Errorf("entry %d not found by actor user:*, record %s %s", all[0].ID, st.recordType, st.recordID())
				}
			})
		}
	})
}

// TestAuditFailureRollsBackChange shows the audit entry is written in the
// change's own transaction: when the entry cannot be written, the change is
// not made either.
func TestAuditFailureRollsBackChange(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, s *Store) (state any)
		op    func(s *Store, state any) error
		check func(t *testing.T, s *Store, state any) // the change did not happen
	}{
		{
			name: "create user",
			op: func(s *Store, _ any) error {
				_, err := s.CreateUser(actorCtx(testActor), NewUser{Email: "ana@example.com", Password: testPass, Role: Viewer})
				return err
			},
			check: func(t *testing.T, s *Store, _ any) { mustUserCount(t, s, 0) },
		},
		{
			name: "complete setup",
			setup: func(t *testing.T, s *Store) any {
				secret, err := s.NewSetupToken(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				return secret
			},
			op: func(s *Store, state any) error {
				_, err := s.CompleteSetup(actorCtx(testActor), state.(string), NewUser{Email: "root@example.com", Password: testPass})
				return err
			},
			check: func(t *testing.T, s *Store, _ any) { mustUserCount(t, s, 0) },
		},
		{
			name:  "set role",
			setup: func(t *testing.T, s *Store) any { return mustCreateUser(t, s, "ana@example.com", Viewer) },
			op: func(s *Store, _ any) error {
				_, err := s.SetRole(actorCtx(testActor), "ana@example.com", Admin)
				return err
			},
			check: func(t *testing.T, s *Store, _ any) {
				u, err := s.UserByEmail(context.Background(), "ana@example.com")
				if err != nil || u.Role != Viewer {
					t.Errorf("role after failed SetRole: got %q (%v), want viewer", u.Role, err)
				}
			},
		},
		{
			name: "disable user",
			setup: func(t *testing.T, s *Store) any {
				u := mustCreateUser(t, s, "ana@example.com", Viewer)
				secret, err := s.CreateSession(context.Background(), u.ID)
				if err != nil {
					t.Fatal(err)
				}
				return secret
			},
			op: func(s *Store, _ any) error {
				_, err := s.DisableUser(actorCtx(testActor), "ana@example.com")
				return err
			},
			check: func(t *testing.T, s *Store, state any) {
				u, err := s.UserByEmail(context.Background(), "ana@example.com")
				if err != nil || u.Disabled() {
					t.Errorf("user after failed DisableUser: got disabled %v (%v), want enabled", u.Disabled(), err)
				}
				if _, err := s.SessionUser(context.Background(), state.(string)); err != nil {
					t.Errorf("session after failed DisableUser: got error %v, want it still valid", err)
				}
			},
		},
		{
			name:  "create token",
			setup: func(t *testing.T, s *Store) any { return mustCreateUser(t, s, "ana@example.com", Viewer) },
			op: func(s *Store, _ any) error {
				_, _, err := s.CreateToken(actorCtx(testActor), NewToken{UserEmail: "ana@example.com", Name: "ci"})
				return err
			},
			check: func(t *testing.T, s *Store, _ any) {
				toks, err := s.Tokens(context.Background())
				if err != nil || len(toks) != 0 {
					t.Errorf("tokens after failed CreateToken: got %d (%v), want 0", len(toks), err)
				}
			},
		},
		{
			name: "revoke token",
			setup: func(t *testing.T, s *Store) any {
				mustCreateUser(t, s, "ana@example.com", Viewer)
				tok, secret := mustCreateToken(t, s, NewToken{UserEmail: "ana@example.com", Name: "ci"})
				return created{tok.ID, secret}
			},
			op: func(s *Store, state any) error {
				_, err := s.RevokeToken(actorCtx(testActor), state.(created).id)
				return err
			},
			check: func(t *testing.T, s *Store, state any) {
				if _, _, err := s.TokenUser(context.Background(), state.(created).secret); err != nil {
					t.Errorf("TokenUser after failed RevokeToken: got error %v, want the token still valid", err)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Engines(t, func(t *testing.T, d *db.DB) {
				s := NewStore(d)
				var state any
				if tc.setup != nil {
					state = tc.setup(t, s)
				}
				renameAuditLog(t, d, "audit_log", "audit_log_away")
				err := tc.op(s, state)
				renameAuditLog(t, d, "audit_log_away", "audit_log")
				if err == nil {
					t.Fatalf("%s with the audit log missing: got nil error, want the audit write to fail", tc.name)
				}
				if !strings.Contains(err.Error(), "audit") {
					t.Fatalf("%s with the audit log missing: got error %q, want an audit write error", tc.name, err)
				}
				tc.check(t, s, state)
				if tc.name == "complete setup" {
					// The failed attempt did not use the secret up.
					if _, err := s.CompleteSetup(context.Background(), state.(string), NewUser{Email: "root@example.com", Password: testPass}); err != nil {
						t.Errorf("CompleteSetup after the failed attempt: got error %v, want nil", err)
					}
				}
			})
		})
	}
}

type created struct {
	id     int64
	secret string
}

func renameAuditLog(t *testing.T, d *db.DB, from, to string) {
	t.Helper()
	ctx := context.Background()
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `ALTER TABLE `+from+` RENAME TO `+to)
		return err
	}); err != nil {
		t.Fatalf("rename %s to %s: %v", from, to, err)
	}
}
