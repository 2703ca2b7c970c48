package web

import (
	"io"
	"net/http"
)

// heartbeat is where a heartbeat monitor's job calls in, by GET or POST,
// with no session: the token in the URL is the secret. Cross-origin
// protection lets it through, since curl and cron jobs send no Origin or
// Sec-Fetch-Site header. It answers "ok" or 404 for an unknown token.
func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.rel.RecordBeat(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := io.WriteString(w, "ok\n")
	return err
}
