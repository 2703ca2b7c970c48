package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/reliability"
)

type incidentPage struct {
	Inc              reliability.Incident
	Severity, Status template.HTML
	Main             entityLink
	Affected         []entityLink
	// Monitor names the monitor that opened an automatic incident.
	Monitor  string
	OpenedBy string
	TTA, TTR string
	OpenFor  string
	Timeline []timelineEntry
	Public   int
	CanEdit  bool
	Update   incidentUpdateForm
	Details  incidentDetailsForm
	// Statuses and Severities fill the update form's selects.
	Statuses, Severities []string
}

type timelineEntry struct {
	reliability.IncidentUpdate
	Badge     template.HTML
	Who       string
	ByMonitor bool
}

// incidentUpdateForm is the post-an-update form.
type incidentUpdateForm struct {
	Status, Severity, Body string
	Public                 bool
	Errors                 map[string]string
}

// incidentAt loads the incident the URL names.
func (s *Server) incidentAt(r *http.Request) (reliability.Incident, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return reliability.Incident{}, apperr.New(apperr.NotFound, "no incident %q", r.PathValue("id"))
	}
	return s.rel.Incident(r.Context(), id)
}

// updateAuthor is who wrote a timeline entry, as people read it.
func updateAuthor(a string) (who string, monitor bool) {
	if name, ok := strings.CutPrefix(a, "monitor:"); ok {
		return "monitor " + name, true
	}
	if name, ok := strings.CutPrefix(a, "user:"); ok {
		return name, false
	}
	return a, false
}

// incidentPageOf shows an incident with the two forms as given; nil forms
// start from the incident's values.
func (s *Server) incidentPageOf(w http.ResponseWriter, r *http.Request, status int, inc reliability.Incident, upd *incidentUpdateForm, det *incidentDetailsForm) error {
	ctx := r.Context()
	p := incidentPage{Inc: inc, Severity: severityBadge(inc.Severity), Status: incidentStatusBadge(inc.Status),
		Main: s.describeEntity(ctx, inc.Entity), TTA: humanDurationOf(inc.TimeToAcknowledge()), TTR: humanDurationOf(inc.TimeToResolve()),
		CanEdit: principalFrom(ctx).user.Role.Allows(auth.Editor), Statuses: reliability.Statuses, Severities: reliability.Severities}
	if inc.ResolvedAt == nil {
		p.OpenFor = humanDuration(time.Since(inc.OpenedAt))
	}
	for _, k := range inc.Entities {
		if k != inc.Entity {
			p.Affected = append(p.Affected, s.describeEntity(ctx, k))
		}
	}
	p.OpenedBy, _ = updateAuthor(inc.CreatedBy)
	if name, ok := strings.CutPrefix(inc.CreatedBy, "monitor:"); ok && inc.Auto {
		p.Monitor = name
	}
	for _, u := range inc.Updates {
		who, mon := updateAuthor(u.Author)
		p.Timeline = append(p.Timeline, timelineEntry{IncidentUpdate: u, Badge: incidentStatusBadge(u.Status), Who: who, ByMonitor: mon})
		if u.Public {
			p.Public++
		}
	}
	if upd == nil {
		upd = &incidentUpdateForm{Status: inc.Status, Severity: inc.Severity}
	}
	if upd.Errors == nil {
		upd.Errors = map[string]string{}
	}
	p.Update = *upd
	if det == nil {
		det = detailsFormOf(inc)
	}
	p.Details = *det
	return s.renderStatus(w, r, status, "incident", "#"+strconv.FormatInt(inc.ID, 10)+" "+inc.Title, "incidents", p)
}

func (s *Server) incidentView(w http.ResponseWriter, r *http.Request) error {
	inc, err := s.incidentAt(r)
	if err != nil {
		return err
	}
	return s.incidentPageOf(w, r, http.StatusOK, inc, nil, nil)
}
