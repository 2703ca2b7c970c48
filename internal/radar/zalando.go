package radar

import (
	"encoding/json"
	"io"
	"math"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
)

// zalandoMoved maps Zalando's moved numbers to markers: -1 moved out,
// 0 unchanged, 1 moved in, 2 new.
var zalandoMoved = map[int]Marker{-1: MarkerOut, 0: MarkerNone, 1: MarkerIn, 2: MarkerNew}

func movedNumber(m Marker) int {
	for n, mm := range zalandoMoved {
		if mm == m {
			return n
		}
	}
	return 0
}

// ParseZalando reads Zalando's tech-radar config: an object with entries
// (label, quadrant and ring as indices, moved, link, active, ...) and
// optionally quadrants, rings, title, date and drawing settings. Keys Chief
// does not model are kept, and a Zalando export writes them back.
func ParseZalando(name string, data []byte) (RadarFile, error) {
	f := RadarFile{Name: name, Format: FormatZalando}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return f, jsonError(name, data, err, "want an object with an entries array")
	}
	rawEntries, ok := top["entries"]
	if !ok || top == nil {
		return f, apperr.New(apperr.Invalid, "%s: no entries array; a Zalando radar config has {\"entries\": [...]}", name)
	}
	delete(top, "entries")
	var entries []map[string]json.RawMessage
	if err := json.Unmarshal(rawEntries, &entries); err != nil {
		return f, apperr.New(apperr.Invalid, "%s: entries must be an array of objects", name)
	}
	if raw, ok := top["quadrants"]; ok {
		if err := json.Unmarshal(raw, &f.Quadrants); err != nil || len(f.Quadrants) == 0 {
			return f, apperr.New(apperr.Invalid, "%s: quadrants must be an array of {\"name\": ...}", name)
		}
	}
	if raw, ok := top["rings"]; ok {
		if err := json.Unmarshal(raw, &f.Rings); err != nil || len(f.Rings) == 0 {
			return f, apperr.New(apperr.Invalid, "%s: rings must be an array of {\"name\": ..., \"color\": ...}", name)
		}
	}
	if len(top) > 0 {
		f.extra = top
	}
	for i, obj := range entries {
		e := RadarEntry{Index: i, QuadrantIndex: -1, RingIndex: -1}
		if obj == nil {
			f.problem(e, "want an object with label, quadrant and ring")
			continue
		}
		take := func(key string) (json.RawMessage, bool) {
			raw, ok := obj[key]
			delete(obj, key)
			return raw, ok && string(raw) != "null"
		}
		text := func(key string) string {
			raw, ok := take(key)
			var s string
			if ok && json.Unmarshal(raw, &s) != nil {
				f.problem(e, "%s must be text", key)
			}
			return strings.TrimSpace(s)
		}
		number := func(key string) (int, bool) {
			raw, ok := take(key)
			if !ok {
				return 0, false
			}
			var n float64
			if json.Unmarshal(raw, &n) != nil || n != math.Trunc(n) || n < -1000 || n > 1000 {
				f.problem(e, "%s must be a whole number", key)
				return 0, false
			}
			return int(n), true
		}
		e.Name = text("label")
		e.Link = text("link")
		e.Description = cleanDescription(text("description"))
		for _, idx := range []struct {
			key string
			dst *int
		}{{"quadrant", &e.QuadrantIndex}, {"ring", &e.RingIndex}} {
			raw, present := obj[idx.key]
			present = present && string(raw) != "null"
			n, ok := number(idx.key)
			switch {
			case ok:
				*idx.dst = n
			case !present:
				f.problem(e, "%s is missing", idx.key)
			}
			if ok && n < 0 {
				f.problem(e, "%s %d is not a position (0, 1, ...)", idx.key, n)
			}
		}
		if moved, ok := number("moved"); ok {
			m, known := zalandoMoved[moved]
			if !known {
				f.problem(e, "moved %d is not -1 (out), 0, 1 (in) or 2 (new)", moved)
			}
			e.Marker = m
		}
		if e.Name == "" {
			f.problem(e, "the label is empty")
		}
		if len(obj) > 0 {
			e.extra = obj
		}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

// writeZalando writes the radar as a Zalando config, giving back the keys
// kept from the last Zalando import.
func writeZalando(w io.Writer, r Radar, list []exported) error {
	top := map[string]any{}
	for k, v := range r.extra[string(FormatZalando)] {
		top[k] = v
	}
	// Quadrants and rings are written only when the imported file had
	// them, as it spelt them while they still name the same ones.
	if raw, ok := top["quadrants"].(json.RawMessage); ok {
		var qs []Quadrant
		if json.Unmarshal(raw, &qs) != nil || !sameNames(quadrantNames(qs), quadrantNames(r.Quadrants)) {
			top["quadrants"] = r.Quadrants
		}
	}
	if raw, ok := top["rings"].(json.RawMessage); ok {
		var rs []Ring
		if json.Unmarshal(raw, &rs) != nil || !sameNames(ringNames(rs), ringNames(r.Rings)) {
			top["rings"] = r.Rings
		}
	}
	entries := make([]map[string]any, 0, len(list))
	for _, x := range list {
		obj := map[string]any{"active": true}
		for k, v := range x.t.extra[string(FormatZalando)] {
			obj[k] = v
		}
		obj["label"], obj["quadrant"], obj["ring"], obj["moved"] = x.t.Name, x.t.Quadrant, x.t.Ring, movedNumber(x.marker)
		if len(x.t.Links) > 0 {
			obj["link"] = x.t.Links[0].URL
		}
		if x.t.Description != "" {
			obj["description"] = x.t.Description
		}
		entries = append(entries, obj)
	}
	top["entries"] = entries
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(top)
}

// sameNames reports whether two lists of names match, by Slug.
func sameNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if Slug(a[i]) != Slug(b[i]) {
			return false
		}
	}
	return true
}

func quadrantNames(list []Quadrant) []string {
	out := make([]string, len(list))
	for i, q := range list {
		out[i] = q.Name
	}
	return out
}

func ringNames(list []Ring) []string {
	out := make([]string, len(list))
	for i, g := range list {
		out[i] = g.Name
	}
	return out
}
