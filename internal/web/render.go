package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/catalog"
)

//go:embed templates static
var assets embed.FS

// views holds one parsed template set per page, each with the layout and
// the partials.
type views struct {
	pages map[string]*template.Template
}

// pageNames lists every view; parseViews fails when one is missing.
var pageNames = []string{
	"login", "setup", "home", "catalog_list", "catalog_import", "entity", "entity_form", "entity_delete",
	"teams", "audit", "users", "tokens", "error",
}

func parseViews() (*views, error) {
	base, err := template.New("layout").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(assets, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("parse view %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// page is what every view gets: the signed-in user, the active section and
// the view's own data.
type page struct {
	Title   string
	Section string
	User    *auth.User
	Theme   string
	Version string
	Notice  string
	// Path is the current page, for forms that come back to it.
	Path string
	Data any
}

// render writes a view with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title, section string, data any) error {
	return s.renderStatus(w, r, http.StatusOK, name, title, section, data)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name, title, section string, data any) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("no view %q", name)
	}
	p := page{Title: title, Section: section, Theme: themeOf(r), Version: s.version, Data: data, Notice: r.URL.Query().Get("notice"), Path: r.URL.RequestURI()}
	if pr := principalFrom(r.Context()); pr != nil {
		u := pr.user
		p.User = &u
	}
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer buffers.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// buffers hold rendered pages until they are complete, so that a failed
// render sends an error page rather than half a page. Reusing them saves
// growing a large buffer for every request.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// renderError shows an error page with the status its code maps to.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.As(err)
	if e == nil {
		s.log.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = apperr.New(apperr.Internal, "Something went wrong on our side. The server log has the details.")
	}
	status := apperr.HTTPStatus(e.Code)
	if rerr := s.renderStatus(w, r, status, "error", http.StatusText(status), "", e); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, e.Message, status)
	}
}

func themeOf(r *http.Request) string {
	if c, err := r.Cookie("chief_theme"); err == nil && (c.Value == "light" || c.Value == "dark") {
		return c.Value
	}
	return "auto"
}

var funcs = template.FuncMap{
	"entityURL": entityURL,
	"refURL":    refURL,
	"ago":       ago,
	"datetime":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"rfc3339":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"lower":     strings.ToLower,
	"thousands": thousands,
	"query":     withQuery,
	"kinds":     func() []catalog.KindDef { return catalog.Kinds },
	"dict":      dict,
	"list":      func(items ...string) []string { return items },
	"pct": func(part, whole int) int {
		if whole == 0 {
			return 0
		}
		return part * 100 / whole
	},
	"value":          auditValue,
	"lifecycleBadge": func(v any) template.HTML { s, _ := v.(string); return lifecycleBadge(s) },
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
}

// entityURL is the page of an entity.
func entityURL(e catalog.Entity) string { return refURL(e.Ref()) }

func refURL(r catalog.Ref) string {
	return "/catalog/" + url.PathEscape(strings.ToLower(r.Kind)) + "/" + url.PathEscape(r.Namespace) + "/" + url.PathEscape(r.Name)
}

func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%d days ago", int(d.Hours()/24))
	}
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// withQuery returns the current URL's query with key set to value (or
// removed when value is empty), for filter and sort links.
func withQuery(q url.Values, pairs ...string) string {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			out.Del(pairs[i])
		} else {
			out.Set(pairs[i], pairs[i+1])
		}
	}
	if pairs[0] != "page" {
		out.Del("page")
	}
	if len(out) == 0 {
		return "?"
	}
	return "?" + out.Encode()
}

func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

// staticFiles serves the embedded CSS and JavaScript.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(assets, "static")
	fsrv := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		if path.Ext(r.URL.Path) == "" {
			http.NotFound(w, r)
			return
		}
		fsrv.ServeHTTP(w, r)
	}))
}

// auditValue shows a changed value briefly: strings as they are, anything
// else as JSON, cut at 160 characters.
func auditValue(v any) string {
	s, ok := v.(string)
	if !ok {
		b, _ := json.Marshal(v)
		s = string(b)
	}
	if r := []rune(s); len(r) > 160 {
		return string(r[:159]) + "…"
	}
	return s
}
