package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/notify"
)

// Every channel an answer holds is redacted: secrets, passwords and
// credential URLs show as notify.Redaction, which a PUT may send back to
// keep the stored value.

func (s *Server) apiChannelList(w http.ResponseWriter, r *http.Request) error {
	chans, err := s.notify.List(r.Context())
	if err != nil {
		return err
	}
	if chans == nil {
		chans = []notify.Channel{}
	}
	for i := range chans {
		chans[i] = apiChannelOf(chans[i])
	}
	writeJSON(w, http.StatusOK, chans)
	return nil
}

func (s *Server) apiChannelCreate(w http.ResponseWriter, r *http.Request) error {
	var in notify.ChannelInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.notify.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/channels/"+url.PathEscape(c.Name))
	writeJSON(w, http.StatusCreated, apiChannelOf(c))
	return nil
}

func (s *Server) apiChannelUpdate(w http.ResponseWriter, r *http.Request) error {
	var in notify.ChannelInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Name == "" {
		in.Name = r.PathValue("name")
	}
	c, err := s.notify.Update(r.Context(), r.PathValue("name"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiChannelOf(c))
	return nil
}

func (s *Server) apiChannelDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.notify.Delete(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiChannelTest queues a test message to the channel; the deliverer
// sends it within its poll interval, and the outbox shows how it went.
func (s *Server) apiChannelTest(w http.ResponseWriter, r *http.Request) error {
	m, err := s.notify.SendTest(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, m)
	return nil
}

func (s *Server) apiOutboxList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := notify.OutboxFilter{Channel: q.Get("channel"), Status: q.Get("status")}
	if raw := q.Get("before"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 {
			return apperr.Field("before", "%q is not an entry id", raw)
		}
		f.Before = n
	}
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return apperr.Field("limit", "%q is not a number from 1 to 500", raw)
		}
		f.Limit = n
	}
	entries, next, err := notify.NewOutbox(s.db).List(r.Context(), f)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []notify.OutboxEntry{}
	}
	out := map[string]any{"items": entries}
	if next > 0 {
		out["next_before"] = next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiChannelOf is how the API shows a channel: redacted, always (List
// redacts already; doing it again changes nothing).
func apiChannelOf(c notify.Channel) notify.Channel { return c.Redacted() }
