package radar

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
)

// byorColumns are the BYOR columns Chief reads; others are ignored.
var byorColumns = []string{"name", "ring", "quadrant", "isnew", "status", "description"}

// ParseBYORCSV reads a Build Your Own Radar CSV: a header with name, ring,
// quadrant and optionally isNew, status and description, in any order.
func ParseBYORCSV(name string, data []byte) (RadarFile, error) {
	f := RadarFile{Name: name, Format: FormatBYORCSV}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return f, apperr.New(apperr.Invalid, "%s: the file is empty; it needs a header line name,ring,quadrant,isNew,description", name)
	}
	if err != nil {
		return f, csvError(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		for _, c := range byorColumns {
			if h == c {
				if _, dup := col[c]; dup {
					return f, apperr.New(apperr.Invalid, "%s:1: column %q appears twice", name, h)
				}
				col[c] = i
			}
		}
	}
	for _, c := range []string{"name", "ring", "quadrant"} {
		if _, ok := col[c]; !ok {
			return f, apperr.New(apperr.Invalid, "%s:1: the header has no %s column; want name,ring,quadrant,isNew,description", name, c)
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, csvError(name, err)
		}
		line, _ := r.FieldPos(0)
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		e := RadarEntry{Line: line, Index: -1, Name: get("name"), Quadrant: get("quadrant"), Ring: get("ring"),
			QuadrantIndex: -1, RingIndex: -1, Description: cleanDescription(get("description"))}
		f.readMarker(&e, get("isnew"), get("status"))
		if e.Name == "" {
			f.problem(e, "the name is empty")
		}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

// readMarker sets e's marker from isNew and status, status first.
func (f *RadarFile) readMarker(e *RadarEntry, isNew, status string) {
	if status != "" {
		m, ok := parseMarker(status)
		if !ok {
			f.problem(*e, "status %q is not New, Moved In, Moved Out or No Change", status)
		}
		e.Marker = m
		return
	}
	b, ok := parseBool(isNew)
	if !ok {
		f.problem(*e, "isNew %q is not TRUE or FALSE", isNew)
	}
	if b {
		e.Marker = MarkerNew
	}
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return apperr.New(apperr.Invalid, "%s:%d: %v", name, pe.Line, pe.Err)
	}
	return apperr.New(apperr.Invalid, "%s: %v", name, err)
}

// ParseBYORJSON reads a Build Your Own Radar JSON file: an array of objects
// with name, ring, quadrant, isNew, description and optionally status.
// Other keys are kept and written back by a BYOR JSON export.
func ParseBYORJSON(name string, data []byte) (RadarFile, error) {
	f := RadarFile{Name: name, Format: FormatBYORJSON}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(data, &list); err != nil {
		return f, jsonError(name, data, err, "want an array of {name, ring, quadrant, isNew, description}")
	}
	for i, obj := range list {
		e := RadarEntry{Index: i, QuadrantIndex: -1, RingIndex: -1}
		if obj == nil {
			f.problem(e, "want an object with name, ring and quadrant")
			continue
		}
		str := func(key string) string {
			raw, ok := obj[key]
			delete(obj, key)
			if !ok || string(raw) == "null" {
				return ""
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				var b bool
				if key == "isNew" && json.Unmarshal(raw, &b) == nil {
					if b {
						return "true"
					}
					return "false"
				}
				f.problem(e, "%s must be text", key)
			}
			return strings.TrimSpace(s)
		}
		e.Name = str("name")
		e.Quadrant, e.Ring = str("quadrant"), str("ring")
		e.Description = cleanDescription(str("description"))
		f.readMarker(&e, str("isNew"), str("status"))
		if e.Name == "" {
			f.problem(e, "the name is empty")
		}
		if len(obj) > 0 {
			e.extra = obj
		}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

// jsonError says where JSON went wrong, by line.
func jsonError(name string, data []byte, err error, want string) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return apperr.New(apperr.Invalid, "%s:%d: %v", name, lineAt(data, se.Offset), se)
	case errors.As(err, &te):
		return apperr.New(apperr.Invalid, "%s:%d: %s", name, lineAt(data, te.Offset), want)
	}
	return apperr.New(apperr.Invalid, "%s: %v; %s", name, err, want)
}

// lineAt is the line of a byte offset.
func lineAt(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// writeBYORCSV writes blips as BYOR CSV with the status column.
func writeBYORCSV(w io.Writer, list []exported) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"name", "ring", "quadrant", "isNew", "status", "description"}); err != nil {
		return err
	}
	for _, x := range list {
		isNew := "FALSE"
		if x.marker == MarkerNew {
			isNew = "TRUE"
		}
		if err := cw.Write([]string{x.t.Name, x.t.RingName, x.t.QuadrantName, isNew, byorStatus(x.marker), x.t.Description}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeBYORJSON writes blips as a BYOR JSON array, with the keys kept from
// an earlier BYOR JSON import.
func writeBYORJSON(w io.Writer, list []exported) error {
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		obj := map[string]any{}
		for k, v := range x.t.extra[string(FormatBYORJSON)] {
			obj[k] = v
		}
		isNew := "FALSE"
		if x.marker == MarkerNew {
			isNew = "TRUE"
		}
		obj["name"], obj["ring"], obj["quadrant"] = x.t.Name, x.t.RingName, x.t.QuadrantName
		obj["isNew"], obj["status"], obj["description"] = isNew, byorStatus(x.marker), x.t.Description
		out = append(out, obj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
