package web

import (
	"net/http"
	"strconv"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/auth"
)

type tokensPage struct {
	Tokens []auth.Token
	Users  []auth.User
	Form   map[string]string
	Errors map[string]string
	// Secret is the new token, shown on this one response only.
	Secret string
	New    *auth.Token
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, status int, p tokensPage) error {
	var err error
	if p.Tokens, err = s.auth.Tokens(r.Context()); err != nil {
		return err
	}
	if p.Users, err = s.auth.Users(r.Context()); err != nil {
		return err
	}
	if p.Form == nil {
		p.Form = map[string]string{"user": principalFrom(r.Context()).user.Email, "scope": string(auth.ScopeRead)}
	}
	// The page with a new secret must not be cached anywhere.
	w.Header().Set("Cache-Control", "no-store")
	return s.renderStatus(w, r, status, "tokens", "API tokens", "tokens", p)
}

func (s *Server) tokenList(w http.ResponseWriter, r *http.Request) error {
	return s.tokensPage(w, r, http.StatusOK, tokensPage{})
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	n := auth.NewToken{UserEmail: r.PostFormValue("user"), Name: r.PostFormValue("name"), Scope: auth.Scope(r.PostFormValue("scope"))}
	t, secret, err := s.auth.CreateToken(r.Context(), n)
	if e := apperr.As(err); e != nil && e.Code != apperr.Internal {
		field := e.Field
		if field == "" {
			field = "form"
		}
		return s.tokensPage(w, r, apperr.HTTPStatus(e.Code), tokensPage{
			Form:   map[string]string{"user": n.UserEmail, "name": n.Name, "scope": string(n.Scope)},
			Errors: map[string]string{field: e.Message},
		})
	}
	if err != nil {
		return err
	}
	return s.tokensPage(w, r, http.StatusCreated, tokensPage{Secret: secret, New: &t})
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	t, err := s.revokeTokenAt(r)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tokens?notice="+urlQuery("Revoked token "+t.Name+"."), http.StatusSeeOther)
	return nil
}

// revokeTokenAt revokes the token whose id the URL names.
func (s *Server) revokeTokenAt(r *http.Request) (auth.Token, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return auth.Token{}, apperr.New(apperr.NotFound, "no token %q", r.PathValue("id"))
	}
	return s.auth.RevokeToken(r.Context(), id)
}
