package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/reliability"
)

// apiMonitor is one monitor on its own: the listing's status plus the
// settings it was saved with (defaults filled in), so that a client can
// change them and PUT them back.
type apiMonitor struct {
	reliability.MonitorStatus
	Spec reliability.MonitorInput `json:"spec"`
	// Origin is "" for monitors made in Chief, or the file they came from.
	Origin    string    `json:"origin"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// apiCheckResult is one raw check result.
type apiCheckResult struct {
	At          time.Time    `json:"at"`
	OK          bool         `json:"ok"`
	Maintenance bool         `json:"maintenance"`
	TotalMS     float64      `json:"total_ms"`
	DNSMS       float64      `json:"dns_ms"`
	ConnectMS   float64      `json:"connect_ms"`
	TLSMS       float64      `json:"tls_ms"`
	FirstByteMS float64      `json:"first_byte_ms"`
	Error       string       `json:"error,omitempty"`
	Failed      []apiVerdict `json:"failed,omitempty"`
}

// apiVerdict is a condition that did not hold, and why.
type apiVerdict struct {
	Condition string `json:"condition"`
	Detail    string `json:"detail"`
}

// apiMonitorStates are the values of MonitorStatus.State, for ?state=.
var apiMonitorStates = []string{reliability.StateUp, reliability.StateDown, reliability.StatePaused,
	reliability.StateMaintenance, reliability.StateUnknown}

// apiOriginRe is what ?origin= of a monitors import may be. Never empty:
// the empty origin marks monitors made in Chief, which an import of the
// wrong file must not delete.
var apiOriginRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$`)

// apiMaxMonitorsFile bounds an uploaded monitors file.
const apiMaxMonitorsFile = 8 << 20

func (s *Server) apiMonitorList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	state := q.Get("state")
	if state != "" && !slices.Contains(apiMonitorStates, state) {
		return apperr.Field("state", "%q is not one of %s", state, strings.Join(apiMonitorStates, ", "))
	}
	var mons []reliability.Monitor
	var err error
	if raw := q.Get("entity"); raw != "" {
		ref, perr := apiRef("entity", raw)
		if perr != nil {
			return perr
		}
		mons, err = s.rel.MonitorsOf(r.Context(), ref)
	} else {
		mons, err = s.rel.Monitors(r.Context())
	}
	if err != nil {
		return err
	}
	sts, err := s.rel.Statuses(r.Context(), mons, apiNow())
	if err != nil {
		return err
	}
	out := make([]reliability.MonitorStatus, 0, len(sts))
	for _, st := range sts {
		if state != "" && st.State != state {
			continue
		}
		out = append(out, s.apiHeartbeat(r, st))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiMonitorCreate(w http.ResponseWriter, r *http.Request) error {
	var in reliability.MonitorInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.rel.CreateMonitor(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/monitors/"+url.PathEscape(m.Name))
	return s.apiWriteMonitor(w, r, http.StatusCreated, m)
}

func (s *Server) apiMonitorGet(w http.ResponseWriter, r *http.Request) error {
	m, err := s.rel.Monitor(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return s.apiWriteMonitor(w, r, http.StatusOK, m)
}

func (s *Server) apiMonitorUpdate(w http.ResponseWriter, r *http.Request) error {
	var in reliability.MonitorInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Name == "" {
		in.Name = r.PathValue("name")
	}
	m, err := s.rel.UpdateMonitor(r.Context(), r.PathValue("name"), in)
	if err != nil {
		return err
	}
	return s.apiWriteMonitor(w, r, http.StatusOK, m)
}

func (s *Server) apiMonitorDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.rel.DeleteMonitor(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiMonitorPause(w http.ResponseWriter, r *http.Request) error {
	return s.apiSetPaused(w, r, true)
}

func (s *Server) apiMonitorResume(w http.ResponseWriter, r *http.Request) error {
	return s.apiSetPaused(w, r, false)
}

func (s *Server) apiSetPaused(w http.ResponseWriter, r *http.Request, paused bool) error {
	m, err := s.rel.SetPaused(r.Context(), r.PathValue("name"), paused)
	if err != nil {
		return err
	}
	return s.apiWriteMonitor(w, r, http.StatusOK, m)
}

// apiMonitorLimit reads the monitor a path names and the ?limit= of a
// listing about it.
func (s *Server) apiMonitorLimit(r *http.Request) (reliability.Monitor, int, error) {
	limit, err := apiLimit(r.URL.Query(), 100, 1000)
	if err != nil {
		return reliability.Monitor{}, 0, err
	}
	m, err := s.rel.Monitor(r.Context(), r.PathValue("name"))
	return m, limit, err
}

func (s *Server) apiMonitorResults(w http.ResponseWriter, r *http.Request) error {
	m, limit, err := s.apiMonitorLimit(r)
	if err != nil {
		return err
	}
	results, err := s.rel.RecentResults(r.Context(), m, limit)
	if err != nil {
		return err
	}
	out := make([]apiCheckResult, len(results))
	for i, res := range results {
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		p := res.Phases
		out[i] = apiCheckResult{At: res.At, OK: res.OK, Maintenance: res.Maint,
			TotalMS: ms(p.Total), DNSMS: ms(p.DNS), ConnectMS: ms(p.Connect), TLSMS: ms(p.TLS), FirstByteMS: ms(p.FirstByte)}
		if res.Detail == "" {
			continue
		}
		var d reliability.Detail
		if err := json.Unmarshal([]byte(res.Detail), &d); err != nil {
			// Not the JSON the recorder writes: show it as it is.
			out[i].Error = res.Detail
			continue
		}
		out[i].Error = d.Error
		for _, v := range d.Failed {
			out[i].Failed = append(out[i].Failed, apiVerdict{Condition: v.Condition, Detail: v.Detail})
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiMonitorEvents(w http.ResponseWriter, r *http.Request) error {
	m, limit, err := s.apiMonitorLimit(r)
	if err != nil {
		return err
	}
	events, err := s.rel.Events(r.Context(), m, limit)
	if err != nil {
		return err
	}
	if events == nil {
		events = []reliability.Event{}
	}
	writeJSON(w, http.StatusOK, events)
	return nil
}

// apiMonitorImport makes the monitors of one origin match a monitors file.
func (s *Server) apiMonitorImport(w http.ResponseWriter, r *http.Request) error {
	origin := r.URL.Query().Get("origin")
	if origin == "" {
		origin = "api"
	}
	if !apiOriginRe.MatchString(origin) {
		return apperr.Field("origin", "%q is not an origin: use 1 to 200 letters, digits and . _ : / @ -, starting with a letter or digit", origin)
	}
	r.Body = http.MaxBytesReader(w, r.Body, apiMaxMonitorsFile)
	// Problems name the file as the store does: by its last element.
	list, err := reliability.ParseMonitorsFile(r.Body, path.Base(origin))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apperr.New(apperr.Invalid, "the monitors file is larger than %d MiB", apiMaxMonitorsFile>>20)
		}
		return err
	}
	res, err := s.rel.ImportMonitors(r.Context(), list, origin)
	if err != nil {
		return err
	}
	for _, l := range []*[]string{&res.Created, &res.Updated, &res.Unchanged, &res.Deleted} {
		if *l == nil {
			*l = []string{}
		}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// apiWriteMonitor answers with one monitor, its state worked out now.
func (s *Server) apiWriteMonitor(w http.ResponseWriter, r *http.Request, status int, m reliability.Monitor) error {
	sts, err := s.rel.Statuses(r.Context(), []reliability.Monitor{m}, apiNow())
	if err != nil {
		return err
	}
	spec := m.MonitorInput
	if !apiCanEdit(r) && len(spec.Headers) > 0 {
		// Request headers often carry the target's credentials; those who
		// may not change the monitor have no need of them.
		spec.Headers = make(map[string]string, len(m.Headers))
		for k := range m.Headers {
			spec.Headers[k] = apiRedacted
		}
	}
	writeJSON(w, status, apiMonitor{MonitorStatus: s.apiHeartbeat(r, sts[0]), Spec: spec,
		Origin: m.Origin, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt})
	return nil
}

// apiRedacted stands in for a secret that the caller may not see.
const apiRedacted = "••••"

// apiCanEdit reports whether the caller may change reliability records.
func apiCanEdit(r *http.Request) bool {
	p := principalFrom(r.Context())
	return p != nil && p.user.Role.Allows(auth.Editor)
}

// apiHeartbeat fills in a heartbeat monitor's URL, built from the address
// the client used. Only editors see it: whoever holds it can report the
// job alive.
func (s *Server) apiHeartbeat(r *http.Request, st reliability.MonitorStatus) reliability.MonitorStatus {
	st.HeartbeatURL = ""
	if st.Monitor.HeartbeatToken == "" || !apiCanEdit(r) {
		return st
	}
	st.HeartbeatURL = heartbeatURL(r, st.Monitor.HeartbeatToken)
	return st
}
