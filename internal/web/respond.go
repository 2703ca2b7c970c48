package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
)

// apiError is the one shape of every API failure.
type apiError struct {
	Error *apperr.Error `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeAPIError answers with the error's status and the error shape; an
// unexpected error is logged and shown as internal without details.
func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.As(err)
	if e == nil {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = apperr.New(apperr.Internal, "internal error; the server log has the details")
	}
	writeJSON(w, apperr.HTTPStatus(e.Code), apiError{Error: e})
}

// decodeJSON reads a JSON body into dst, refusing unknown fields and bodies
// over 1 MiB.
func decodeJSON(r *http.Request, dst any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return apperr.Field(te.Field, "must be %s", te.Type.String())
		case errors.As(err, &se):
			return apperr.New(apperr.Invalid, "request body is not valid JSON (at byte %d)", se.Offset)
		default:
			return apperr.New(apperr.Invalid, "request body: %v", err)
		}
	}
	return nil
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func lower(s string) string { return strings.ToLower(s) }
