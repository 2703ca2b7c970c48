package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/radar"
)

// technologyForm is the new and edit technology form.
type technologyForm struct {
	*radarForm
	Editing bool
	// Name is the technology's name before the edit; RingName its ring,
	// which the edit form shows but does not change.
	Name      string
	RingName  string
	Quadrants []string
	Rings     []string
	Groups    []string
}

var technologyFields = []string{"name", "quadrant", "ring", "owner", "tags", "links", "description", "reason", "decided_at"}

func (s *Server) newTechnologyForm(r *http.Request, action, back string) (*technologyForm, error) {
	ctx := r.Context()
	rd, err := s.radar.Radar(ctx)
	if err != nil {
		return nil, err
	}
	f := &technologyForm{radarForm: newRadarForm(action, back)}
	for _, q := range rd.Quadrants {
		f.Quadrants = append(f.Quadrants, q.Name)
	}
	for _, g := range rd.Rings {
		f.Rings = append(f.Rings, g.Name)
	}
	page, err := s.catalog.List(ctx, catalog.Query{Kind: "Group", Limit: catalog.MaxLimit, Sort: "name"})
	if err != nil {
		return nil, err
	}
	for _, rec := range page.Items {
		f.Groups = append(f.Groups, rec.Entity.Ref().Short("Group"))
	}
	return f, nil
}

// fill puts a stored technology into the form.
func (f *technologyForm) fill(t radar.Technology) {
	v := f.Values
	v["name"], v["quadrant"], v["ring"], v["description"] = t.Name, t.QuadrantName, t.RingName, t.Description
	v["owner"] = radarOwnerName(t.Owner)
	v["tags"] = strings.Join(t.Tags, ", ")
	var links []string
	for _, l := range t.Links {
		links = append(links, strings.TrimSpace(l.URL+" "+l.Title))
	}
	v["links"] = strings.Join(links, "\n")
}

// input reads the posted form into the store's input.
func (f *technologyForm) input(r *http.Request) radar.TechnologyInput {
	f.read(r.PostForm, technologyFields...)
	f.Values["description"] = strings.TrimRight(r.PostForm.Get("description"), " \t\r\n")
	v := f.Values
	in := radar.TechnologyInput{Name: v["name"], Quadrant: v["quadrant"], Ring: v["ring"], Owner: v["owner"],
		Description: v["description"], Tags: splitList(v["tags"]), Reason: v["reason"], DecidedAt: f.day("decided_at")}
	for _, line := range strings.Split(v["links"], "\n") {
		u, title, _ := strings.Cut(strings.TrimSpace(line), " ")
		if u != "" {
			in.Links = append(in.Links, radar.Link{URL: u, Title: strings.TrimSpace(title)})
		}
	}
	if f.Editing {
		in.Ring = ""
	}
	return in
}

// setError is radarForm's, with the line of a link that was refused.
func (f *technologyForm) setError(err error) bool {
	if e := apperr.As(err); e != nil {
		if base, i, ok := relIndexedField(e.Field); ok && base == "links" {
			err = apperr.Field("links", "Line %d: %s", i+1, e.Message)
		}
	}
	return f.radarForm.setError(err)
}

// technologyNewForm shows an empty technology form; ?quadrant= and ?ring=
// choose for the user.
func (s *Server) technologyNewForm(w http.ResponseWriter, r *http.Request) error {
	f, err := s.newTechnologyForm(r, "/radar/technologies/new", "/radar")
	if err != nil {
		return err
	}
	f.Values["quadrant"], f.Values["ring"] = r.URL.Query().Get("quadrant"), r.URL.Query().Get("ring")
	return s.render(w, r, "radar_technology_form", "New technology", "radar", f)
}

func (s *Server) technologyCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f, err := s.newTechnologyForm(r, "/radar/technologies/new", "/radar")
	if err != nil {
		return err
	}
	in := f.input(r)
	if len(f.Errors) == 0 {
		t, err := s.radar.CreateTechnology(r.Context(), in)
		if err == nil {
			http.Redirect(w, r, radarTechURL(t.Name)+"?notice="+urlQuery(fmt.Sprintf("Added %s to %s.", t.Name, t.RingName)), http.StatusSeeOther)
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "radar_technology_form", "New technology", "radar", f)
}

func (s *Server) editTechnologyForm(r *http.Request) (*technologyForm, radar.Technology, error) {
	t, err := s.radar.Technology(r.Context(), r.PathValue("name"))
	if err != nil {
		return nil, t, err
	}
	base := radarTechURL(t.Name)
	f, err := s.newTechnologyForm(r, base+"/edit", base)
	if err != nil {
		return nil, t, err
	}
	f.Editing, f.Name, f.RingName = true, t.Name, t.RingName
	return f, t, nil
}

// technologyEditForm shows a technology's details for change; its ring
// changes on the technology page.
func (s *Server) technologyEditForm(w http.ResponseWriter, r *http.Request) error {
	f, t, err := s.editTechnologyForm(r)
	if err != nil {
		return err
	}
	f.fill(t)
	return s.render(w, r, "radar_technology_form", "Edit "+t.Name, "radar", f)
}

func (s *Server) technologyEdit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f, old, err := s.editTechnologyForm(r)
	if err != nil {
		return err
	}
	in := f.input(r)
	if len(f.Errors) == 0 {
		t, err := s.radar.UpdateTechnology(r.Context(), old.Name, in)
		if err == nil {
			http.Redirect(w, r, radarTechURL(t.Name)+"?notice="+urlQuery("Saved."), http.StatusSeeOther)
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "radar_technology_form", "Edit "+old.Name, "radar", f)
}

// technologyDelete removes a technology with its history and usage.
func (s *Server) technologyDelete(w http.ResponseWriter, r *http.Request) error {
	t, err := s.radar.Technology(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if err := s.radar.DeleteTechnology(r.Context(), t.Name); err != nil {
		return err
	}
	http.Redirect(w, r, "/radar/technologies?notice="+urlQuery("Deleted "+t.Name+" with its history."), http.StatusSeeOther)
	return nil
}
