package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
)

// The reliability API: monitors, incidents, SLOs, maintenance, alerting
// channels and the status page, in the api_reliability_*, api_incidents
// and api_channels files. Lists are JSON arrays, but for the outbox, which
// pages like the audit log; times are RFC 3339 UTC.
// What follows reads the query and path parameters they share.

// apiNow is the time the reliability answers are computed at. It is not
// rounded: counts up to a rounded-down now would miss the checks of the
// current second.
func apiNow() time.Time { return time.Now().UTC() }

// apiRef reads an entity reference from a query parameter or body field;
// the kind defaults to component and the namespace to default.
func apiRef(field, raw string) (catalog.Ref, error) {
	ref, err := catalog.ParseRef(raw, "Component", catalog.DefaultNamespace)
	if err != nil {
		msg := err.Error()
		if e := apperr.As(err); e != nil {
			msg = e.Message
		}
		return ref, apperr.Field(field, "%s", msg)
	}
	return ref, nil
}

// apiLimit reads ?limit=, def when absent.
func apiLimit(q url.Values, def, most int) (int, error) {
	raw := q.Get("limit")
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > most {
		return 0, apperr.Field("limit", "%q is not a number from 1 to %d", raw, most)
	}
	return n, nil
}

// apiSince reads a query parameter that says how far back to look: a span
// such as 90d, 12h or 30m, or an RFC 3339 time or a date (2026-01-31).
func apiSince(q url.Values, field string, def time.Duration, now time.Time) (time.Time, error) {
	raw := strings.TrimSpace(q.Get(field))
	if raw == "" {
		return now.Add(-def), nil
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, raw); err == nil {
		return t, nil
	}
	span, ok := time.Duration(0), false
	if days, found := strings.CutSuffix(raw, "d"); found {
		if n, err := strconv.Atoi(days); err == nil && n > 0 && n <= 3660 {
			span, ok = time.Duration(n)*24*time.Hour, true
		}
	} else if d, err := time.ParseDuration(raw); err == nil && d > 0 {
		span, ok = d, true
	}
	if !ok {
		return time.Time{}, apperr.Field(field, "%q is not a span such as 90d or 12h, nor a time such as 2026-01-31 or 2026-01-31T09:00:00Z", raw)
	}
	return now.Add(-span), nil
}

// apiID reads a numeric id from the path; anything else names nothing.
func apiID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "no %s %q", what, r.PathValue("id"))
	}
	return id, nil
}
