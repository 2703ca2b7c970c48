package web

import (
	"net/http"
	"strconv"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

type deliveryDeploymentPage struct {
	D        delivery.Deployment
	Entity   entityLink
	Took     string
	Changes  []delivery.ShippedChange
	Total    int
	Counted  int
	Baseline int
	Failures []delivery.Failure
	LogURL   string
}

// deliveryDeployment shows one deployment: its fields, whether it failed
// and recovered, the changes it shipped and the failures charged to it.
func (s *Server) deliveryDeployment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "no deployment %q", r.PathValue("id"))
	}
	d, err := s.delivery.Deployment(ctx, id)
	if err != nil {
		return err
	}
	p := deliveryDeploymentPage{D: d, Entity: s.describeEntity(ctx, d.Component)}
	if !d.FinishedAt.IsZero() && d.FinishedAt.After(d.StartedAt) {
		p.Took = humanDuration(d.FinishedAt.Sub(d.StartedAt))
	}
	if p.Changes, err = s.delivery.Shipped(ctx, id); err != nil {
		return err
	}
	if p.Total, p.Baseline, p.Counted, err = s.delivery.ShippedCounts(ctx, id); err != nil {
		return err
	}
	if p.Failures, err = s.delivery.FailuresOf(ctx, id); err != nil {
		return err
	}
	if p.Entity.URL != "" {
		p.LogURL = "/delivery/deployments?component=" + urlQuery(p.Entity.Name) + "&environment=" + urlQuery(d.Environment)
	}
	title := "Deployment " + strconv.FormatInt(id, 10)
	return s.render(w, r, "delivery_deployment", title, "delivery", p)
}
