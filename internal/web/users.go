package web

import (
	"net/http"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/auth"
)

type usersPage struct {
	Users  []auth.User
	Form   map[string]string
	Errors map[string]string
	Roles  []auth.Role
	Self   string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, status int, p usersPage) error {
	var err error
	p.Users, err = s.auth.Users(r.Context())
	if err != nil {
		return err
	}
	p.Roles = []auth.Role{auth.Viewer, auth.Editor, auth.Admin}
	p.Self = principalFrom(r.Context()).user.Email
	if p.Form == nil {
		p.Form = map[string]string{"role": string(auth.Viewer)}
	}
	return s.renderStatus(w, r, status, "users", "Users", "users", p)
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) error {
	return s.usersPage(w, r, http.StatusOK, usersPage{})
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	n := auth.NewUser{Email: r.PostFormValue("email"), Password: r.PostFormValue("password"), Role: auth.Role(r.PostFormValue("role"))}
	u, err := s.auth.CreateUser(r.Context(), n)
	if e := apperr.As(err); e != nil && e.Code != apperr.Internal {
		field := e.Field
		if field == "" {
			field = "form"
		}
		return s.usersPage(w, r, apperr.HTTPStatus(e.Code), usersPage{
			Form:   map[string]string{"email": n.Email, "role": string(n.Role)},
			Errors: map[string]string{field: e.Message},
		})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?notice="+urlQuery("Added "+u.Email+" as "+string(u.Role)+"."), http.StatusSeeOther)
	return nil
}

func (s *Server) userSetRole(w http.ResponseWriter, r *http.Request) error {
	role, err := auth.ParseRole(r.PostFormValue("role"))
	if err != nil {
		return err
	}
	target, err := s.auth.UserByEmail(r.Context(), r.PathValue("email"))
	if err != nil {
		return err
	}
	if target.ID == principalFrom(r.Context()).user.ID && role != auth.Admin {
		return apperr.New(apperr.Conflict, "you cannot take away your own admin role; ask another admin")
	}
	u, err := s.auth.SetRole(r.Context(), target.Email, role)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?notice="+urlQuery(u.Email+" is now "+string(u.Role)+"."), http.StatusSeeOther)
	return nil
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) error {
	target, err := s.auth.UserByEmail(r.Context(), r.PathValue("email"))
	if err != nil {
		return err
	}
	if target.ID == principalFrom(r.Context()).user.ID {
		return apperr.New(apperr.Conflict, "you cannot disable your own account")
	}
	u, err := s.auth.DisableUser(r.Context(), target.Email)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?notice="+urlQuery("Disabled "+u.Email+"."), http.StatusSeeOther)
	return nil
}
