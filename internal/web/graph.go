package web

import (
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/chief-hq/chief/internal/catalog"
)

// Relations drawn on the left of the entity (things that point at it) and
// on the right (things it points at).
var (
	graphLeft  = map[string]bool{catalog.RelDependencyOf: true, catalog.RelAPIConsumedBy: true, catalog.RelAPIProvidedBy: true, catalog.RelHasPart: true, catalog.RelParentOf: true, catalog.RelHasMember: true}
	graphRight = map[string]bool{catalog.RelDependsOn: true, catalog.RelConsumesAPI: true, catalog.RelProvidesAPI: true, catalog.RelPartOf: true, catalog.RelChildOf: true, catalog.RelOwnedBy: true}
)

const (
	graphNodeW   = 220
	graphNodeH   = 34
	graphGap     = 10
	graphColGap  = 110
	graphMaxSide = 14
)

// dependencyGraph draws the entity in the middle with its neighbours on
// both sides, each a link to its page. Returns "" when there is nothing to
// draw.
func dependencyGraph(rec catalog.Record) string {
	var left, right []catalog.Relation
	for _, rel := range rec.Relations {
		switch {
		case graphLeft[rel.Type]:
			left = append(left, rel)
		case graphRight[rel.Type]:
			right = append(right, rel)
		}
	}
	if len(left)+len(right) == 0 {
		return ""
	}
	moreL, moreR := 0, 0
	if len(left) > graphMaxSide {
		left, moreL = left[:graphMaxSide], len(left)-graphMaxSide
	}
	if len(right) > graphMaxSide {
		right, moreR = right[:graphMaxSide], len(right)-graphMaxSide
	}
	rows := max(len(left)+sign(moreL), len(right)+sign(moreR), 1)
	height := rows*(graphNodeH+graphGap) + graphGap + 20
	width := 3*graphNodeW + 2*graphColGap + 20
	xl, xc, xr := 10, 10+graphNodeW+graphColGap, 10+2*(graphNodeW+graphColGap)
	cy := height / 2
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="Relations of %s">`,
		width, height, width, height, html.EscapeString(rec.Entity.Ref().String()))
	fmt.Fprintf(&b, `<title>Relations of %s</title>`, html.EscapeString(rec.Entity.Ref().String()))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="graph-arrow"/></marker></defs>`)
	side := func(list []catalog.Relation, more int, x int, isLeft bool) {
		total := len(list) + sign(more)
		top := cy - (total*(graphNodeH+graphGap)-graphGap)/2
		for i, rel := range list {
			y := top + i*(graphNodeH+graphGap)
			// Edges run from the entity that depends, consumes or belongs
			// towards the one it names.
			// Each edge is labelled beside its outer node, where edges do
			// not crowd.
			if isLeft {
				edge(&b, x+graphNodeW, y+graphNodeH/2, xc, cy, label(rel.Type))
				fmt.Fprintf(&b, `<text x="%d" y="%d" class="graph-label">%s</text>`, x+graphNodeW+6, y+graphNodeH/2-4, html.EscapeString(lower(label(rel.Type))))
			} else {
				edge(&b, xc+graphNodeW, cy, x, y+graphNodeH/2, label(rel.Type))
				fmt.Fprintf(&b, `<text x="%d" y="%d" class="graph-label" text-anchor="end">%s</text>`, x-6, y+graphNodeH/2-4, html.EscapeString(lower(label(rel.Type))))
			}
			node(&b, x, y, rel.Target, rel.TargetTitle, rel.Resolved, false)
		}
		if more > 0 {
			y := top + len(list)*(graphNodeH+graphGap)
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="graph-more">and %d more</text>`, x+8, y+graphNodeH/2+4, more)
		}
	}
	side(left, moreL, xl, true)
	side(right, moreR, xr, false)
	node(&b, xc, cy-graphNodeH/2, rec.Entity.Ref(), rec.Entity.DisplayName(), true, true)
	b.WriteString(`</svg>`)
	return b.String()
}

func sign(n int) int {
	if n > 0 {
		return 1
	}
	return 0
}

func edge(b *strings.Builder, x1, y1, x2, y2 int, text string) {
	mx := (x1 + x2) / 2
	fmt.Fprintf(b, `<path d="M%d,%d C%d,%d %d,%d %d,%d" class="graph-edge" marker-end="url(#arrow)"><title>%s</title></path>`,
		x1, y1, mx, y1, mx, y2, x2, y2, html.EscapeString(text))
}

func node(b *strings.Builder, x, y int, ref catalog.Ref, title string, resolved, center bool) {
	class := "graph-node"
	if center {
		class += " graph-center"
	}
	if !resolved {
		class += " graph-unresolved"
	}
	name := title
	if name == "" {
		name = ref.Name
	}
	if len(name) > 26 {
		name = name[:25] + "…"
	}
	kind := strings.ToLower(ref.Kind)
	if !resolved {
		kind += " · unresolved"
	}
	inner := fmt.Sprintf(`<rect x="%d" y="%d" width="%d" height="%d" rx="4" class="%s"/>`+
		`<text x="%d" y="%d" class="graph-kind">%s</text><text x="%d" y="%d" class="graph-name">%s</text>`,
		x, y, graphNodeW, graphNodeH, class, x+8, y+12, html.EscapeString(kind), x+8, y+27, html.EscapeString(name))
	if resolved && !center {
		fmt.Fprintf(b, `<a href="%s">%s</a>`, html.EscapeString(refURL(ref)), inner)
		return
	}
	b.WriteString(inner)
}

// entityGraph serves the relations graph alone, for embedding elsewhere.
func (s *Server) entityGraph(w http.ResponseWriter, r *http.Request) error {
	_, rec, err := s.entityAt(r)
	if err != nil {
		return err
	}
	svg := dependencyGraph(rec)
	if svg == "" {
		svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="40"><text x="10" y="24">No relations to draw.</text></svg>`
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, err = w.Write([]byte(svg))
	return err
}
