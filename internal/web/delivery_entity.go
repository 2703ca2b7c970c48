package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/delivery"
)

// entityDelivery is the Delivery section of a component's or a team's
// page.
type entityDelivery struct {
	// Kind is "component" or "team", the parameter of the delivery pages.
	Kind, Name string
	// Show is false when the entity has no deployment; a component then
	// shows a hint.
	Show        bool
	Keys        delivery.Keys
	Places      map[string]string
	Sparkline   template.HTML
	Recent      []delivery.Deployment
	OverviewURL string
	LogURL      string
}

// dlvEntityRecent is how many deployments a component's page lists.
const dlvEntityRecent = 5

// entityDelivery gathers the keys of a component or a team (group) over
// 90 days; other kinds have none, and get nil.
func (s *Server) entityDelivery(r *http.Request, ref catalog.Ref) (*entityDelivery, error) {
	ctx := r.Context()
	ed := &entityDelivery{}
	var sc delivery.Scope
	switch ref.Kind {
	case "Component":
		ed.Kind, ed.Name = "component", ref.Short("Component")
		sc.Component = ref.Key()
	case "Group":
		ed.Kind, ed.Name = "team", ref.Short("Group")
		sc.Team = ref.Key()
	default:
		return nil, nil
	}
	ed.OverviewURL = "/delivery?" + ed.Kind + "=" + urlQuery(ed.Name)
	ed.LogURL = "/delivery/deployments?" + ed.Kind + "=" + urlQuery(ed.Name)
	recent, total, err := s.delivery.Deployments(ctx, delivery.DeploymentQuery{Scope: sc, Limit: dlvEntityRecent})
	if err != nil {
		return nil, err
	}
	if total == 0 {
		if ed.Kind == "team" {
			return nil, nil
		}
		return ed, nil
	}
	ed.Show = true
	if ed.Kind == "component" {
		ed.Recent = recent
	}
	w, err := delivery.ParseWindow("90d", "", "", time.Now())
	if err != nil {
		return nil, err
	}
	rep, err := s.delivery.Report(ctx, sc, w)
	if err != nil {
		return nil, err
	}
	ed.Keys = rep.Keys
	ed.Sparkline = dlvSparkline(rep.Weekly)
	bench, _ := delivery.BenchmarkFor(dlvDefaultYear)
	ed.Places = map[string]string{}
	for _, p := range bench.Place(rep.Keys) {
		ed.Places[p.Measure] = dlvPlacementText(p)
	}
	return ed, nil
}
