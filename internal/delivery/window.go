package delivery

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
)

// Window is a span of whole UTC days, [Start, End). A window that reaches
// today ends now, so rates divide by the time that has passed.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

const day = 24 * time.Hour

// Days is the window's length in days, fractional when it ends now.
func (w Window) Days() float64 { return w.End.Sub(w.Start).Hours() / 24 }

// Previous is the window of as many whole days just before w.
func (w Window) Previous() Window {
	n := time.Duration(math.Ceil(w.Days())) * day
	return Window{Start: w.Start.Add(-n), End: w.Start}
}

// Weeks cuts the window into ISO weeks (Monday to Sunday, UTC).
func (w Window) Weeks() []Window {
	start := w.Start
	monday := start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7))
	var out []Window
	for s := monday; s.Before(w.End); s = s.Add(7 * day) {
		out = append(out, Window{Start: maxTime(s, w.Start), End: minTime(s.Add(7*day), w.End)})
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func today(now time.Time) time.Time {
	now = now.UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

var sinceRe = regexp.MustCompile(`^(\d{1,4})([dw])$`)
var quarterRe = regexp.MustCompile(`^(\d{4})-?[Qq]([1-4])$`)

// ParseWindow reads a window as the CLI, the API and the page give it:
// since, the last days or weeks ("90d", "12w", today included), or a
// quarter ("2026-Q3"); or from and to, two dates ("2026-01-01"), to
// included. now ends the windows that reach today. Errors name the field.
func ParseWindow(since, from, to string, now time.Time) (Window, error) {
	now = now.UTC().Truncate(time.Second)
	if from != "" || to != "" {
		if since != "" {
			return Window{}, apperr.Field("since", "give either since or from and to, not both")
		}
		f, err := time.Parse(time.DateOnly, from)
		if err != nil {
			return Window{}, apperr.Field("from", "must be a date like 2026-01-31, got %q", from)
		}
		t, err := time.Parse(time.DateOnly, to)
		if err != nil {
			return Window{}, apperr.Field("to", "must be a date like 2026-03-31, got %q", to)
		}
		if t.Before(f) {
			return Window{}, apperr.Field("to", "is before from")
		}
		if !f.Before(now) {
			return Window{}, apperr.Field("from", "is in the future")
		}
		return Window{Start: f, End: minTime(t.Add(day), now)}, nil
	}
	if since == "" {
		since = "90d"
	}
	since = strings.TrimSpace(since)
	if m := quarterRe.FindStringSubmatch(since); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		start := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
		if start.After(now) {
			return Window{}, apperr.Field("since", "quarter %s has not begun", since)
		}
		return Window{Start: start, End: minTime(start.AddDate(0, 3, 0), now)}, nil
	}
	m := sinceRe.FindStringSubmatch(since)
	if m == nil {
		return Window{}, apperr.Field("since", "must be days or weeks like 90d or 12w, or a quarter like 2026-Q3, got %q", since)
	}
	n, _ := strconv.Atoi(m[1])
	if m[2] == "w" {
		n *= 7
	}
	if n < 1 || n > 3660 {
		return Window{}, apperr.Field("since", "must be between 1 day and 10 years")
	}
	return Window{Start: today(now).Add(-time.Duration(n-1) * day), End: now}, nil
}
