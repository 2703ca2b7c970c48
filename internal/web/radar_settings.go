package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/radar"
)

// radarSettingsForm edits the radar's title, its four quadrants and its
// rings. Inputs are quadrant0..3, ring0..7 and ring0_color..ring7_color.
type radarSettingsForm struct {
	*radarForm
	Quadrants []radarSettingsInput
	Rings     []radarSettingsInput
	// Used counts the technologies in each ring today, by position.
	Used []int
}

// radarSettingsInput is one quadrant or ring row of the form.
type radarSettingsInput struct {
	Key, Label string
	ColorKey   string
}

func (s *Server) newRadarSettingsForm(r *http.Request) (*radarSettingsForm, radar.Radar, error) {
	rd, err := s.radar.Radar(r.Context())
	if err != nil {
		return nil, rd, err
	}
	f := &radarSettingsForm{radarForm: newRadarForm("/admin/radar", "/radar"), Used: make([]int, radar.MaxRings)}
	for i := range 4 {
		f.Quadrants = append(f.Quadrants, radarSettingsInput{Key: fmt.Sprintf("quadrant%d", i), Label: fmt.Sprintf("Quadrant %d", i+1)})
	}
	for i := range radar.MaxRings {
		label := fmt.Sprintf("Ring %d", i+1)
		if i == 0 {
			label += " (innermost)"
		}
		f.Rings = append(f.Rings, radarSettingsInput{Key: fmt.Sprintf("ring%d", i), Label: label, ColorKey: fmt.Sprintf("ring%d_color", i)})
	}
	techs, err := s.radar.Technologies(r.Context(), radar.TechnologyQuery{})
	if err != nil {
		return nil, rd, err
	}
	for _, t := range techs {
		if t.Ring >= 0 && t.Ring < len(f.Used) {
			f.Used[t.Ring]++
		}
	}
	return f, rd, nil
}

// fill puts the stored radar into the form; rows without a ring get the
// colour a new ring there would have.
func (f *radarSettingsForm) fill(rd radar.Radar) {
	f.Values["title"] = rd.Title
	for i, q := range f.Quadrants {
		if i < len(rd.Quadrants) {
			f.Values[q.Key] = rd.Quadrants[i].Name
		}
	}
	for i, g := range f.Rings {
		f.Values[g.ColorKey] = radar.DefaultRingColor(i)
		if i < len(rd.Rings) {
			f.Values[g.Key], f.Values[g.ColorKey] = rd.Rings[i].Name, rd.Rings[i].Color
		}
	}
}

// input reads the posted form. Empty ring rows at the end are dropped; an
// empty row between rings is an error, since rings keep their
// technologies by position.
func (f *radarSettingsForm) input(r *http.Request) radar.RadarInput {
	f.read(r.PostForm, "title")
	in := radar.RadarInput{Title: f.Values["title"]}
	if in.Title == "" {
		f.Errors["title"] = "Is required: the name shown above the radar, such as Acme Technology Radar."
	}
	for _, q := range f.Quadrants {
		f.read(r.PostForm, q.Key)
		name := f.Values[q.Key]
		if name == "" {
			f.Errors[q.Key] = "Is required: a radar has exactly four quadrants; name each one."
		}
		in.Quadrants = append(in.Quadrants, radar.Quadrant{Name: name})
	}
	last := -1
	for i, g := range f.Rings {
		f.read(r.PostForm, g.Key, g.ColorKey)
		if f.Values[g.ColorKey] == "" {
			f.Values[g.ColorKey] = radar.DefaultRingColor(i)
		}
		if f.Values[g.Key] != "" {
			last = i
		}
	}
	for _, g := range f.Rings[:last+1] {
		if f.Values[g.Key] == "" {
			f.Errors[g.Key] = "Is empty, but a ring follows it: rings keep their technologies by position, so remove rings from the outside in."
		}
		in.Rings = append(in.Rings, radar.Ring{Name: f.Values[g.Key], Color: f.Values[g.ColorKey]})
	}
	if last < 0 {
		f.Errors["ring0"] = "Is required: a radar has at least one ring."
	}
	return in
}

// setError puts a store error next to its input: quadrants[2] is
// quadrant2, rings[1].color ring1_color, and a ring still in use is shown
// on the first ring row that was emptied.
func (f *radarSettingsForm) setError(err error, in radar.RadarInput) bool {
	e := apperr.As(err)
	if e == nil || (e.Code != apperr.Invalid && e.Code != apperr.Conflict) {
		return false
	}
	key := e.Field
	var i int
	switch {
	case e.Field == "rings" && e.Code == apperr.Conflict:
		key = fmt.Sprintf("ring%d", len(in.Rings))
	case strings.HasSuffix(e.Field, ".color"):
		if _, err := fmt.Sscanf(e.Field, "rings[%d].color", &i); err == nil {
			key = fmt.Sprintf("ring%d_color", i)
		}
	default:
		if _, err := fmt.Sscanf(e.Field, "rings[%d]", &i); err == nil {
			key = fmt.Sprintf("ring%d", i)
		} else if _, err := fmt.Sscanf(e.Field, "quadrants[%d]", &i); err == nil {
			key = fmt.Sprintf("quadrant%d", i)
		}
	}
	if _, shown := f.Values[key]; !shown || key == "" {
		f.Errors["form"] = e.Error()
		return true
	}
	f.Errors[key] = e.Message
	return true
}

func (s *Server) radarSettings(w http.ResponseWriter, r *http.Request) error {
	f, rd, err := s.newRadarSettingsForm(r)
	if err != nil {
		return err
	}
	f.fill(rd)
	return s.render(w, r, "radar_settings", "Radar settings", "radar-settings", f)
}

func (s *Server) radarSettingsSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	f, _, err := s.newRadarSettingsForm(r)
	if err != nil {
		return err
	}
	in := f.input(r)
	if len(f.Errors) == 0 {
		_, err := s.radar.ConfigureRadar(r.Context(), in)
		if err == nil {
			http.Redirect(w, r, "/admin/radar?notice="+urlQuery("Saved the radar settings."), http.StatusSeeOther)
			return nil
		}
		if !f.setError(err, in) {
			return err
		}
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "radar_settings", "Radar settings", "radar-settings", f)
}
