package web

import (
	"bytes"
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
	CreatedAt string `json:"createdAt,omitempty"`
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

// writeEntityList answers a listing: each item is the stored descriptor
// passed on as it is, with "status" spliced in, written straight to the
// response. A page of 50 thus costs no decoding and no re-encoding. Each
// descriptor was written by json.Marshal of an Entity, so it is one JSON
// object.
func writeEntityList(w http.ResponseWriter, p catalog.Page) error {
	var buf bytes.Buffer
	size := 64
	for _, rec := range p.Items {
		size += len(rec.Raw) + 256
	}
	buf.Grow(size)
	buf.WriteString(`{"items":[`)
	for i, rec := range p.Items {
		raw := bytes.TrimSpace(rec.Raw)
		if len(raw) < 2 || raw[len(raw)-1] != '}' {
			return fmt.Errorf("stored descriptor of %s is not a JSON object", rec.Entity.Ref())
		}
		st, err := json.Marshal(statusOf(rec))
		if err != nil {
			return err
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(raw[:len(raw)-1])
		if len(raw) > 2 {
			buf.WriteByte(',')
		}
		buf.WriteString(`"status":`)
		buf.Write(st)
		buf.WriteByte('}')
	}
	fmt.Fprintf(&buf, `],"total":%d`, p.Total)
	if p.NextCursor != "" {
		next, _ := json.Marshal(p.NextCursor)
		buf.WriteString(`,"nextCursor":`)
		buf.Write(next)
	}
	buf.WriteString("}\n")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(buf.Bytes())
	return err
}

// statusOf gives Chief's bookkeeping of an entity; createdAt only where the
// record has it (Get, not listings).
func statusOf(r catalog.Record) entityStatus {
	st := entityStatus{
		Ref: r.Entity.Ref().String(), Location: r.Location, Origin: r.Origin, Orphaned: r.Orphaned,
		UpdatedAt: r.UpdatedAt.Format(timeFormat),
	}
	if !r.CreatedAt.IsZero() {
		st.CreatedAt = r.CreatedAt.Format(timeFormat)
	}
	return st
}

func (s *Server) apiEntityList(w http.ResponseWriter, r *http.Request) error {
	q, err := queryFromURL(r.URL.Query())
	if err != nil {
		return err
	}
	q.Raw = true
	p, err := s.catalog.List(r.Context(), q)
	if err != nil {
		return err
	}
	return writeEntityList(w, p)
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
	w.Header().Set("Location", "/api/v1/entities/"+lower(rec.Entity.Kind)+"/"+rec.Entity.Metadata.Namespace+"/"+rec.Entity.Metadata.Name)
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
