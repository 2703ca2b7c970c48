package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/radar"
)

// apiDecisionList lists decision records by number, filtered by ?status=,
// ?technology= and ?entity=.
func (s *Server) apiDecisionList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	list, err := s.radar.Decisions(r.Context(), radar.DecisionQuery{Status: radar.DecisionStatus(q.Get("status")),
		Technology: q.Get("technology"), Entity: q.Get("entity")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) apiDecisionCreate(w http.ResponseWriter, r *http.Request) error {
	var in radar.DecisionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := s.radar.CreateDecision(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/decisions/%d", d.Number))
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) apiDecisionGet(w http.ResponseWriter, r *http.Request) error {
	n, err := decisionNumber(r)
	if err != nil {
		return err
	}
	d, err := s.radar.Decision(r.Context(), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiDecisionUpdate(w http.ResponseWriter, r *http.Request) error {
	n, err := decisionNumber(r)
	if err != nil {
		return err
	}
	var in radar.DecisionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := s.radar.UpdateDecision(r.Context(), n, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiDecisionDelete(w http.ResponseWriter, r *http.Request) error {
	n, err := decisionNumber(r)
	if err != nil {
		return err
	}
	if err := s.radar.DeleteDecision(r.Context(), n); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiDecisionMarkdown writes a record as the Markdown file an export of
// the folder would hold, in the layout it came from (MADR when made in
// Chief).
func (s *Server) apiDecisionMarkdown(w http.ResponseWriter, r *http.Request) error {
	n, err := decisionNumber(r)
	if err != nil {
		return err
	}
	d, err := s.radar.Decision(r.Context(), n)
	if err != nil {
		return err
	}
	all, err := s.radar.Decisions(r.Context(), radar.DecisionQuery{})
	if err != nil {
		return err
	}
	byNumber := map[int]radar.Decision{}
	for _, o := range all {
		byNumber[o.Number] = o
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", radar.ADRFileName(d)))
	_, err = w.Write(radar.FormatADR(d, byNumber))
	return err
}

// apiDecisionImport reads one decision record file, adr-tools or MADR,
// from the body; ?file= is its name, which gives its number
// (0007-use-kafka.md is decision 7). The record is created or updated by
// number; links made in Chief stay.
func (s *Server) apiDecisionImport(w http.ResponseWriter, r *http.Request) error {
	raw := strings.TrimSpace(r.URL.Query().Get("file"))
	name := path.Base(raw)
	if name == "." || name == "/" || name == "" {
		return apperr.Field("file", "is required: the record's file name, such as 0007-use-kafka.md, which gives its number")
	}
	// The name is kept and an export writes the record under it: a
	// Windows path separator must not come through either.
	if strings.ContainsRune(raw, '\\') {
		return apperr.Field("file", "%q: give the file's name alone, such as 0007-use-kafka.md, without a folder", raw)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, apiMaxRadarFile))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apperr.New(apperr.Invalid, "the file is larger than %d MiB", apiMaxRadarFile>>20)
		}
		return apperr.New(apperr.Invalid, "read the file: %v", err)
	}
	f, err := radar.ParseADR(name, data)
	if err != nil {
		return err
	}
	res, err := s.radar.ImportADRs(r.Context(), []radar.ADRFile{f})
	if err != nil {
		return err
	}
	for _, l := range []*[]int{&res.Created, &res.Updated, &res.Unchanged} {
		if *l == nil {
			*l = []int{}
		}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
