package web

import (
	"errors"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/radar"
)

// The radar API: the radar's layout, snapshots as of a date, radar files
// in and out, the Backstage feed, the hold report and usage, here;
// technologies, decisions and experiments in api_radar_*.go.

// apiMaxRadarFile bounds an uploaded radar or decision file.
const apiMaxRadarFile = 16 << 20

// apiRadarImportError is the error shape with the problems of an import,
// each by line (CSV) or entry (JSON), for a client to show.
type apiRadarImportError struct {
	Error    *apperr.Error   `json:"error"`
	Problems []radar.Problem `json:"problems"`
}

func (s *Server) apiRadarGet(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.radar.Radar(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rd)
	return nil
}

func (s *Server) apiRadarConfigure(w http.ResponseWriter, r *http.Request) error {
	var in radar.RadarInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rd, err := s.radar.ConfigureRadar(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rd)
	return nil
}

// apiRadarAt reads ?at=: an RFC 3339 time, or a date meaning the end of
// that day; now when absent.
func apiRadarAt(raw string, now time.Time) (time.Time, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return now, nil
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, raw); err == nil {
		return t.Add(24*time.Hour - time.Second), nil
	}
	return time.Time{}, apperr.Field("at", "%q is not a date such as 2026-01-31 nor a time such as 2026-01-31T09:00:00Z", raw)
}

// apiRadarSnapshot is the radar as of ?at= (default now) with markers
// relative to ?since= (a date, a time or a span back from at such as 90d;
// default 90 days before at).
func (s *Server) apiRadarSnapshot(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	now := apiNow()
	at, err := apiRadarAt(q.Get("at"), now)
	if err != nil {
		return err
	}
	if at.After(now) {
		return apperr.Field("at", "is in the future; the radar shows the decisions made so far")
	}
	since, err := apiSince(q, "since", radarSinceDefault, at)
	if err != nil {
		return err
	}
	snap, err := s.radar.RadarAsOf(r.Context(), at, since)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, snap)
	return nil
}

// apiRadarBackstage serves the radar as Backstage's tech-radar plugin
// loads it (TechRadarLoaderResponse); see docs/radar.md.
func (s *Server) apiRadarBackstage(w http.ResponseWriter, r *http.Request) error {
	out, err := s.radar.BackstageRadar(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiRadarImport reads a radar file from the body: ?format= says which
// (auto by default), ?name= names it in messages and in the ring history.
// A file with any problem changes nothing and is answered with each
// problem by line or entry.
func (s *Server) apiRadarImport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format, err := radar.ParseFormat(q.Get("format"))
	if err != nil {
		return err
	}
	name := path.Base(strings.TrimSpace(q.Get("name")))
	if name == "." || name == "/" || name == "" {
		name = "upload"
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, apiMaxRadarFile))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apperr.New(apperr.Invalid, "the radar file is larger than %d MiB", apiMaxRadarFile>>20)
		}
		return apperr.New(apperr.Invalid, "read the radar file: %v", err)
	}
	f, err := radar.ParseRadarFile(name, data, format)
	if err != nil {
		return err
	}
	res, err := s.radar.ImportRadar(r.Context(), f, name)
	if err != nil {
		if e := apperr.As(err); e != nil && len(res.Problems) > 0 {
			writeJSON(w, apperr.HTTPStatus(e.Code), apiRadarImportError{Error: e, Problems: res.Problems})
			return nil
		}
		return err
	}
	for _, l := range []*[]string{&res.Created, &res.Moved, &res.Updated, &res.Unchanged} {
		if *l == nil {
			*l = []string{}
		}
	}
	if res.Problems == nil {
		res.Problems = []radar.Problem{}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// apiRadarExport writes the radar as a file: ?format= byor-csv (default),
// byor-json or zalando; ?since= computes markers from the history since a
// date rather than writing each technology's current one.
func (s *Server) apiRadarExport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format := radar.Format(strings.ToLower(strings.TrimSpace(q.Get("format"))))
	if format == "" {
		format = radar.FormatBYORCSV
	}
	var opt radar.ExportOptions
	if raw := q.Get("since"); raw != "" {
		t, err := apiSince(q, "since", 0, apiNow())
		if err != nil {
			return err
		}
		opt.Since = t
	}
	data, err := s.radar.ExportRadar(r.Context(), format, opt)
	if err != nil {
		return err
	}
	switch format {
	case radar.FormatBYORCSV:
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="radar.csv"`)
	case radar.FormatZalando:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="config.json"`)
	default:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="radar.json"`)
	}
	_, err = w.Write(data)
	return err
}

func (s *Server) apiRadarHold(w http.ResponseWriter, r *http.Request) error {
	list, err := s.radar.HoldReport(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// apiRadarReviews lists the ring decisions due for review at ?at= (default
// now).
func (s *Server) apiRadarReviews(w http.ResponseWriter, r *http.Request) error {
	at, err := apiRadarAt(r.URL.Query().Get("at"), apiNow())
	if err != nil {
		return err
	}
	list, err := s.radar.ReviewsDue(r.Context(), at)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// apiUsageGet lists the technologies ?component= uses.
func (s *Server) apiUsageGet(w http.ResponseWriter, r *http.Request) error {
	list, err := s.radar.ComponentTechnologies(r.Context(), r.URL.Query().Get("component"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// apiUsageSet makes the technologies set by hand for a component exactly
// those sent.
func (s *Server) apiUsageSet(w http.ResponseWriter, r *http.Request) error {
	var in radar.ComponentTechnologiesInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	list, err := s.radar.SetComponentTechnologies(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// apiUsageSync links entities to the technologies their descriptors
// declare.
func (s *Server) apiUsageSync(w http.ResponseWriter, r *http.Request) error {
	res, err := s.radar.SyncUsageFromCatalog(r.Context())
	if err != nil {
		return err
	}
	if res.Linked == nil {
		res.Linked = []radar.Usage{}
	}
	if res.Unlinked == nil {
		res.Unlinked = []radar.Usage{}
	}
	if res.Unmatched == nil {
		res.Unmatched = []radar.Unmatched{}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
