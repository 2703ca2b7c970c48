package radar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
)

// Format is a radar file format Chief reads and writes.
type Format string

// The formats: ThoughtWorks' Build Your Own Radar CSV and JSON, and
// Zalando's tech-radar config.
const (
	FormatAuto     Format = "auto"
	FormatBYORCSV  Format = "byor-csv"
	FormatBYORJSON Format = "byor-json"
	FormatZalando  Format = "zalando"
)

// Formats lists the formats an export can write.
var Formats = []Format{FormatBYORCSV, FormatBYORJSON, FormatZalando}

// RadarFile is a radar file as read, before it is matched against the
// radar: each entry says where it came from.
type RadarFile struct {
	// Name is the file's name, for messages.
	Name   string
	Format Format
	// Entries are in file order.
	Entries []RadarEntry
	// Quadrants and Rings are set when the file names them (Zalando's
	// quadrants and rings arrays); entries then refer to them by index.
	Quadrants []Quadrant
	Rings     []Ring
	// Problems are entries that could not be read; ImportRadar adds those
	// that do not match the radar and refuses a file with any.
	Problems []Problem
	// extra keeps unmodelled top-level keys (Zalando's title, date, ...).
	extra map[string]json.RawMessage
}

// RadarEntry is one technology in a radar file.
type RadarEntry struct {
	// Line is the CSV line; Index the position in a JSON array (-1 in CSV).
	Line  int
	Index int
	Name  string
	// Quadrant and Ring are names as written (BYOR); QuadrantIndex and
	// RingIndex positions (Zalando), -1 when the file uses names.
	Quadrant      string
	Ring          string
	QuadrantIndex int
	RingIndex     int
	// Description is Markdown (which may hold HTML), as the file has it.
	Description string
	Link        string
	Marker      Marker
	// extra keeps the entry's unmodelled keys (Zalando's active, ...).
	extra map[string]json.RawMessage
}

// where names the entry in messages: "line 4" or "entries[3]".
func (e RadarEntry) where(f Format) string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d", e.Line)
	}
	if f == FormatZalando {
		return fmt.Sprintf("entries[%d]", e.Index)
	}
	return fmt.Sprintf("[%d]", e.Index)
}

// Problem is something in an imported file that Chief could not use.
type Problem struct {
	// Where is "line 4 (Name)" for CSV, "entries[3] (Name)" for JSON.
	Where string `json:"where"`
	// Line is the CSV line, 0 for JSON; Index the JSON entry, -1 for CSV
	// and for problems with the whole file.
	Line    int    `json:"line"`
	Index   int    `json:"index"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.Where + ": " + p.Message }

func (f *RadarFile) problem(e RadarEntry, format string, args ...any) {
	where := e.where(f.Format)
	if e.Name != "" {
		where += fmt.Sprintf(" (%s)", e.Name)
	}
	f.Problems = append(f.Problems, Problem{Where: where, Line: e.Line, Index: e.Index, Message: fmt.Sprintf(format, args...)})
}

// maxRadarFile bounds a radar file.
const maxRadarFile = 16 << 20

// ParseRadarFile reads a radar file in format, or works the format out
// from the name and content when format is "" or auto. Errors (invalid)
// are for files that cannot be read at all; entries that cannot be used
// are in RadarFile.Problems.
func ParseRadarFile(name string, data []byte, format Format) (RadarFile, error) {
	if len(data) > maxRadarFile {
		return RadarFile{}, apperr.New(apperr.Invalid, "%s: larger than %d MiB", name, maxRadarFile>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if format == "" || format == FormatAuto {
		var err error
		if format, err = DetectFormat(name, data); err != nil {
			return RadarFile{}, err
		}
	}
	switch format {
	case FormatBYORCSV:
		return ParseBYORCSV(name, data)
	case FormatBYORJSON:
		return ParseBYORJSON(name, data)
	case FormatZalando:
		return ParseZalando(name, data)
	}
	return RadarFile{}, apperr.Field("format", "unknown format %q: use auto, byor-csv, byor-json or zalando", format)
}

// DetectFormat tells the format from the file name and content: .csv is
// BYOR CSV, a JSON array BYOR JSON, a JSON object with entries Zalando's.
func DetectFormat(name string, data []byte) (Format, error) {
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		return FormatBYORCSV, nil
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		return FormatBYORJSON, nil
	case len(trimmed) > 0 && trimmed[0] == '{':
		return FormatZalando, nil
	case bytes.HasPrefix(bytes.ToLower(trimmed), []byte("name")):
		return FormatBYORCSV, nil
	}
	return "", apperr.New(apperr.Invalid, "%s: cannot tell the format (not CSV with a name column, not JSON); give --format byor-csv, byor-json or zalando", name)
}

// cleanDescription trims an imported description and otherwise keeps it
// as written. Descriptions are Markdown, which may hold HTML; showing one
// (markdown.Render) is what sanitizes it. Sanitizing here would damage
// Markdown (code spans such as `List<T>`, block quotes, comparison signs),
// so that an export imported again would no longer match.
func cleanDescription(s string) string { return strings.TrimSpace(s) }

// parseMarker reads BYOR's status column: New, Moved In, Moved Out,
// No Change (any spelling).
func parseMarker(s string) (Marker, bool) {
	switch Slug(s) {
	case "new":
		return MarkerNew, true
	case "movedin", "in":
		return MarkerIn, true
	case "movedout", "out":
		return MarkerOut, true
	case "nochange", "":
		return MarkerNone, true
	}
	return MarkerNone, false
}

// byorStatus is the BYOR status text of a marker.
func byorStatus(m Marker) string {
	switch m {
	case MarkerNew:
		return "New"
	case MarkerIn:
		return "Moved In"
	case MarkerOut:
		return "Moved Out"
	}
	return "No Change"
}

// parseBool reads BYOR's isNew: TRUE, FALSE, yes, no or empty.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "1":
		return true, true
	case "false", "no", "0", "":
		return false, true
	}
	return false, false
}
