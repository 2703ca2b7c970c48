package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/radar"
)

type technologyPage struct {
	Radar radar.Radar
	Tech  radar.Technology
	// History is the technology's ring decisions, newest first.
	History     []radar.RingChange
	Users       []technologyUser
	Decisions   []radar.Decision
	Experiments []radar.Experiment
	CanEdit     bool
	// HoldSince is when it moved to the hold ring, zero when not on hold.
	HoldSince time.Time
	// Review is the latest ring decision's review date, nil when none is
	// set; ReviewDue says it has passed. Quadrant moves are no ring
	// decisions.
	Review    *time.Time
	ReviewDue bool
	// Ring and Usage are the editor forms, with what was typed and the
	// errors of the last attempt.
	Ring       *radarForm
	Usage      *radarForm
	Rings      []string
	Components []string
	// Records are every decision record, for the ring change to cite.
	Records []radar.Decision
	// Known says which owners are in the catalog.
	Known map[string]bool
}

// technologyUser is an entity using the technology, as the catalog
// describes it.
type technologyUser struct {
	radar.Usage
	Kind, Name, Title string
	Owner, Lifecycle  string
	InCatalog         bool
}

// technologyView shows a technology: what it is, its ring history, who
// uses it, and the decisions and experiments about it.
func (s *Server) technologyView(w http.ResponseWriter, r *http.Request) error {
	p, err := s.technologyPage(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	p.Ring.Values["decided_by"] = radarWho(r)
	return s.render(w, r, "radar_technology", p.Tech.Name, "radar", p)
}

// technologyPage gathers what the technology page shows, with empty forms.
func (s *Server) technologyPage(r *http.Request, name string) (*technologyPage, error) {
	ctx := r.Context()
	t, err := s.radar.Technology(ctx, name)
	if err != nil {
		return nil, err
	}
	p := &technologyPage{Tech: t, CanEdit: radarCanEdit(r)}
	base := radarTechURL(t.Name)
	// The forms come back to themselves when refused, and to the top of
	// the page, where the notice is, when done.
	p.Ring = newRadarForm(base+"/ring#ring-h", base)
	p.Usage = newRadarForm(base+"/usage#users-h", base)
	if p.Radar, err = s.radar.Radar(ctx); err != nil {
		return nil, err
	}
	for i, g := range p.Radar.Rings {
		if i != t.Ring {
			p.Rings = append(p.Rings, g.Name)
		}
	}
	history, err := s.radar.RingChanges(ctx, t.Name)
	if err != nil {
		return nil, err
	}
	var last *radar.RingChange
	for i, c := range history {
		if c.IsQuadrantMove() {
			continue
		}
		last = &history[i]
		if p.Radar.IsHold(c.To) {
			p.HoldSince = c.DecidedAt
		}
	}
	if !p.Radar.IsHold(t.Ring) {
		p.HoldSince = time.Time{}
	}
	if last != nil && last.ReviewAt != nil {
		p.Review = last.ReviewAt
		p.ReviewDue = !p.Review.After(time.Now())
	}
	slices.Reverse(history)
	p.History = history
	uses, err := s.radar.TechnologyUsers(ctx, t.Name)
	if err != nil {
		return nil, err
	}
	if p.Users, err = s.technologyUsers(ctx, uses); err != nil {
		return nil, err
	}
	keys := []string{t.Owner}
	for _, u := range p.Users {
		keys = append(keys, u.Owner)
	}
	if p.Known, err = s.radarKnown(ctx, keys); err != nil {
		return nil, err
	}
	if p.Decisions, err = s.radar.Decisions(ctx, radar.DecisionQuery{Technology: t.Name}); err != nil {
		return nil, err
	}
	if p.Experiments, err = s.radar.Experiments(ctx, radar.ExperimentQuery{Technology: t.Name}); err != nil {
		return nil, err
	}
	if p.CanEdit {
		page, err := s.catalog.List(ctx, catalog.Query{Kind: "Component", Limit: catalog.MaxLimit, Sort: "name"})
		if err != nil {
			return nil, err
		}
		for _, rec := range page.Items {
			p.Components = append(p.Components, rec.Entity.Ref().Short("Component"))
		}
		if p.Records, err = s.radar.Decisions(ctx, radar.DecisionQuery{}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// technologyUsers describes the users of a technology from the catalog,
// read in one go; an entity gone from the catalog keeps its key.
func (s *Server) technologyUsers(ctx context.Context, uses []radar.Usage) ([]technologyUser, error) {
	refs := make([]catalog.Ref, len(uses))
	keys := make([]string, 0, len(uses))
	for i, u := range uses {
		if ref, err := catalog.ParseRef(u.Entity, "Component", catalog.DefaultNamespace); err == nil {
			refs[i] = ref
			keys = append(keys, ref.Key())
		}
	}
	found, err := s.catalog.ByKeys(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]technologyUser, len(uses))
	for i, u := range uses {
		tu := technologyUser{Usage: u, Name: relKeyName(u.Entity), Kind: refs[i].Kind}
		if rec, ok := found[refs[i].Key()]; ok && refs[i].Name != "" {
			tu.InCatalog = true
			tu.Kind, tu.Name, tu.Title = rec.Entity.Kind, rec.Entity.Metadata.Name, rec.Entity.DisplayName()
			tu.Lifecycle = rec.Entity.Text("lifecycle")
			if owner, err := catalog.ParseRef(rec.Entity.Text("owner"), "Group", refs[i].Namespace); err == nil {
				tu.Owner = owner.Key()
			}
		}
		out[i] = tu
	}
	return out, nil
}

// technologyRingChange moves a technology to another ring, recording who
// decided, why and when to look again.
func (s *Server) technologyRingChange(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	p, err := s.technologyPage(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	f := p.Ring
	f.read(r.PostForm, "ring", "decided_by", "reason", "review_at", "decision", "decided_at")
	in := radar.RingChangeInput{Ring: f.Values["ring"], DecidedBy: f.Values["decided_by"], Reason: f.Values["reason"],
		DecidedAt: f.day("decided_at"), Decision: f.number("decision")}
	if review := f.day("review_at"); !review.IsZero() {
		in.ReviewAt = &review
	}
	if in.DecidedAt.Equal(radar.Day(time.Now())) {
		in.DecidedAt = time.Time{} // today: now, so that it follows earlier changes of today
	}
	if len(f.Errors) == 0 {
		c, err := s.radar.ChangeRing(r.Context(), p.Tech.Name, in)
		if err == nil {
			http.Redirect(w, r, radarTechURL(p.Tech.Name)+"?notice="+urlQuery("Moved "+p.Tech.Name+" from "+c.FromName+" to "+c.ToName+".")+"#main", http.StatusSeeOther)
			return nil
		}
		if !f.setError(err) {
			return err
		}
	}
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "radar_technology", p.Tech.Name, "radar", p)
}

// technologyUsage adds a component to a technology's users, or removes
// one that was added by hand.
func (s *Server) technologyUsage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "cannot read the form: %v", err)
	}
	p, err := s.technologyPage(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	f := p.Usage
	f.read(r.PostForm, "component")
	remove := r.PostForm.Get("action") == "remove"
	component := f.Values["component"]
	if component == "" {
		f.Errors["component"] = "is required: a component's name, or kind:namespace/name for other kinds"
	} else {
		err = s.setUsage(r, p.Tech, component, remove)
		if err == nil {
			verb := "Added " + component + " to the users of "
			if remove {
				verb = "Removed " + component + " from the users of "
			}
			http.Redirect(w, r, radarTechURL(p.Tech.Name)+"?notice="+urlQuery(verb+p.Tech.Name+".")+"#main", http.StatusSeeOther)
			return nil
		}
		if e := apperr.As(err); e != nil && e.Field == "technologies" {
			err = apperr.Field("component", "%s", e.Message)
		}
		if !f.setError(err) {
			return err
		}
	}
	p.Ring.Values["decided_by"] = radarWho(r)
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "radar_technology", p.Tech.Name, "radar", p)
}

// setUsage adds t to, or removes it from, the technologies set by hand for
// component, leaving its others as they are.
func (s *Server) setUsage(r *http.Request, t radar.Technology, component string, remove bool) error {
	ctx := r.Context()
	uses, err := s.radar.ComponentTechnologies(ctx, component)
	if err != nil {
		return err
	}
	var names []string
	found := false
	for _, u := range uses {
		if u.Slug == t.Slug {
			found = true
			if remove && u.Source != radar.SourceManual {
				return apperr.Field("component", "%s declares %s in its descriptor; change the descriptor to remove it", component, t.Name)
			}
			continue
		}
		if u.Source == radar.SourceManual {
			names = append(names, u.Technology)
		}
	}
	if remove && !found {
		return apperr.Field("component", "%s does not use %s", component, t.Name)
	}
	if !remove {
		names = append(names, t.Name)
	}
	_, err = s.radar.SetComponentTechnologies(ctx, radar.ComponentTechnologiesInput{Component: component, Technologies: names})
	return err
}
