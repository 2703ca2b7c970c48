package web

import (
	"net/http"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/auth"
)

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	out := map[string]any{"user": p.user}
	if p.token != nil {
		out["token"] = map[string]any{"id": p.token.ID, "name": p.token.Name, "scope": p.token.Scope}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiUserList(w http.ResponseWriter, r *http.Request) error {
	users, err := s.auth.Users(r.Context())
	if err != nil {
		return err
	}
	if users == nil {
		users = []auth.User{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": users})
	return nil
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) error {
	var n auth.NewUser
	if err := decodeJSON(r, &n); err != nil {
		return err
	}
	u, err := s.auth.CreateUser(r.Context(), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

// userPatch changes a user's role or disables the account.
type userPatch struct {
	Role     *auth.Role `json:"role"`
	Disabled *bool      `json:"disabled"`
}

func (s *Server) apiUserUpdate(w http.ResponseWriter, r *http.Request) error {
	var patch userPatch
	if err := decodeJSON(r, &patch); err != nil {
		return err
	}
	u, err := s.auth.UserByEmail(r.Context(), r.PathValue("email"))
	if err != nil {
		return err
	}
	email := u.Email
	self := principalFrom(r.Context()).user.ID == u.ID
	// Check the whole patch before changing anything.
	if patch.Role != nil && self && *patch.Role != auth.Admin {
		return apperr.Field("role", "you cannot take away your own admin role")
	}
	if patch.Disabled != nil && !*patch.Disabled {
		return apperr.Field("disabled", "a disabled account cannot be enabled again; add a new user")
	}
	if patch.Disabled != nil && self {
		return apperr.Field("disabled", "you cannot disable your own account")
	}
	if patch.Role != nil {
		if u, err = s.auth.SetRole(r.Context(), email, *patch.Role); err != nil {
			return err
		}
	}
	if patch.Disabled != nil {
		if u, err = s.auth.DisableUser(r.Context(), email); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiTokenList(w http.ResponseWriter, r *http.Request) error {
	tokens, err := s.auth.Tokens(r.Context())
	if err != nil {
		return err
	}
	if tokens == nil {
		tokens = []auth.Token{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": tokens})
	return nil
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) error {
	var n auth.NewToken
	if err := decodeJSON(r, &n); err != nil {
		return err
	}
	t, secret, err := s.auth.CreateToken(r.Context(), n)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": secret})
	return nil
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	t, err := s.revokeTokenAt(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) apiAuditList(w http.ResponseWriter, r *http.Request) error {
	f, err := auditFilter(r.URL.Query())
	if err != nil {
		return err
	}
	entries, next, err := s.audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []audit.Entry{}
	}
	out := map[string]any{"items": entries}
	if next > 0 {
		out["next_before"] = next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
