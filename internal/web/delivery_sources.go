package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
	"github.com/chief-hq/chief/internal/delivery/hooks"
)

type deliverySourcesPage struct {
	Sources   []dlvSourceRow
	Providers []string
	Form      delivery.SourceInput
	Errors    map[string]string
	// New is the source just made, with its secret, shown on this one
	// response only.
	New    *dlvSourceRow
	Secret string
}

type dlvSourceRow struct {
	delivery.Source
	HookURL string
}

// dlvHookBase is the address the browser used, which is the address a
// code host will most likely reach too.
func dlvHookBase(r *http.Request) string {
	scheme := "http"
	if secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) deliverySourcesPage(w http.ResponseWriter, r *http.Request, status int, p deliverySourcesPage) error {
	list, err := s.delivery.Sources(r.Context())
	if err != nil {
		return err
	}
	base := dlvHookBase(r)
	for _, src := range list {
		src.Secret = ""
		p.Sources = append(p.Sources, dlvSourceRow{Source: src, HookURL: base + "/hooks/" + url.PathEscape(src.Name)})
	}
	p.Providers = hooks.Names()
	if p.Form.Provider == "" && len(p.Providers) > 0 {
		p.Form.Provider = p.Providers[0]
	}
	if p.New != nil {
		p.New.HookURL = base + "/hooks/" + url.PathEscape(p.New.Name)
	}
	// The page with a new secret must not be cached anywhere.
	w.Header().Set("Cache-Control", "no-store")
	return s.renderStatus(w, r, status, "delivery_sources", "Webhook sources", "delivery-sources", p)
}

func (s *Server) deliverySourceList(w http.ResponseWriter, r *http.Request) error {
	return s.deliverySourcesPage(w, r, http.StatusOK, deliverySourcesPage{})
}

// deliverySourceCreate makes a source and shows its secret once, with
// how to set up the sender.
func (s *Server) deliverySourceCreate(w http.ResponseWriter, r *http.Request) error {
	in := delivery.SourceInput{Name: strings.TrimSpace(r.PostFormValue("name")), Provider: strings.ToLower(strings.TrimSpace(r.PostFormValue("provider")))}
	var src delivery.Source
	var err error
	if _, ok := hooks.Lookup(in.Provider); !ok {
		err = apperr.Field("provider", "must be one of %s", strings.Join(hooks.Names(), ", "))
	} else {
		src, err = s.delivery.CreateSource(r.Context(), in)
	}
	if e := apperr.As(err); e != nil && e.Code != apperr.Internal {
		field := e.Field
		if field == "" {
			field = "name"
		}
		return s.deliverySourcesPage(w, r, apperr.HTTPStatus(e.Code), deliverySourcesPage{Form: in, Errors: map[string]string{field: e.Message}})
	}
	if err != nil {
		return err
	}
	return s.deliverySourcesPage(w, r, http.StatusCreated, deliverySourcesPage{New: &dlvSourceRow{Source: src}, Secret: src.Secret})
}

func (s *Server) deliverySourceDelete(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if err := s.delivery.DeleteSource(r.Context(), name); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/delivery-sources?notice="+urlQuery("Deleted webhook source "+name+". What it delivered stays."), http.StatusSeeOther)
	return nil
}
