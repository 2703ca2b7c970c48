package web

import (
	"net/http"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/notify"
)

type channelEditPage struct {
	Name string
	Row  channelRow
	Form *channelForm
}

func (s *Server) channelEditPage(w http.ResponseWriter, r *http.Request, status int, c notify.Channel, f *channelForm) error {
	p := channelEditPage{Name: c.Name, Row: channelRowOf(c.Redacted()), Form: f.fill()}
	return s.renderStatus(w, r, status, "channel_edit", "Edit channel "+c.Name, "channels", p)
}

func (s *Server) channelEditForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.notify.Get(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return s.channelEditPage(w, r, http.StatusOK, c, channelFormOf(c))
}

// channelEdit saves the form over the channel; secret inputs left empty
// keep the stored secrets.
func (s *Server) channelEdit(w http.ResponseWriter, r *http.Request) error {
	old, err := s.notify.Get(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	f := channelFormOf(old)
	f.Values = map[string]string{}
	in := f.read(r, &old)
	if len(f.Errors) > 0 {
		return s.channelEditPage(w, r, http.StatusUnprocessableEntity, old, f)
	}
	c, err := s.notify.Update(r.Context(), old.Name, in)
	if e := apperr.As(err); e != nil && (e.Code == apperr.Invalid || e.Code == apperr.Conflict) {
		f.setError(e)
		return s.channelEditPage(w, r, apperr.HTTPStatus(e.Code), old, f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/channels?notice="+urlQuery("Saved channel "+c.Name+"."), http.StatusSeeOther)
	return nil
}

// channelDelete removes a channel with its outbox.
func (s *Server) channelDelete(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if err := s.notify.Delete(r.Context(), name); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/channels?notice="+urlQuery("Deleted channel "+name+" and its outbox."), http.StatusSeeOther)
	return nil
}

// channelTest queues a test message, whatever the channel's routing; the
// outbox, where this leads, shows it go out within seconds or fail.
func (s *Server) channelTest(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if _, err := s.notify.SendTest(r.Context(), name); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/outbox?channel="+urlQuery(name)+"&notice="+urlQuery("Test message queued for "+name+". Reload to see whether it was sent."), http.StatusSeeOther)
	return nil
}
