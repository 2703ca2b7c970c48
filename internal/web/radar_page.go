package web

import (
	"net/http"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/radar"
)

// radarSinceDefault is how far back the markers look when ?since= is not
// given: a quarter, the usual time between editions of a radar.
const radarSinceDefault = 90 * 24 * time.Hour

type radarPage struct {
	Radar   radar.Radar
	Snap    radar.Snapshot
	Drawing radarDrawing
	// At and Since are the dates as typed; Errors holds a message per
	// date that could not be used.
	At, Since string
	Errors    map[string]string
	// Past is true when the radar shown is not today's.
	Past bool
	// Total counts the technologies on the radar today, for the empty page.
	Total    int
	Changed  int
	New      int
	OnHold   int
	HoldUses int
	Reviews  int
	Running  int
	Overdue  int
	CanEdit  bool
	// CanAdmin shows the link to the radar settings.
	CanAdmin bool
	Formats  []radar.Format
}

// radarView draws the radar as of ?at= (default today) with markers for
// what changed since ?since= (default 90 days earlier).
func (s *Server) radarView(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := time.Now().UTC()
	q := r.URL.Query()
	p := radarPage{At: q.Get("at"), Since: q.Get("since"), Errors: map[string]string{}, CanEdit: radarCanEdit(r),
		CanAdmin: radarCanAdmin(r), Formats: radar.Formats}
	at, since := radarDates(now, &p)
	snap, err := s.radar.RadarAsOf(ctx, at, since)
	if err != nil {
		return err
	}
	p.Snap, p.Drawing = snap, drawRadar(snap)
	if p.Radar, err = s.radar.Radar(ctx); err != nil {
		return err
	}
	for _, b := range snap.Blips {
		switch b.Marker {
		case radar.MarkerNew:
			p.New++
		case radar.MarkerIn, radar.MarkerOut:
			p.Changed++
		}
	}
	techs, err := s.radar.Technologies(ctx, radar.TechnologyQuery{})
	if err != nil {
		return err
	}
	p.Total = len(techs)
	for _, t := range techs {
		if p.Radar.IsHold(t.Ring) {
			p.OnHold++
		}
	}
	if p.HoldUses, err = s.radar.HoldEntityCount(ctx); err != nil {
		return err
	}
	reviews, err := s.radar.ReviewsDue(ctx, now)
	if err != nil {
		return err
	}
	p.Reviews = len(reviews)
	teams, err := s.radar.ExperimentOverview(ctx, now)
	if err != nil {
		return err
	}
	for _, t := range teams {
		p.Running += len(t.Running)
		p.Overdue += len(t.Overdue)
	}
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	title := p.Radar.Title
	if p.Past {
		title += " as of " + snap.At.Format(radarDayLayout)
	}
	return s.renderStatus(w, r, status, "radar", title, "radar", p)
}

// radarDates reads ?at= and ?since= into the times RadarAsOf takes. A date
// that cannot be used gets a message in p.Errors, and the default is used
// in its place. at is the end of its day, so that the day's decisions
// count; since is the start of its day.
func radarDates(now time.Time, p *radarPage) (at, since time.Time) {
	today := radar.Day(now)
	at = now
	if d, err := radarParseDay("at", p.At); err != nil {
		p.Errors["at"] = apperr.As(err).Message
	} else if d.After(today) {
		p.Errors["at"] = "is after today; the radar shows the decisions made so far"
	} else if !d.IsZero() && d.Before(today) {
		at, p.Past = d.Add(24*time.Hour-time.Second), true
	}
	since = radar.Day(at).Add(-radarSinceDefault)
	if d, err := radarParseDay("since", p.Since); err != nil {
		p.Errors["since"] = apperr.As(err).Message
	} else if d.After(at) {
		p.Errors["since"] = "is after the date the radar shows; markers compare with an earlier date"
	} else if !d.IsZero() {
		since = d
	}
	return at, since
}
