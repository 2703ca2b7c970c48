package radar

import (
	"context"
	"strings"
)

// BackstageRadar is the radar in the shape Backstage's tech-radar plugin
// reads (its TechRadarLoaderResponse), for a Backstage instance to load
// from Chief.
type BackstageRadar struct {
	Quadrants []BackstageQuadrant `json:"quadrants"`
	Rings     []BackstageRing     `json:"rings"`
	Entries   []BackstageEntry    `json:"entries"`
}

// BackstageQuadrant is a quadrant with an id entries refer to.
type BackstageQuadrant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// BackstageRing is a ring with an id timeline entries refer to.
type BackstageRing struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"`
}

// BackstageEntry is one technology.
type BackstageEntry struct {
	Key         string              `json:"key"`
	ID          string              `json:"id"`
	Title       string              `json:"title"`
	Quadrant    string              `json:"quadrant"`
	Description string              `json:"description,omitempty"`
	URL         string              `json:"url,omitempty"`
	Links       []BackstageLink     `json:"links,omitempty"`
	Timeline    []BackstageTimeline `json:"timeline"`
}

// BackstageLink is a link under an entry.
type BackstageLink struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// BackstageTimeline is one ring decision, newest first as the plugin
// expects: moved is 1 for a move inwards, -1 outwards, 0 otherwise.
type BackstageTimeline struct {
	Moved       int    `json:"moved"`
	RingID      string `json:"ringId"`
	Date        string `json:"date"`
	Description string `json:"description,omitempty"`
}

// BackstageRadar builds the radar as Backstage's tech-radar plugin reads
// it. Quadrant and ring ids are their slugs; each entry's timeline is its
// ring history, newest first.
func (s *Store) BackstageRadar(ctx context.Context) (BackstageRadar, error) {
	var out BackstageRadar
	r, err := s.Radar(ctx)
	if err != nil {
		return out, err
	}
	for _, q := range r.Quadrants {
		out.Quadrants = append(out.Quadrants, BackstageQuadrant{ID: Slug(q.Name), Name: q.Name})
	}
	for _, g := range r.Rings {
		out.Rings = append(out.Rings, BackstageRing{ID: Slug(g.Name), Name: g.Name, Color: g.Color})
	}
	techs, err := s.queryTechnologies(ctx, r, `SELECT `+technologyColumns+` FROM radar_technologies ORDER BY quadrant, ring, slug`)
	if err != nil {
		return out, err
	}
	changes, err := s.allRingChanges(ctx, r, s.now())
	if err != nil {
		return out, err
	}
	history := map[string][]RingChange{}
	for _, c := range changes {
		history[c.Technology] = append(history[c.Technology], c)
	}
	out.Entries = make([]BackstageEntry, 0, len(techs))
	for _, t := range techs {
		e := BackstageEntry{Key: t.Slug, ID: t.Slug, Title: t.Name, Quadrant: Slug(t.QuadrantName), Description: t.Description,
			Timeline: []BackstageTimeline{}}
		for i, l := range t.Links {
			if i == 0 {
				e.URL = l.URL
			}
			title := l.Title
			if title == "" {
				title = l.URL
			}
			e.Links = append(e.Links, BackstageLink{URL: l.URL, Title: title})
		}
		h := history[t.Name]
		for i := len(h) - 1; i >= 0; i-- {
			c := h[i]
			if c.From == c.To {
				continue // a quadrant move, which the plugin has no place for
			}
			moved := 0
			switch {
			case c.From >= 0 && c.To < c.From:
				moved = 1
			case c.From >= 0 && c.To > c.From:
				moved = -1
			}
			ringID := ""
			if c.To < len(r.Rings) {
				ringID = Slug(r.Rings[c.To].Name)
			}
			e.Timeline = append(e.Timeline, BackstageTimeline{Moved: moved, RingID: ringID, Date: c.DecidedAt.Format(dateLayout),
				Description: strings.TrimSpace(c.Reason)})
		}
		if len(e.Timeline) == 0 {
			// History entered before the technology's current ring is
			// unknown; the plugin needs at least the current ring.
			e.Timeline = append(e.Timeline, BackstageTimeline{RingID: Slug(t.RingName), Date: t.CreatedAt.Format(dateLayout)})
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}
