package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/auth"
)

const sessionCookie = "chief_session"

// principal is who makes a request.
type principal struct {
	user auth.User
	// token is set for bearer-token requests.
	token *auth.Token
}

type principalKey struct{}

func principalFrom(ctx context.Context) *principal {
	p, _ := ctx.Value(principalKey{}).(*principal)
	return p
}

// authenticate works out who is asking, from a bearer token or a session
// cookie, and puts them, and the audit actor, in the request context. It
// does not refuse anyone: the route guards do.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var p *principal
		// Only Bearer credentials are Chief's; other schemes (a proxy's
		// Basic auth, say) are left alone and the cookie is tried.
		if scheme, secret, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
			u, t, err := s.auth.TokenUser(ctx, strings.TrimSpace(secret))
			if err != nil {
				s.writeAPIError(w, r, err)
				return
			}
			p = &principal{user: u, token: &t}
			ctx = audit.WithActor(ctx, audit.Actor{Name: fmt.Sprintf("user:%s (token %d %s)", u.Email, t.ID, t.Name)})
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			u, err := s.auth.SessionUser(ctx, c.Value)
			switch {
			case err == nil:
				p = &principal{user: u}
				ctx = audit.WithActor(ctx, audit.Actor{Name: "user:" + u.Email})
			case !apperr.Is(err, apperr.Unauthorized):
				// The database failed: answer that, rather than treat the
				// visitor as signed out.
				s.log.Error("session lookup failed", "err", err)
				http.Error(w, "internal error; the server log has the details", http.StatusInternalServerError)
				return
			}
		}
		if p != nil {
			ctx = context.WithValue(ctx, principalKey{}, p)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// allowed checks p against the role a route needs. Read-scoped tokens may
// only read.
func allowed(p *principal, r *http.Request, need auth.Role) error {
	if p == nil {
		return apperr.New(apperr.Unauthorized, "sign in or send Authorization: Bearer TOKEN")
	}
	if !p.user.Role.Allows(need) {
		return apperr.New(apperr.Forbidden, "this needs the %s role; you are %s", need, p.user.Role)
	}
	if p.token != nil && p.token.Scope == auth.ScopeRead && r.Method != http.MethodGet && r.Method != http.MethodHead {
		return apperr.New(apperr.Forbidden, "this token has read scope; create one with write scope to make changes")
	}
	return nil
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// admit runs h when one of the server's work slots is free. Requests beyond
// the slots wait their turn in order: on a few cores, fifty requests sharing
// the CPU all finish late, while fifty taking turns finish at an even pace.
func (s *Server) admit(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.slots <- struct{}{}:
		case <-r.Context().Done():
			// The client gave up waiting; say so in the logs and metrics.
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		defer func() { <-s.slots }()
		h.ServeHTTP(w, r)
	})
}

// api guards a JSON handler with a role and writes its error, if any. It
// waits for a work slot (see admit).
func (s *Server) api(need auth.Role, h handlerFunc) http.Handler {
	return s.admit(s.apiUnmetered(need, h))
}

// apiUnmetered is api without a work slot, for transfers whose time goes
// to the client's network (uploads, downloads), which would hold a slot.
func (s *Server) apiUnmetered(need auth.Role, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := allowed(principalFrom(r.Context()), r, need); err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		if err := h(w, r); err != nil {
			s.writeAPIError(w, r, err)
		}
	})
}

// page guards a page with a role: anonymous visitors go to the sign-in
// page, others without the role get a forbidden page.
func (s *Server) page(need auth.Role, h handlerFunc) http.Handler {
	return s.admit(s.pageUnmetered(need, h))
}

// pageUnmetered is page without a work slot; see apiUnmetered.
func (s *Server) pageUnmetered(need auth.Role, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := principalFrom(r.Context())
		if p == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if err := allowed(p, r, need); err != nil {
			s.renderError(w, r, err)
			return
		}
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// public serves a page anyone may see.
func (s *Server) public(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

type routeKey struct{}

// recordRoute notes the pattern the mux matched, for observe's metrics and
// logs: the middleware between them hands the mux a copy of the request.
func recordRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if p, ok := r.Context().Value(routeKey{}).(*string); ok {
			*p = r.Pattern
		}
	})
}

// observe logs each request and counts it in the metrics by route pattern.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		var route string
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), routeKey{}, &route)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if route == "" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		s.metrics.observe(route, r.Method, rec.status, elapsed)
		level := s.log.Debug
		if rec.status >= 500 {
			level = s.log.Error
		}
		level("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", rec.status,
			"duration_ms", float64(elapsed.Microseconds())/1000, "remote", clientAddr(r))
	})
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// secure reports whether the request came over TLS, directly or through a
// proxy that says so.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
