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

// apiPublicStatus is the public status page as JSON. It is
// reliability.PublicStatus with incident updates stripped of their
// author, who is a signed-in user and no business of the public.
type apiPublicStatus struct {
	State       string                          `json:"state"`
	UpdatedAt   time.Time                       `json:"updated_at"`
	Systems     []reliability.PublicSystem      `json:"systems"`
	Open        []apiPublicIncident             `json:"open_incidents"`
	Maintenance []reliability.PublicMaintenance `json:"maintenance"`
	Past        []apiPublicIncident             `json:"past_incidents"`
}

// apiPublicIncident is an incident with its public updates.
type apiPublicIncident struct {
	ID         int64             `json:"id"`
	Title      string            `json:"title"`
	Severity   string            `json:"severity"`
	Status     string            `json:"status"`
	OpenedAt   time.Time         `json:"opened_at"`
	ResolvedAt *time.Time        `json:"resolved_at"`
	Updates    []apiPublicUpdate `json:"updates"`
}

// apiPublicUpdate is one public timeline entry.
type apiPublicUpdate struct {
	At     time.Time `json:"at"`
	Status string    `json:"status"`
	Body   string    `json:"body"`
}

func apiPublicIncidents(incs []reliability.PublicIncident) []apiPublicIncident {
	out := make([]apiPublicIncident, len(incs))
	for i, inc := range incs {
		out[i] = apiPublicIncident{ID: inc.ID, Title: inc.Title, Severity: inc.Severity, Status: inc.Status,
			OpenedAt: inc.OpenedAt, ResolvedAt: inc.ResolvedAt, Updates: make([]apiPublicUpdate, len(inc.Updates))}
		for j, u := range inc.Updates {
			out[i].Updates[j] = apiPublicUpdate{At: u.At, Status: u.Status, Body: u.Body}
		}
	}
	return out
}

// apiPublic serves a JSON handler that anyone may call, with the API's
// error shape. Like api, it waits for a work slot.
func (s *Server) apiPublic(h handlerFunc) http.Handler {
	return s.admit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeAPIError(w, r, err)
		}
	}))
}

// apiPublicStatusGet answers what the public status page shows. Other
// sites may read it from their own pages.
func (s *Server) apiPublicStatusGet(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.rel.PublicStatus(r.Context(), apiNow())
	if err != nil {
		return err
	}
	out := apiPublicStatus{State: ps.State, UpdatedAt: ps.UpdatedAt, Systems: ps.Systems,
		Open: apiPublicIncidents(ps.Open), Maintenance: ps.Maintenance, Past: apiPublicIncidents(ps.Past)}
	if out.Systems == nil {
		out.Systems = []reliability.PublicSystem{}
	}
	if out.Maintenance == nil {
		out.Maintenance = []reliability.PublicMaintenance{}
	}
	// The same for everyone, and read by many during an outage: caches
	// may keep it briefly, and any site may read it.
	w.Header().Set("Cache-Control", "public, max-age=30")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, out)
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
