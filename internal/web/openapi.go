package web

import (
	"net/http"
)

// openAPI serves the API description. It is public so that tools can read
// it before they have a token.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	body, err := assets.ReadFile("static/openapi.json")
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
