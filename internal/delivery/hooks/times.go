package hooks

import (
	"time"

	"github.com/chief-hq/chief/internal/apperr"
)

// timeLayouts are the ways GitHub and GitLab write a moment. GitLab's older
// payloads use "2013-12-03 17:23:34 UTC" and its deployment hook
// "2021-04-28 21:50:00 +0200"; everything else is RFC 3339. Fractional
// seconds after the seconds are accepted by every layout.
var timeLayouts = []string{
	time.RFC3339,
	"2006-01-02 15:04:05 UTC",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05-0700",
}

// parseTime reads a timestamp in any of timeLayouts and returns it in UTC.
func parseTime(s string) (time.Time, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// timeAt parses the timestamp s found at the JSON path. An empty s is the
// zero time, or an error when need is set. The zero instant itself
// (0001-01-01T00:00:00Z) is rejected: it means "unknown" downstream.
func timeAt(path, s string, need bool) (time.Time, error) {
	if s == "" {
		if need {
			return time.Time{}, apperr.Field(path, "is required (a time such as 2024-05-01T12:00:00Z)")
		}
		return time.Time{}, nil
	}
	t, ok := parseTime(s)
	if !ok || t.IsZero() {
		return time.Time{}, apperr.Field(path, "must be a time such as 2024-05-01T12:00:00Z, got %q", s)
	}
	return t, nil
}
