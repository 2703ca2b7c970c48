package radar

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// RadarImportResult says what an import of a radar file changed, by
// technology name.
type RadarImportResult struct {
	Created []string `json:"created"`
	// Moved changed ring (a ring change citing the file); they may be in
	// Updated as well when other fields changed.
	Moved     []string `json:"moved"`
	Updated   []string `json:"updated"`
	Unchanged []string `json:"unchanged"`
	// Configured is set when the file's quadrants and rings became the
	// radar's (an empty radar importing a file that names them).
	Configured bool      `json:"configured"`
	Problems   []Problem `json:"problems"`
}

// radarLock serializes, on PostgreSQL, the writes that read where a
// technology sits before they move it: imports, ring changes, edits and
// applied experiment proposals.
const radarLock = 74260603

// matched is an entry resolved against the radar.
type matched struct {
	e              RadarEntry
	quadrant, ring int
}

// ImportRadar makes the radar match a parsed file: technologies new in it
// are created, others updated, and a ring that differs becomes a ring
// change whose reason names origin. Technologies not in the file are left
// alone. Names of quadrants and rings are matched by Slug. If any entry
// cannot be used (RadarFile.Problems, names that match nothing, repeated
// technologies, bad links) nothing changes: the result lists the problems
// by line or entry and the error is invalid. Importing the same file again
// changes nothing.
func (s *Store) ImportRadar(ctx context.Context, f RadarFile, origin string) (RadarImportResult, error) {
	res := RadarImportResult{Problems: slices.Clone(f.Problems)}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if err := tx.Serialize(ctx, radarLock); err != nil {
			return err
		}
		r, err := s.radarTx(ctx, tx)
		if err != nil {
			return err
		}
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM radar_technologies`).Scan(&count); err != nil {
			return err
		}
		takeLayout, r2 := s.checkLayout(&f, r, count == 0, &res)
		list := resolveEntries(&f, r2, &res)
		if len(res.Problems) > 0 {
			slices.SortStableFunc(res.Problems, func(a, b Problem) int {
				if a.Line != b.Line {
					return a.Line - b.Line
				}
				return a.Index - b.Index
			})
			return problemsError(f.Name, res.Problems)
		}
		if takeLayout {
			in := RadarInput{Title: r.Title, Quadrants: r2.Quadrants, Rings: r2.Rings}
			if r, err = configure(ctx, tx, r, in); err != nil {
				return err
			}
			res.Configured = true
		}
		if f.Format == FormatZalando {
			if _, err := setRadarExtra(ctx, tx, &r, string(FormatZalando), f.extra); err != nil {
				return err
			}
		}
		return applyEntries(ctx, tx, r, f, list, origin, &res)
	})
	if err != nil && len(res.Problems) == 0 {
		res = RadarImportResult{}
	}
	return res, err
}

func problemsError(name string, problems []Problem) error {
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = "  " + name + ": " + p.String()
	}
	return apperr.New(apperr.Invalid, "%s: %d problem(s); nothing was imported:\n%s", name, len(problems), strings.Join(lines, "\n"))
}

// checkLayout compares the quadrants and rings a file names with the
// radar's. An empty radar takes them over (take is true); otherwise
// they must match by position and Slug. It returns the radar entries are
// to be matched against.
func (s *Store) checkLayout(f *RadarFile, r Radar, empty bool, res *RadarImportResult) (take bool, out Radar) {
	out = r
	if f.Quadrants == nil && f.Rings == nil {
		return false, out
	}
	if empty {
		in := RadarInput{Title: r.Title, Quadrants: slices.Clone(r.Quadrants), Rings: slices.Clone(r.Rings)}
		if f.Quadrants != nil {
			in.Quadrants = slices.Clone(f.Quadrants)
		}
		if f.Rings != nil {
			in.Rings = slices.Clone(f.Rings)
		}
		if err := in.Validate(); err != nil {
			e := apperr.As(err)
			res.Problems = append(res.Problems, Problem{Where: e.Field, Index: -1, Message: e.Message})
			return false, out
		}
		changed := !sameNames(quadrantNames(in.Quadrants), quadrantNames(r.Quadrants)) || !sameNames(ringNames(in.Rings), ringNames(r.Rings))
		for i := range in.Rings {
			changed = changed || i >= len(r.Rings) || in.Rings[i].Color != r.Rings[i].Color
		}
		out.Quadrants, out.Rings = in.Quadrants, in.Rings
		return changed, out
	}
	if f.Quadrants != nil && !sameNames(quadrantNames(f.Quadrants), quadrantNames(r.Quadrants)) {
		res.Problems = append(res.Problems, Problem{Where: "quadrants", Index: -1, Message: fmt.Sprintf("the file's quadrants (%s) are not this radar's (%s); configure the radar to match or import into an empty radar",
			strings.Join(quadrantNames(f.Quadrants), ", "), r.QuadrantNames())})
	}
	if f.Rings != nil && !sameNames(ringNames(f.Rings), ringNames(r.Rings)) {
		res.Problems = append(res.Problems, Problem{Where: "rings", Index: -1, Message: fmt.Sprintf("the file's rings (%s) are not this radar's (%s); configure the radar to match or import into an empty radar",
			strings.Join(ringNames(f.Rings), ", "), r.RingNames())})
	}
	return false, out
}

// resolveEntries matches each entry's quadrant and ring, and checks names
// and links, adding problems to res.
func resolveEntries(f *RadarFile, r Radar, res *RadarImportResult) []matched {
	var out []matched
	seen := map[string]RadarEntry{}
	add := func(e RadarEntry, format string, args ...any) {
		where := e.where(f.Format)
		if e.Name != "" {
			where += fmt.Sprintf(" (%s)", e.Name)
		}
		res.Problems = append(res.Problems, Problem{Where: where, Line: e.Line, Index: e.Index, Message: fmt.Sprintf(format, args...)})
	}
	for _, e := range f.Entries {
		m := matched{e: e, quadrant: -1, ring: -1}
		ok := true
		if e.QuadrantIndex >= 0 || e.RingIndex >= 0 || f.Format == FormatZalando {
			if e.QuadrantIndex >= 0 && e.QuadrantIndex >= len(r.Quadrants) {
				add(e, "quadrant %d is not one of 0 to %d (%s)", e.QuadrantIndex, len(r.Quadrants)-1, r.QuadrantNames())
				ok = false
			}
			if e.RingIndex >= 0 && e.RingIndex >= len(r.Rings) {
				add(e, "ring %d is not one of 0 to %d (%s)", e.RingIndex, len(r.Rings)-1, r.RingNames())
				ok = false
			}
			m.quadrant, m.ring = e.QuadrantIndex, e.RingIndex
		} else {
			var found bool
			if m.quadrant, found = r.QuadrantIndex(e.Quadrant); !found {
				if e.Quadrant == "" {
					add(e, "the quadrant is empty: use one of %s", r.QuadrantNames())
				} else {
					add(e, "quadrant %q matches none of %s", e.Quadrant, r.QuadrantNames())
				}
				ok = false
			}
			if m.ring, found = r.RingIndex(e.Ring); !found {
				if e.Ring == "" {
					add(e, "the ring is empty: use one of %s", r.RingNames())
				} else {
					add(e, "ring %q matches none of %s", e.Ring, r.RingNames())
				}
				ok = false
			}
		}
		if e.Name != "" {
			switch {
			case len(e.Name) > 100:
				add(e, "the name is longer than 100 characters")
				ok = false
			case Slug(e.Name) == "":
				add(e, "the name needs letters or digits")
				ok = false
			case len(e.Description) > 20000:
				add(e, "the description is longer than 20000 characters")
				ok = false
			}
			if prev, dup := seen[Slug(e.Name)]; dup {
				add(e, "the same technology as %s (%s)", prev.where(f.Format), prev.Name)
				ok = false
			}
			seen[Slug(e.Name)] = e
		}
		if e.Link != "" {
			if err := checkURL(e.Link); err != nil {
				add(e, "link: %s", err)
				ok = false
			}
		}
		if ok && m.quadrant >= 0 && m.ring >= 0 && e.Name != "" {
			out = append(out, m)
		}
	}
	return out
}

// applyEntries writes the matched entries, in tx.
func applyEntries(ctx context.Context, tx *db.Tx, r Radar, f RadarFile, list []matched, origin string, res *RadarImportResult) error {
	reason := "Imported from " + origin
	for i, m := range list {
		e := m.e
		old, err := technologyTx(ctx, tx, r, e.Name)
		if apperr.Is(err, apperr.NotFound) {
			t := Technology{Name: e.Name, Slug: Slug(e.Name), Quadrant: m.quadrant, Ring: m.ring, Description: e.Description,
				Marker: e.Marker, Position: i + 1}
			if e.Link != "" {
				t.Links = []Link{{URL: e.Link}}
			}
			t.extra = withExtra(nil, f.Format, e.extra)
			if err := insertTechnology(ctx, tx, &t, r, db.Now(), reason); err != nil {
				return fmt.Errorf("%s: %w", e.where(f.Format), err)
			}
			res.Created = append(res.Created, t.Name)
			continue
		}
		if err != nil {
			return err
		}
		if m.ring != old.Ring {
			in := RingChangeInput{Ring: r.Rings[m.ring].Name, DecidedBy: actor(ctx), Reason: reason}
			if _, err := changeRing(ctx, tx, r, old, m.ring, in, 0); err != nil {
				return fmt.Errorf("%s: %w", e.where(f.Format), err)
			}
			res.Moved = append(res.Moved, e.Name)
			if old, err = technologyTx(ctx, tx, r, e.Name); err != nil {
				return err
			}
		}
		t := old
		t.Name, t.Quadrant, t.Marker, t.Position = e.Name, m.quadrant, e.Marker, i+1
		if e.Description != "" {
			t.Description = e.Description
		}
		if e.Link != "" {
			links := []Link{{URL: e.Link}}
			for _, l := range old.Links {
				if l.URL != e.Link {
					links = append(links, l)
				} else {
					links[0].Title = l.Title
				}
			}
			t.Links = links
		}
		t.extra = withExtra(old.extra, f.Format, e.extra)
		t.name(r)
		changed, err := updateTechnology(ctx, tx, old, &t, reason)
		if err != nil {
			return fmt.Errorf("%s: %w", e.where(f.Format), err)
		}
		switch {
		case changed:
			res.Updated = append(res.Updated, t.Name)
		case m.ring == old.Ring:
			res.Unchanged = append(res.Unchanged, t.Name)
		}
	}
	return nil
}

// withExtra returns a copy of extra with format's keys replaced by keys.
func withExtra(extra map[string]map[string]json.RawMessage, format Format, keys map[string]json.RawMessage) map[string]map[string]json.RawMessage {
	out := maps.Clone(extra)
	if out == nil {
		out = map[string]map[string]json.RawMessage{}
	}
	delete(out, string(format))
	if len(keys) > 0 {
		out[string(format)] = keys
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
