package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/reliability"
)

// apiPublic serves a JSON handler that anyone may call, with the API's
// error shape. Like api, it waits for a work slot.
func (s *Server) apiPublic(h handlerFunc) http.Handler {
	return s.admit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeAPIError(w, r, err)
		}
	}))
}

// apiPublicStatusGet answers what the public status page shows, as
// /status.json does. Other sites may read it from their own pages.
func (s *Server) apiPublicStatusGet(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.rel.PublicStatus(r.Context(), time.Now())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", statusCache)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, ps)
	return nil
}

func (s *Server) apiStatusPageGet(w http.ResponseWriter, r *http.Request) error {
	entries, err := s.rel.StatusPageEntries(r.Context())
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []reliability.StatusEntry{}
	}
	writeJSON(w, http.StatusOK, entries)
	return nil
}

// apiStatusPageSet replaces the systems the public status page shows.
// The list is checked here, so that errors name the list entry at fault.
func (s *Server) apiStatusPageSet(w http.ResponseWriter, r *http.Request) error {
	var entries []reliability.StatusEntry
	if err := decodeJSON(r, &entries); err != nil {
		return err
	}
	at := map[string]int{}
	for i := range entries {
		field := fmt.Sprintf("[%d].entity", i)
		ref, err := apiRef(field, entries[i].Entity)
		if err != nil {
			return err
		}
		if j, dup := at[ref.Key()]; dup {
			return apperr.Field(field, "%s is listed already, at [%d]", ref, j)
		}
		at[ref.Key()] = i
		if _, err := s.catalog.Get(r.Context(), ref); apperr.Is(err, apperr.NotFound) {
			return apperr.Field(field, "%s is not in the catalog", ref)
		} else if err != nil {
			return err
		}
		entries[i].DisplayName = strings.TrimSpace(entries[i].DisplayName)
		if n := utf8.RuneCountInString(entries[i].DisplayName); n > 100 {
			return apperr.Field(fmt.Sprintf("[%d].display_name", i), "is %d characters long; the most is 100", n)
		}
	}
	if err := s.rel.SetStatusPage(r.Context(), entries); err != nil {
		return err
	}
	return s.apiStatusPageGet(w, r)
}
