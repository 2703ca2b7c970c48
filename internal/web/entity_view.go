package web

import (
	"html/template"
	"net/http"
	"sort"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/catalog"
)

var relationLabels = map[string]string{
	catalog.RelOwnedBy: "Owner", catalog.RelOwnerOf: "Owns",
	catalog.RelPartOf: "Part of", catalog.RelHasPart: "Has parts",
	catalog.RelProvidesAPI: "Provides APIs", catalog.RelAPIProvidedBy: "Provided by",
	catalog.RelConsumesAPI: "Consumes APIs", catalog.RelAPIConsumedBy: "Consumed by",
	catalog.RelDependsOn: "Depends on", catalog.RelDependencyOf: "Dependency of",
	catalog.RelChildOf: "Parent group", catalog.RelParentOf: "Child groups",
	catalog.RelMemberOf: "Member of", catalog.RelHasMember: "Members",
}

func label(relType string) string {
	if l, ok := relationLabels[relType]; ok {
		return l
	}
	return relType
}

// relationGroup is the relations of one type, for display.
type relationGroup struct {
	Type, Label string
	Items       []catalog.Relation
}

type specRow struct {
	Key   string
	Value any
	Long  bool
}

type entityPage struct {
	Rec        catalog.Record
	Kind       catalog.KindDef
	Spec       []specRow
	Relations  []relationGroup
	Members    []catalog.Relation
	Owned      []catalog.Relation
	Unresolved int
	Graph      template.HTML
	CanEdit    bool
	History    []audit.Entry
	// Reliability is the entity's monitors, SLOs and incidents.
	Reliability *entityReliability
	// Delivery is a component's or a team's DORA keys, nil for other kinds.
	Delivery *entityDelivery
	// Technologies is what a component, API or resource uses from the radar.
	Technologies *entityTechnologies
}

func (s *Server) entityView(w http.ResponseWriter, r *http.Request) error {
	ref, rec, err := s.entityAt(r)
	if err != nil {
		return err
	}
	kind, _ := catalog.KindByName(rec.Entity.Kind)
	p := entityPage{Rec: rec, Kind: kind, Graph: template.HTML(dependencyGraph(rec))}
	for _, f := range kind.Fields {
		v, ok := rec.Entity.Spec[f.Name]
		if !ok || f.Ref() {
			continue
		}
		p.Spec = append(p.Spec, specRow{Key: f.Name, Value: v, Long: f.Name == "definition"})
	}
	groups := map[string]*relationGroup{}
	for _, rel := range rec.Relations {
		if !rel.Resolved {
			p.Unresolved++
		}
		switch rel.Type {
		case catalog.RelHasMember:
			p.Members = append(p.Members, rel)
			continue
		case catalog.RelOwnerOf:
			p.Owned = append(p.Owned, rel)
			continue
		}
		g := groups[rel.Type]
		if g == nil {
			g = &relationGroup{Type: rel.Type, Label: label(rel.Type)}
			groups[rel.Type] = g
		}
		g.Items = append(g.Items, rel)
	}
	for _, g := range groups {
		p.Relations = append(p.Relations, *g)
	}
	sort.Slice(p.Relations, func(i, j int) bool { return relationOrder(p.Relations[i].Type) < relationOrder(p.Relations[j].Type) })
	pr := principalFrom(r.Context())
	p.CanEdit = pr.user.Role.Allows(auth.Editor)
	if p.Reliability, err = s.entityReliability(r, ref, p.CanEdit); err != nil {
		return err
	}
	if p.Delivery, err = s.entityDelivery(r, ref); err != nil {
		return err
	}
	if p.Technologies, err = s.entityTechnologies(r, ref, p.CanEdit); err != nil {
		return err
	}
	if pr.user.Role.Allows(auth.Admin) {
		p.History, _, err = s.audit.List(r.Context(), audit.Filter{RecordType: "entity", RecordID: ref.Key(), Limit: 10})
		if err != nil {
			return err
		}
	}
	return s.render(w, r, "entity", rec.Entity.DisplayName(), "catalog", p)
}

var relationRank = []string{
	catalog.RelOwnedBy, catalog.RelPartOf, catalog.RelHasPart, catalog.RelProvidesAPI, catalog.RelConsumesAPI,
	catalog.RelAPIProvidedBy, catalog.RelAPIConsumedBy, catalog.RelDependsOn, catalog.RelDependencyOf,
	catalog.RelChildOf, catalog.RelParentOf, catalog.RelMemberOf,
}

func relationOrder(t string) int {
	for i, r := range relationRank {
		if r == t {
			return i
		}
	}
	return len(relationRank)
}
