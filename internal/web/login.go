package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/auth"
)

type loginData struct {
	Email string
	Next  string
	Error string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if principalFrom(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, "login", "Sign in", "", loginData{Next: r.URL.Query().Get("next")})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	data := loginData{Email: email, Next: r.PostFormValue("next")}
	addr := clientAddr(r)
	if ok, wait := s.limiter.Allowed(email, addr); !ok {
		data.Error = fmt.Sprintf("Too many failed sign-ins. Try again in %d minutes.", int(wait.Minutes())+1)
		return s.renderStatus(w, r, http.StatusTooManyRequests, "login", "Sign in", "", data)
	}
	u, err := s.auth.Authenticate(r.Context(), email, r.PostFormValue("password"))
	if apperr.Is(err, apperr.Unauthorized) {
		s.limiter.Failed(email, addr)
		s.log.Info("sign-in failed", "email", email, "remote", addr)
		data.Error = "Wrong email or password."
		return s.renderStatus(w, r, http.StatusUnauthorized, "login", "Sign in", "", data)
	}
	if err != nil {
		return err
	}
	s.limiter.Succeeded(email)
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(data.Next), http.StatusSeeOther)
	return nil
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u auth.User) error {
	secret, err := s.auth.CreateSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/",
		MaxAge: int(auth.SessionLifetime.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r),
	})
	s.log.Info("signed in", "email", u.Email)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.auth.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps redirects after sign-in on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

type setupData struct {
	Token  string
	Email  string
	Errors map[string]string
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "setup", "Create the first admin", "", setupData{Token: r.URL.Query().Get("token")})
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	data := setupData{Token: r.PostFormValue("token"), Email: r.PostFormValue("email"), Errors: map[string]string{}}
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		data.Errors["password2"] = "The two passwords differ."
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "setup", "Create the first admin", "", data)
	}
	u, err := s.auth.CompleteSetup(r.Context(), data.Token, auth.NewUser{Email: data.Email, Password: r.PostFormValue("password")})
	if e := apperr.As(err); e != nil && e.Code != apperr.Internal {
		key := e.Field
		if key == "" {
			key = "form"
		}
		data.Errors[key] = e.Message
		return s.renderStatus(w, r, apperr.HTTPStatus(e.Code), "setup", "Create the first admin", "", data)
	}
	if err != nil {
		return err
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	http.Redirect(w, r, "/?notice="+urlQuery("Welcome. You are the first admin."), http.StatusSeeOther)
	return nil
}

func (s *Server) setTheme(w http.ResponseWriter, r *http.Request) error {
	theme := r.PostFormValue("theme")
	if theme != "light" && theme != "dark" {
		theme = "auto"
	}
	http.SetCookie(w, &http.Cookie{Name: "chief_theme", Value: theme, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	back := r.PostFormValue("back")
	http.Redirect(w, r, safeNext(back), http.StatusSeeOther)
	return nil
}
