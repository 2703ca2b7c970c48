package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/delivery"
	"github.com/chief-hq/chief/internal/delivery/hooks"
)

// hookMaxBody bounds a webhook delivery; GitHub caps its payloads at 25 MB
// and a push of a few thousand commits stays well under this.
const hookMaxBody = 25 << 20

// hookAnswer is what a webhook sender is told.
type hookAnswer struct {
	delivery.DeliveryResult
	// Ignored says why a delivery was of no use; it is still answered 2xx
	// so that the sender does not retry it.
	Ignored string `json:"ignored,omitempty"`
}

// hook receives a webhook delivery for a source: it checks the signature,
// reads the event, and stores what it carries through the ingester, which
// answers once the delivery is on disk. Unknown events, replays and
// repositories no component declares are answered 202 and counted.
func (s *Server) hook(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	src, err := s.delivery.SourceByName(ctx, r.PathValue("source"))
	if err != nil {
		return err
	}
	p, ok := hooks.Lookup(src.Provider)
	if !ok {
		return apperr.New(apperr.Internal, "source %s has unknown provider %q", src.Name, src.Provider)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, hookMaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apperr.New(apperr.Invalid, "delivery is larger than %d MB", hookMaxBody>>20)
		}
		return apperr.New(apperr.Invalid, "read delivery: %v", err)
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "webhook:" + src.Name})
	reject := func(err error) error {
		_, _ = s.ingester.Submit(ctx, delivery.Delivery{SourceID: src.ID, Outcome: delivery.Rejected, Error: err.Error()})
		return err
	}
	if err := p.Verify(r.Header, body, src.Secret); err != nil {
		s.log.Warn("webhook refused", "source", src.Name, "remote", r.RemoteAddr, "err", err)
		return reject(err)
	}
	event := p.Event(r.Header)
	batch, err := p.Parse(event, body)
	if err != nil {
		return reject(err)
	}
	if batch.Ignored != "" || batch.Empty() {
		reason := batch.Ignored
		if reason == "" {
			reason = "the delivery carries no record"
		}
		if _, err := s.ingester.Submit(ctx, delivery.Delivery{SourceID: src.ID, Outcome: delivery.Ignored}); err != nil {
			return err
		}
		writeJSON(w, http.StatusAccepted, hookAnswer{Ignored: reason})
		return nil
	}
	res, err := s.ingester.Submit(ctx, delivery.Delivery{SourceID: src.ID, ID: p.DeliveryID(r.Header), Batch: batch})
	if err != nil {
		return err
	}
	answer := hookAnswer{DeliveryResult: res}
	status := http.StatusOK
	switch {
	case res.Replay:
		answer.Ignored, status = "this delivery was received before", http.StatusAccepted
	case !res.Stored() && len(res.Unmatched) > 0:
		answer.Ignored = "no catalog component declares repository " + strings.Join(res.Unmatched, ", ") +
			" (set the github.com/project-slug or gitlab.com/project-slug annotation)"
		status = http.StatusAccepted
	}
	writeJSON(w, status, answer)
	return nil
}

// hookPublic serves webhooks: no session or token, the signature is the
// credential. It takes no work slot: a delivery waits for the writer, not
// the CPU, and many waiting together are written in one transaction. A
// delivery that cannot be read is answered 400 Bad Request, as webhook
// senders expect, in the API's error shape.
func (s *Server) hookPublic(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
			writeJSON(w, http.StatusBadRequest, apiError{Error: e})
		} else if err != nil {
			s.writeAPIError(w, r, err)
		}
	})
}
