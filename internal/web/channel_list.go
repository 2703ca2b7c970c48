package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/notify"
)

type channelRow struct {
	notify.Channel
	// Target is where messages go, with credentials redacted.
	Target   string
	Teams    string
	Reminder string
	// Delivery is "ok", "failing" or "never".
	Delivery string
	LastAt   *time.Time
}

type channelsPage struct {
	Channels []channelRow
	Form     *channelForm
	Counts   notify.OutboxCounts
}

// teamName is a team reference as people write it: "payments" for
// group:default/payments.
func teamName(ref string) string {
	r, err := catalog.ParseRef(ref, "Group", catalog.DefaultNamespace)
	if err != nil {
		return ref
	}
	return r.Short("Group")
}

// channelRowOf sums a redacted channel up for the list.
func channelRowOf(c notify.Channel) channelRow {
	row := channelRow{Channel: c, Teams: "all teams", Reminder: "never", Delivery: "never", Target: c.Settings.URL}
	if len(c.Teams) > 0 {
		names := make([]string, len(c.Teams))
		for i, t := range c.Teams {
			names[i] = teamName(t)
		}
		row.Teams = strings.Join(names, ", ")
	}
	if c.ReminderEvery > 0 {
		row.Reminder = "every " + humanDuration(c.ReminderEvery.D())
	}
	if c.Type == "email" {
		row.Target = strings.Join(c.Settings.To, ", ")
	}
	switch {
	case c.LastErrorAt != nil && (c.LastSentAt == nil || c.LastErrorAt.After(*c.LastSentAt)):
		row.Delivery, row.LastAt = "failing", c.LastErrorAt
	case c.LastSentAt != nil:
		row.Delivery, row.LastAt = "ok", c.LastSentAt
	}
	return row
}

func (s *Server) channelsPage(w http.ResponseWriter, r *http.Request, status int, form *channelForm) error {
	ctx := r.Context()
	chans, err := s.notify.List(ctx)
	if err != nil {
		return err
	}
	p := channelsPage{Form: form.fill()}
	for _, c := range chans {
		p.Channels = append(p.Channels, channelRowOf(c))
	}
	if p.Counts, err = notify.NewOutbox(s.db).Counts(ctx); err != nil {
		return err
	}
	return s.renderStatus(w, r, status, "channels", "Alert channels", "channels", p)
}

// channelList shows every channel, its routing and whether its last
// delivery worked, with the form to add one.
func (s *Server) channelList(w http.ResponseWriter, r *http.Request) error {
	return s.channelsPage(w, r, http.StatusOK, newChannelForm())
}

func (s *Server) channelCreate(w http.ResponseWriter, r *http.Request) error {
	f := newChannelForm()
	in := f.read(r, nil)
	if len(f.Errors) > 0 {
		return s.channelsPage(w, r, http.StatusUnprocessableEntity, f)
	}
	c, err := s.notify.Create(r.Context(), in)
	if e := apperr.As(err); e != nil && (e.Code == apperr.Invalid || e.Code == apperr.Conflict) {
		f.setError(e)
		return s.channelsPage(w, r, apperr.HTTPStatus(e.Code), f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/channels?notice="+urlQuery("Added channel "+c.Name+". Send it a test message to see it work."), http.StatusSeeOther)
	return nil
}
