package web

import (
	"fmt"
	"html"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/reliability"
)

// badgeWindows are the spans an uptime badge may cover.
var badgeWindows = map[string]time.Duration{
	"24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour, "90d": 90 * 24 * time.Hour,
}

// stateColours fill the right half of a status badge; the word says the
// state as well.
var stateColours = map[string]string{
	"operational": "#1a7f37", "degraded": "#9a6700", "down": "#cf222e", "maintenance": "#0b5cad", "unknown": "#6e7781",
}

// badgePercent writes an uptime share with two decimals, cut rather than
// rounded, so that 99.999 % never reads as a perfect 100.00 %.
func badgePercent(u float64) string {
	return fmt.Sprintf("%.2f", math.Floor(u*10000+1e-6)/100)
}

// plainText serves a public endpoint whose callers are programs (badges
// in READMEs, cron jobs): errors are a line of text, not a page.
func (s *Server) plainText(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		e := apperr.As(err)
		if e == nil {
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			e = apperr.New(apperr.Internal, "internal error; the server log has the details")
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, e.Message, apperr.HTTPStatus(e.Code))
	})
}

// badgeEntity finds the status page entry the badge URL names. Entities
// not on the status page are not found, whether they exist or not, so
// that badges say nothing about private systems.
func (s *Server) badgeEntity(r *http.Request) (reliability.StatusEntry, catalog.Ref, error) {
	notOnPage := apperr.New(apperr.NotFound, "no such system on the status page")
	ref, err := refFromPath(r)
	if err != nil {
		return reliability.StatusEntry{}, ref, notOnPage
	}
	entries, err := s.rel.StatusPageEntries(r.Context())
	if err != nil {
		return reliability.StatusEntry{}, ref, err
	}
	for _, e := range entries {
		if e.Entity == ref.Key() {
			return e, ref, nil
		}
	}
	return reliability.StatusEntry{}, ref, notOnPage
}

// badgeStatus shows an entity's state: operational, degraded, down,
// maintenance or unknown.
func (s *Server) badgeStatus(w http.ResponseWriter, r *http.Request) error {
	e, ref, err := s.badgeEntity(r)
	if err != nil {
		return err
	}
	mons, err := s.rel.MonitorsOf(r.Context(), ref)
	if err != nil {
		return err
	}
	sts, err := s.rel.Statuses(r.Context(), mons, time.Now())
	if err != nil {
		return err
	}
	state := reliability.EntityState(sts)
	writeBadge(w, e.DisplayName, state, stateColours[state])
	return nil
}

// badgeUptime shows an entity's uptime over ?window= (24h, 7d, 30d or
// 90d; 30d by default) with two decimals.
func (s *Server) badgeUptime(w http.ResponseWriter, r *http.Request) error {
	window := r.URL.Query().Get("window")
	if window == "" {
		window = "30d"
	}
	span, ok := badgeWindows[window]
	if !ok {
		return apperr.Field("window", "unknown window %q: use 24h, 7d, 30d or 90d", window)
	}
	_, ref, err := s.badgeEntity(r)
	if err != nil {
		return err
	}
	mons, err := s.rel.MonitorsOf(r.Context(), ref)
	if err != nil {
		return err
	}
	ids := make([]int64, len(mons))
	for i, m := range mons {
		ids[i] = m.ID
	}
	now := time.Now()
	counts, err := s.rel.Counts(r.Context(), ids, now.Add(-span), now, false)
	if err != nil {
		return err
	}
	message, colour := "no data", stateColours["unknown"]
	if u, ok := reliability.Sum(counts).Uptime(); ok {
		message, colour = badgePercent(u)+"%", uptimeColour(u)
	}
	writeBadge(w, "uptime "+window, message, colour)
	return nil
}

// uptimeColour grades an uptime as the status page's day bars do.
func uptimeColour(u float64) string {
	switch {
	case u >= 0.999:
		return stateColours["operational"]
	case u >= 0.99:
		return stateColours["degraded"]
	}
	return stateColours["down"]
}

// badgeTextWidth guesses the width of s in 11px Verdana, which the badge then
// enforces with textLength, so a poor guess only changes letter spacing.
func badgeTextWidth(s string) int {
	w := 0.0
	for _, c := range s {
		switch {
		case strings.ContainsRune("il.,:;'|! ", c):
			w += 3.9
		case strings.ContainsRune("mwMW%", c):
			w += 10.5
		case c >= 'A' && c <= 'Z':
			w += 7.6
		default:
			w += 6.9
		}
	}
	return int(w + 0.5)
}

// writeBadge writes a shields-style two-part badge: a grey label and a
// coloured message.
func writeBadge(w http.ResponseWriter, label, message, colour string) {
	lw, mw := badgeTextWidth(label)+10, badgeTextWidth(message)+10
	total := lw + mw
	l, m := html.EscapeString(label), html.EscapeString(message)
	w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" aria-label="%s: %s">`+
		`<title>%s: %s</title>`+
		`<linearGradient id="s" x2="0" y2="100%%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`+
		`<clipPath id="r"><rect width="%d" height="20" rx="3" fill="#fff"/></clipPath>`+
		`<g clip-path="url(#r)"><rect width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/><rect width="%d" height="20" fill="url(#s)"/></g>`+
		`<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">`+
		`<text aria-hidden="true" x="%d" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="%d">%s</text>`+
		`<text x="%d" y="140" transform="scale(.1)" textLength="%d">%s</text>`+
		`<text aria-hidden="true" x="%d" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="%d">%s</text>`+
		`<text x="%d" y="140" transform="scale(.1)" textLength="%d">%s</text>`+
		`</g></svg>`,
		total, l, m, l, m,
		total, lw, lw, mw, colour, total,
		lw*5, (lw-10)*10, l, lw*5, (lw-10)*10, l,
		(lw+mw/2)*10, (mw-10)*10, m, (lw+mw/2)*10, (mw-10)*10, m)
}
