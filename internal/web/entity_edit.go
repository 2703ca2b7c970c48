package web

import (
	"net/http"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
)

func (s *Server) entityNewForm(w http.ResponseWriter, r *http.Request) error {
	kind, ok := catalog.KindByName(r.URL.Query().Get("kind"))
	if !ok {
		kind, _ = catalog.KindByName("Component")
	}
	f := newEntityForm(kind)
	f.Action = "/catalog/new?kind=" + strings.ToLower(kind.Name)
	f.Back = "/catalog"
	if err := s.suggest(r.Context(), f); err != nil {
		return err
	}
	return s.render(w, r, "entity_form", "New "+kind.Name, "catalog", f)
}

func (s *Server) entityCreate(w http.ResponseWriter, r *http.Request) error {
	kind, ok := catalog.KindByName(r.URL.Query().Get("kind"))
	if !ok {
		return apperr.Field("kind", "unknown kind %q", r.URL.Query().Get("kind"))
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f := newEntityForm(kind)
	f.Action = "/catalog/new?kind=" + strings.ToLower(kind.Name)
	f.Back = "/catalog"
	rec, err := s.catalog.Create(r.Context(), f.read(r.PostForm))
	if f.setError(err) {
		if err := s.suggest(r.Context(), f); err != nil {
			return err
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "entity_form", "New "+kind.Name, "catalog", f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, entityURL(rec.Entity)+"?notice="+urlQuery("Created "+rec.Entity.Ref().String()+"."), http.StatusSeeOther)
	return nil
}

func (s *Server) entityEditForm(w http.ResponseWriter, r *http.Request) error {
	_, rec, err := s.entityAt(r)
	if err != nil {
		return err
	}
	f := editForm(rec)
	if err := s.suggest(r.Context(), f); err != nil {
		return err
	}
	return s.render(w, r, "entity_form", "Edit "+rec.Entity.DisplayName(), "catalog", f)
}

func editForm(rec catalog.Record) *entityForm {
	kind, _ := catalog.KindByName(rec.Entity.Kind)
	f := newEntityForm(kind)
	f.Editing = true
	f.fill(rec.Entity)
	f.Action = entityURL(rec.Entity) + "/edit"
	f.Back = entityURL(rec.Entity)
	return f
}

func (s *Server) entityEdit(w http.ResponseWriter, r *http.Request) error {
	ref, rec, err := s.entityAt(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f := editForm(rec)
	posted := r.PostForm
	// The identity cannot change on edit; the form shows it read-only.
	posted.Set("metadata.name", rec.Entity.Metadata.Name)
	posted.Set("metadata.namespace", rec.Entity.Metadata.Namespace)
	updated, err := s.catalog.Update(r.Context(), ref, f.read(posted))
	if f.setError(err) {
		if err := s.suggest(r.Context(), f); err != nil {
			return err
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "entity_form", "Edit "+rec.Entity.DisplayName(), "catalog", f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, entityURL(updated.Entity)+"?notice="+urlQuery("Saved."), http.StatusSeeOther)
	return nil
}

func (s *Server) entityDeleteForm(w http.ResponseWriter, r *http.Request) error {
	_, rec, err := s.entityAt(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "entity_delete", "Delete "+rec.Entity.DisplayName(), "catalog", rec)
}

func (s *Server) entityDelete(w http.ResponseWriter, r *http.Request) error {
	ref, err := refFromPath(r)
	if err != nil {
		return err
	}
	if err := s.catalog.Delete(r.Context(), ref); err != nil {
		return err
	}
	http.Redirect(w, r, "/catalog?notice="+urlQuery("Deleted "+ref.String()+"."), http.StatusSeeOther)
	return nil
}
