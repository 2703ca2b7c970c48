package web

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/reliability"
)

// humanDuration writes a span as people say it: "45 s", "12 min",
// "2 h 5 min", "3 d 4 h".
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return "at once"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 24*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	default:
		days, h := int(d.Hours())/24, int(d.Hours())%24
		if h == 0 {
			return fmt.Sprintf("%d d", days)
		}
		return fmt.Sprintf("%d d %d h", days, h)
	}
}

// humanDurationOf is humanDuration with a dash for a span not over yet.
func humanDurationOf(d *time.Duration) string {
	if d == nil {
		return "—"
	}
	return humanDuration(*d)
}

// incBadge is a status word with a symbol, so that the state reads without
// telling colours apart.
func incBadge(class, symbol, text string) template.HTML {
	return template.HTML(`<span class="badge ` + class + `"><span aria-hidden="true">` + symbol + `</span> ` + html.EscapeString(text) + `</span>`)
}

// severityBadge shows minor, major or critical.
func severityBadge(severity string) template.HTML {
	switch severity {
	case "critical":
		return incBadge("inc-sev-critical", "▲", "critical")
	case "major":
		return incBadge("inc-sev-major", "◆", "major")
	case "minor":
		return incBadge("inc-sev-minor", "●", "minor")
	}
	return incBadge("", "?", severity)
}

// incidentStatusBadge shows where an incident stands.
func incidentStatusBadge(status string) template.HTML {
	switch status {
	case "investigating":
		return incBadge("inc-st-investigating", "◔", "investigating")
	case "identified":
		return incBadge("inc-st-identified", "◑", "identified")
	case "monitoring":
		return incBadge("inc-st-monitoring", "◕", "monitoring")
	case "resolved":
		return incBadge("inc-st-resolved", "✓", "resolved")
	}
	return incBadge("", "?", status)
}

// stateSymbols mark an entity state beside its word.
var stateSymbols = map[string]string{
	"operational": "✓", "degraded": "▲", "down": "✕", "maintenance": "◆", "unknown": "?",
}

// stateBadge shows an entity's state on the status page.
func stateBadge(state string) template.HTML {
	sym, ok := stateSymbols[state]
	if !ok {
		state, sym = "unknown", "?"
	}
	return incBadge("sys-"+state, sym, reliability.StateLabel(state))
}

// entityLink is a catalog key as a page shows it: a short name linking to
// the entity.
type entityLink struct {
	Key, Name, Title, URL string
}

// entityLinkOf turns a stored catalog key into a link; the title is the short
// reference until describeEntity looks the entity up.
func entityLinkOf(key string) entityLink {
	ref, err := catalog.ParseRef(key, "Component", catalog.DefaultNamespace)
	if err != nil {
		return entityLink{Key: key, Name: key, Title: key}
	}
	short := ref.Short("Component")
	return entityLink{Key: key, Name: short, Title: short, URL: refURL(ref)}
}

// describeEntity is entityLinkOf with the entity's display name, when it is still in
// the catalog.
func (s *Server) describeEntity(ctx context.Context, key string) entityLink {
	l := entityLinkOf(key)
	ref, err := catalog.ParseRef(key, "Component", catalog.DefaultNamespace)
	if err != nil {
		return l
	}
	if rec, err := s.catalog.Get(ctx, ref); err == nil {
		l.Title = rec.Entity.DisplayName()
	} else {
		l.URL = ""
	}
	return l
}

// entityOption is one suggestion of an entity input.
type entityOption struct {
	Value, Label string
}

// entityOptions suggests the entities incidents and the status page
// usually concern: systems, components, APIs and resources.
func (s *Server) entityOptions(ctx context.Context) ([]entityOption, error) {
	var out []entityOption
	for _, kind := range []string{"System", "Component", "API", "Resource"} {
		p, err := s.catalog.List(ctx, catalog.Query{Kind: kind, Limit: catalog.MaxLimit})
		if err != nil {
			return nil, err
		}
		for _, r := range p.Items {
			out = append(out, entityOption{Value: r.Entity.Ref().Short("Component"), Label: r.Entity.DisplayName() + " (" + strings.ToLower(kind) + ")"})
		}
	}
	return out, nil
}

// typedRefs reads entity references typed one per line or separated by
// commas or spaces.
func typedRefs(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// formFieldOf is the form input an error's field names: "affected_entities[2]"
// and "settings.to[0]" are shown at their whole input.
func formFieldOf(field string) string {
	if i := strings.IndexByte(field, '['); i >= 0 {
		return field[:i]
	}
	return field
}
