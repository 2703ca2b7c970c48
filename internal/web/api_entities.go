package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
)

// entityJSON is how the API shows an entity: the descriptor as Backstage
// would, plus its relations and Chief's bookkeeping under "status".
type entityJSON struct {
	catalog.Entity
	Relations []catalog.Relation `json:"relations"`
	Status    entityStatus       `json:"status"`
}

type entityStatus struct {
	Ref       string `json:"ref"`
	Location  string `json:"location,omitempty"`
	Origin    string `json:"origin,omitempty"`
	Orphaned  bool   `json:"orphaned"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

func toJSON(r catalog.Record) entityJSON {
	rels := r.Relations
	if rels == nil {
		rels = []catalog.Relation{}
	}
	return entityJSON{Entity: r.Entity, Relations: rels, Status: statusOf(r)}
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

type entityListJSON struct {
	Items      []listedJSON `json:"items"`
	Total      int          `json:"total"`
	NextCursor string       `json:"nextCursor,omitempty"`
}

// listedJSON is a listed entity: its stored descriptor passed on as it is,
// with "status" added, so that a page of 50 costs no decoding.
type listedJSON struct {
	raw    json.RawMessage
	status entityStatus
}

// MarshalJSON splices status into the descriptor object. The descriptor
// was written by json.Marshal of an Entity, so it is one JSON object.
func (l listedJSON) MarshalJSON() ([]byte, error) {
	st, err := json.Marshal(l.status)
	if err != nil {
		return nil, err
	}
	if len(l.raw) < 2 || l.raw[len(l.raw)-1] != '}' {
		return nil, fmt.Errorf("stored descriptor %s is not a JSON object", l.status.Ref)
	}
	out := make([]byte, 0, len(l.raw)+len(st)+12)
	out = append(out, l.raw[:len(l.raw)-1]...)
	out = append(out, `,"status":`...)
	out = append(out, st...)
	return append(out, '}'), nil
}

func statusOf(r catalog.Record) entityStatus {
	return entityStatus{
		Ref: r.Entity.Ref().String(), Location: r.Location, Origin: r.Origin, Orphaned: r.Orphaned,
		CreatedAt: r.CreatedAt.Format(timeFormat), UpdatedAt: r.UpdatedAt.Format(timeFormat),
	}
}

func (s *Server) apiEntityList(w http.ResponseWriter, r *http.Request) error {
	q, err := queryFromURL(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := s.catalog.List(r.Context(), q)
	if err != nil {
		return err
	}
	out := entityListJSON{Items: make([]listedJSON, 0, len(p.Items)), Total: p.Total, NextCursor: p.NextCursor}
	for _, rec := range p.Items {
		out.Items = append(out.Items, listedJSON{raw: rec.Raw, status: statusOf(rec)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiEntityGet(w http.ResponseWriter, r *http.Request) error {
	_, rec, err := s.entityAt(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toJSON(rec))
	return nil
}

func (s *Server) apiEntityCreate(w http.ResponseWriter, r *http.Request) error {
	var e catalog.Entity
	if err := decodeJSON(r, &e); err != nil {
		return err
	}
	if e.APIVersion == "" {
		e.APIVersion = catalog.APIVersion
	}
	rec, err := s.catalog.Create(r.Context(), e)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/entities/"+lowerKind(rec.Entity)+"/"+rec.Entity.Metadata.Namespace+"/"+rec.Entity.Metadata.Name)
	writeJSON(w, http.StatusCreated, toJSON(rec))
	return nil
}

func (s *Server) apiEntityUpdate(w http.ResponseWriter, r *http.Request) error {
	ref, err := refFromPath(r)
	if err != nil {
		return err
	}
	var e catalog.Entity
	if err := decodeJSON(r, &e); err != nil {
		return err
	}
	if e.APIVersion == "" {
		e.APIVersion = catalog.APIVersion
	}
	if e.Kind == "" {
		e.Kind = ref.Kind
	}
	if e.Metadata.Namespace == "" {
		e.Metadata.Namespace = ref.Namespace
	}
	if e.Metadata.Name == "" {
		e.Metadata.Name = ref.Name
	}
	rec, err := s.catalog.Update(r.Context(), ref, e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toJSON(rec))
	return nil
}

func (s *Server) apiEntityDelete(w http.ResponseWriter, r *http.Request) error {
	ref, err := refFromPath(r)
	if err != nil {
		return err
	}
	if err := s.catalog.Delete(r.Context(), ref); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiEntityRelations(w http.ResponseWriter, r *http.Request) error {
	ref, err := refFromPath(r)
	if err != nil {
		return err
	}
	if _, err := s.catalog.Get(r.Context(), ref); err != nil {
		return err
	}
	rels, err := s.catalog.Relations(r.Context(), ref)
	if err != nil {
		return err
	}
	if rels == nil {
		rels = []catalog.Relation{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": rels})
	return nil
}

func (s *Server) apiCatalogSummary(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.catalog.Summarize(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) error {
	return apperr.New(apperr.NotFound, "no API route %s %s; see /api/v1/openapi.json", r.Method, r.URL.Path)
}

func lowerKind(e catalog.Entity) string { return lower(e.Kind) }
