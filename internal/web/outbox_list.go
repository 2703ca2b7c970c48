package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/notify"
)

type outboxPage struct {
	URL      url.Values
	Filter   notify.OutboxFilter
	Entries  []outboxRow
	Channels []string
	Counts   notify.OutboxCounts
	// Older pages on by cursor; Newest goes back to the start.
	Older, Newest string
	Filters       bool
	Error         string
	Tiles         []outboxTile
}

// outboxRow is an entry with its entity as a link.
type outboxRow struct {
	notify.OutboxEntry
	Link entityLink
}

// outboxTile is a count of entries in one status, linking to them.
type outboxTile struct {
	Label, Symbol, Href string
	Count               int
	Current             bool
}

// outboxList shows what was sent to the alert channels, what still waits
// and why, newest first, filtered by channel and status.
func (s *Server) outboxList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := r.URL.Query()
	v.Del("notice")
	p := outboxPage{URL: v, Filter: notify.OutboxFilter{Channel: v.Get("channel"), Status: v.Get("status")}}
	if b := v.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil {
			p.Error = "“before” must be an entry number."
		}
		p.Filter.Before = n
	}
	if err := p.Filter.Validate(); err != nil {
		p.Error = apperr.As(err).Message
		p.Filter.Status = ""
	}
	p.Filters = p.Filter.Channel != "" || p.Filter.Status != ""
	ob := notify.NewOutbox(s.db)
	entries, next, err := ob.List(ctx, p.Filter)
	if err != nil {
		return err
	}
	for _, e := range entries {
		row := outboxRow{OutboxEntry: e}
		if e.Entity != "" {
			row.Link = entityLinkOf(e.Entity)
		}
		p.Entries = append(p.Entries, row)
	}
	if next != 0 {
		p.Older = withQuery(v, "before", strconv.FormatInt(next, 10))
	}
	if p.Filter.Before != 0 {
		p.Newest = withQuery(v, "before", "")
	}
	if p.Counts, err = ob.Counts(ctx); err != nil {
		return err
	}
	for _, t := range []struct {
		status, label, symbol string
		n                     int64
	}{
		{notify.StatusPending, "pending", "◔", p.Counts.Pending}, {notify.StatusSent, "sent", "✓", p.Counts.Sent}, {notify.StatusFailed, "failed", "✕", p.Counts.Failed},
	} {
		p.Tiles = append(p.Tiles, outboxTile{Label: t.label, Symbol: t.symbol, Href: withQuery(v, "status", t.status, "before", ""),
			Count: int(t.n), Current: p.Filter.Status == t.status})
	}
	chans, err := s.notify.List(ctx)
	if err != nil {
		return err
	}
	for _, c := range chans {
		p.Channels = append(p.Channels, c.Name)
	}
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusBadRequest
	}
	return s.renderStatus(w, r, status, "outbox", "Outbox", "channels", p)
}
