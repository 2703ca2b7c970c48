package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/reliability"
)

// blankActionRows is how many empty action-item rows the postmortem form
// offers, and adds each time "More rows" is pressed: the form needs no
// JavaScript to grow.
const blankActionRows = 3

// maxActionRows bounds the rows a posted form may claim to have.
const maxActionRows = 200

// incidentDetailsForm edits the title, affected entities, causing
// deployment and postmortem as a whole.
type incidentDetailsForm struct {
	Values map[string]string
	Items  []actionRow
	Errors map[string]string
	// Open starts the form unfolded: after resolving, or once written.
	Open bool
	Note string
}

// actionRow is one action item of the form; N numbers its inputs from 0,
// No for people from 1.
type actionRow struct {
	N, No             int
	Title, Owner, Due string
	Done              bool
	Errors            map[string]string
}

func detailsFormOf(inc reliability.Incident) *incidentDetailsForm {
	pm := inc.Postmortem
	var others []string
	for _, k := range inc.Entities {
		if k != inc.Entity {
			others = append(others, entityLinkOf(k).Name)
		}
	}
	f := &incidentDetailsForm{Values: map[string]string{
		"title": inc.Title, "affected_entities": strings.Join(others, "\n"), "deployment": inc.Deployment,
		"summary": pm.Summary, "impact": pm.Impact, "root_cause": pm.RootCause, "went_well": pm.WentWell,
	}, Errors: map[string]string{}}
	f.Open = inc.ResolvedAt != nil || pm.Summary != "" || pm.Impact != "" || pm.RootCause != "" || pm.WentWell != "" || len(pm.ActionItems) > 0
	for _, a := range pm.ActionItems {
		f.Items = append(f.Items, actionRow{N: len(f.Items), No: len(f.Items) + 1, Title: a.Title, Owner: a.Owner, Due: a.Due, Done: a.Done})
	}
	f.addBlankRows()
	return f
}

func (f *incidentDetailsForm) addBlankRows() {
	for range blankActionRows {
		f.Items = append(f.Items, actionRow{N: len(f.Items), No: len(f.Items) + 1})
	}
}

// readDetails takes the posted form. Rows left blank are dropped; rows[i]
// is the form row of the i-th action item kept, to put errors back.
func readDetails(r *http.Request) (f *incidentDetailsForm, in reliability.IncidentDetails, rows []int) {
	f = &incidentDetailsForm{Values: map[string]string{}, Errors: map[string]string{}, Open: true}
	for _, k := range []string{"title", "affected_entities", "deployment", "summary", "impact", "root_cause", "went_well"} {
		f.Values[k] = r.PostFormValue(k)
	}
	n, _ := strconv.Atoi(r.PostFormValue("rows"))
	n = min(max(n, 0), maxActionRows)
	in = reliability.IncidentDetails{
		Title: f.Values["title"], Entities: typedRefs(f.Values["affected_entities"]), Deployment: f.Values["deployment"],
		Postmortem: reliability.Postmortem{Summary: strings.TrimSpace(f.Values["summary"]), Impact: strings.TrimSpace(f.Values["impact"]),
			RootCause: strings.TrimSpace(f.Values["root_cause"]), WentWell: strings.TrimSpace(f.Values["went_well"]), ActionItems: []reliability.ActionItem{}},
	}
	for i := range n {
		get := func(k string) string { return strings.TrimSpace(r.PostFormValue(fmt.Sprintf("ai-%d-%s", i, k))) }
		row := actionRow{N: i, No: i + 1, Title: get("title"), Owner: get("owner"), Due: get("due"), Done: get("done") != "", Errors: map[string]string{}}
		f.Items = append(f.Items, row)
		if row.Title == "" && row.Owner == "" && row.Due == "" {
			continue
		}
		in.Postmortem.ActionItems = append(in.Postmortem.ActionItems, reliability.ActionItem{Title: row.Title, Owner: row.Owner, Due: row.Due, Done: row.Done})
		rows = append(rows, i)
	}
	return f, in, rows
}

var actionItemField = regexp.MustCompile(`^action_items\[(\d+)\]\.(\w+)$`)

// setError puts a store error next to its input, or above the form.
func (f *incidentDetailsForm) setError(e *apperr.Error, rows []int) {
	if m := actionItemField.FindStringSubmatch(e.Field); m != nil {
		if i, _ := strconv.Atoi(m[1]); i < len(rows) {
			row := &f.Items[rows[i]]
			if row.Errors == nil {
				row.Errors = map[string]string{}
			}
			row.Errors[m[2]] = e.Message
			f.Errors["action_items"] = "Action item " + strconv.Itoa(rows[i]+1) + ": " + e.Message
			return
		}
	}
	field := formFieldOf(e.Field)
	if _, shown := f.Values[field]; !shown {
		field = "form"
	}
	f.Errors[field] = e.Message
}

// incidentDetails saves the details form, or adds blank action-item rows
// when "More rows" was pressed.
func (s *Server) incidentDetails(w http.ResponseWriter, r *http.Request) error {
	inc, err := s.incidentAt(r)
	if err != nil {
		return err
	}
	f, in, rows := readDetails(r)
	if r.PostFormValue("more_rows") != "" {
		f.addBlankRows()
		f.Note = "Rows added. Nothing is saved until you press Save details."
		return s.incidentPageOf(w, r, http.StatusOK, inc, nil, f)
	}
	_, err = s.rel.SetDetails(r.Context(), inc.ID, in)
	if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
		f.setError(e, rows)
		return s.incidentPageOf(w, r, apperr.HTTPStatus(e.Code), inc, nil, f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d?notice=%s#details", inc.ID, urlQuery("Details saved.")), http.StatusSeeOther)
	return nil
}
