package web

import (
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/reliability"
)

// statusAdminRow is one system of the status page form.
type statusAdminRow struct {
	N, No                         int
	Entity, DisplayName, Position string
	Link                          entityLink
	// Badge is where the entity's badges live, without the file name.
	Badge string
	// Monitors counts the entity's monitors; without any it shows as
	// unknown. -1 for rows not saved yet.
	Monitors int
	Error    string
}

type statusAdminPage struct {
	Rows     []statusAdminRow
	Entities []entityOption
	Errors   map[string]string
	Note     string
}

func (s *Server) statusAdminPage(w http.ResponseWriter, r *http.Request, status int, p statusAdminPage) error {
	var err error
	if p.Entities, err = s.entityOptions(r.Context()); err != nil {
		return err
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	return s.renderStatus(w, r, status, "status_admin", "Status page", "status-page", p)
}

func (p *statusAdminPage) addBlankRows() {
	for range blankActionRows {
		n := len(p.Rows)
		p.Rows = append(p.Rows, statusAdminRow{N: n, No: n + 1, Position: strconv.Itoa(n + 1), Monitors: -1})
	}
}

// statusAdmin shows the systems the public status page shows, in order.
func (s *Server) statusAdmin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	entries, err := s.rel.StatusPageEntries(ctx)
	if err != nil {
		return err
	}
	var p statusAdminPage
	for i, e := range entries {
		row := statusAdminRow{N: i, No: i + 1, Entity: entityLinkOf(e.Entity).Name, DisplayName: e.DisplayName, Position: strconv.Itoa(i + 1),
			Link: s.describeEntity(ctx, e.Entity)}
		if ref, err := catalog.ParseRef(e.Entity, "Component", catalog.DefaultNamespace); err == nil {
			mons, err := s.rel.MonitorsOf(ctx, ref)
			if err != nil {
				return err
			}
			row.Monitors = len(mons)
			row.Badge = "/badge" + strings.TrimPrefix(refURL(ref), "/catalog")
		}
		p.Rows = append(p.Rows, row)
	}
	p.addBlankRows()
	return s.statusAdminPage(w, r, http.StatusOK, p)
}

var entitiesField = regexp.MustCompile(`^entities(?:\[(\d+)\])?$`)

// statusAdminSave replaces the systems the status page shows. Rows are
// ordered by their order number; a row without an entity is dropped.
func (s *Server) statusAdminSave(w http.ResponseWriter, r *http.Request) error {
	n, _ := strconv.Atoi(r.PostFormValue("rows"))
	n = min(max(n, 0), maxActionRows)
	p := statusAdminPage{Errors: map[string]string{}}
	type kept struct {
		row   int
		order float64
	}
	var keep []kept
	for i := range n {
		get := func(k string) string { return strings.TrimSpace(r.PostFormValue(fmt.Sprintf("sys-%d-%s", i, k))) }
		row := statusAdminRow{N: i, No: i + 1, Entity: get("entity"), DisplayName: get("name"), Position: get("order"), Monitors: -1}
		p.Rows = append(p.Rows, row)
		if row.Entity == "" {
			continue
		}
		order, err := strconv.ParseFloat(row.Position, 64)
		if row.Position == "" {
			order, err = float64(i+1), nil
		}
		if err != nil {
			p.Rows[i].Error = "The order is a number; lower numbers come first."
			p.Errors["form"] = "Please fix the row marked below."
		}
		keep = append(keep, kept{row: i, order: order})
	}
	if r.PostFormValue("more_rows") != "" {
		p.addBlankRows()
		p.Note = "Rows added. Nothing is saved until you press Save."
		return s.statusAdminPage(w, r, http.StatusOK, p)
	}
	if len(p.Errors) > 0 {
		return s.statusAdminPage(w, r, http.StatusUnprocessableEntity, p)
	}
	slices.SortStableFunc(keep, func(a, b kept) int { return cmp.Compare(a.order, b.order) })
	entries := make([]reliability.StatusEntry, len(keep))
	for i, k := range keep {
		entries[i] = reliability.StatusEntry{Entity: p.Rows[k.row].Entity, DisplayName: p.Rows[k.row].DisplayName}
	}
	err := s.rel.SetStatusPage(r.Context(), entries)
	if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
		if m := entitiesField.FindStringSubmatch(e.Field); m != nil && len(keep) > 0 {
			i, _ := strconv.Atoi(m[1])
			if i < len(keep) {
				p.Rows[keep[i].row].Error = e.Message
				p.Errors["form"] = "Please fix the row marked below."
				return s.statusAdminPage(w, r, apperr.HTTPStatus(e.Code), p)
			}
		}
		p.Errors["form"] = e.Message
		return s.statusAdminPage(w, r, apperr.HTTPStatus(e.Code), p)
	}
	if err != nil {
		return err
	}
	notice := fmt.Sprintf("Saved: the status page shows %d system%s.", len(entries), incPlural(len(entries)))
	http.Redirect(w, r, "/admin/status-page?notice="+urlQuery(notice), http.StatusSeeOther)
	return nil
}

func incPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
