package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/radar"
)

// usageForm sets by hand the technologies an entity uses.
type usageForm struct {
	*radarForm
	// Entity is the catalog key when the component was found.
	Entity   string
	Title    string
	Declared []radar.Usage
	Names    []string
}

// radarUsageForm shows the technologies of ?component= for change.
func (s *Server) radarUsageForm(w http.ResponseWriter, r *http.Request) error {
	f, err := s.newUsageForm(r, r.URL.Query().Get("component"))
	if err != nil {
		return err
	}
	return s.render(w, r, "radar_usage", "Technologies of "+f.Title, "radar", f)
}

func (s *Server) newUsageForm(r *http.Request, component string) (*usageForm, error) {
	ctx := r.Context()
	f := &usageForm{radarForm: newRadarForm("/radar/usage", "/radar/technologies")}
	f.Values["component"], f.Title = strings.TrimSpace(component), strings.TrimSpace(component)
	techs, err := s.radar.Technologies(ctx, radar.TechnologyQuery{})
	if err != nil {
		return nil, err
	}
	for _, t := range techs {
		f.Names = append(f.Names, t.Name)
	}
	slices.SortFunc(f.Names, func(a, b string) int { return strings.Compare(radar.Slug(a), radar.Slug(b)) })
	if f.Values["component"] == "" {
		return f, nil
	}
	ref, err := catalog.ParseRef(f.Values["component"], "Component", catalog.DefaultNamespace)
	if err != nil {
		return f, nil
	}
	rec, err := s.catalog.Get(ctx, ref)
	if apperr.Is(err, apperr.NotFound) {
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	f.Entity, f.Title, f.Back = ref.Key(), rec.Entity.DisplayName(), refURL(ref)
	uses, err := s.radar.ComponentTechnologies(ctx, ref.Key())
	if err != nil {
		return nil, err
	}
	var manual []string
	for _, u := range uses {
		if u.Source == radar.SourceManual {
			manual = append(manual, u.Technology)
		} else {
			f.Declared = append(f.Declared, u)
		}
	}
	f.Values["technologies"] = strings.Join(manual, ", ")
	return f, nil
}

// radarUsageSave makes the technologies set by hand for a component what
// the form says.
func (s *Server) radarUsageSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f, err := s.newUsageForm(r, r.PostForm.Get("component"))
	if err != nil {
		return err
	}
	f.read(r.PostForm, "component", "technologies")
	uses, err := s.radar.SetComponentTechnologies(r.Context(), radar.ComponentTechnologiesInput{
		Component: f.Values["component"], Technologies: splitList(f.Values["technologies"])})
	if err == nil {
		http.Redirect(w, r, f.Back+"?notice="+urlQuery("Saved: "+relPlural(len(uses), "technology", "technologies")+" in use."), http.StatusSeeOther)
		return nil
	}
	if !f.setError(err) {
		return err
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "radar_usage", "Technologies of "+f.Title, "radar", f)
}
