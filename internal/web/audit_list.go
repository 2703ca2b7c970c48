package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
)

type auditPage struct {
	URL     url.Values
	Entries []audit.Entry
	Next    int64
	Error   string
}

// auditFilter reads the audit filters shared by the page and the API. Times
// are RFC 3339 or plain dates (UTC midnight).
func auditFilter(v url.Values) (audit.Filter, error) {
	f := audit.Filter{Actor: v.Get("actor"), RecordType: v.Get("record_type"), RecordID: strings.TrimSpace(v.Get("record"))}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		raw := strings.TrimSpace(v.Get(t.name))
		if raw == "" {
			continue
		}
		parsed, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			parsed, err = time.Parse("2006-01-02", raw)
		}
		if err != nil {
			return f, apperr.Field(t.name, "%q is not a date (2026-01-31) or an RFC 3339 time", raw)
		}
		*t.dst = parsed
	}
	if s := v.Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return f, apperr.Field("before", "must be an entry id")
		}
		f.Before = n
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return f, apperr.Field("limit", "must be a number")
		}
		f.Limit = n
	}
	return f, f.Validate()
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	p := auditPage{URL: v}
	f, err := auditFilter(v)
	if err != nil {
		p.Error = err.Error()
		return s.renderStatus(w, r, http.StatusBadRequest, "audit", "Audit log", "audit", p)
	}
	p.Entries, p.Next, err = s.audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	return s.render(w, r, "audit", "Audit log", "audit", p)
}
