package radar

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
)

// ExportOptions shape a radar export.
type ExportOptions struct {
	// Since, when set, computes each marker from the history since that
	// date (as RadarAsOf does); otherwise each technology's current
	// marker (as last imported or changed) is written.
	Since time.Time
}

// Validate refuses a Since in the future, which would mark nothing.
func (o *ExportOptions) Validate() error {
	if o.Since.After(time.Now()) {
		return apperr.Field("since", "%s is in the future", o.Since.Format(dateLayout))
	}
	return nil
}

// exported is a technology with the marker an export writes.
type exported struct {
	t      Technology
	marker Marker
}

// ExportRadar writes the radar in format (byor-csv, byor-json or zalando),
// in the order the last import had, then by name. Keys kept from earlier
// imports of the same format are written back, so a Zalando config
// imported and exported is the same JSON. It returns invalid for an
// unknown format.
func (s *Store) ExportRadar(ctx context.Context, format Format, opt ExportOptions) ([]byte, error) {
	if !slices.Contains(Formats, format) {
		return nil, apperr.Field("format", "unknown format %q: use byor-csv, byor-json or zalando", format)
	}
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	r, err := s.Radar(ctx)
	if err != nil {
		return nil, err
	}
	techs, err := s.queryTechnologies(ctx, r, `SELECT `+technologyColumns+` FROM radar_technologies ORDER BY position, slug`)
	if err != nil {
		return nil, err
	}
	markers := map[int64]Marker{}
	if !opt.Since.IsZero() {
		snap, err := s.RadarAsOf(ctx, s.now(), opt.Since)
		if err != nil {
			return nil, err
		}
		for _, b := range snap.Blips {
			markers[b.ID] = b.Marker
		}
	}
	list := make([]exported, len(techs))
	for i, t := range techs {
		list[i] = exported{t: t, marker: t.Marker}
		if !opt.Since.IsZero() {
			list[i].marker = markers[t.ID]
		}
	}
	var buf bytes.Buffer
	switch format {
	case FormatBYORCSV:
		err = writeBYORCSV(&buf, list)
	case FormatBYORJSON:
		err = writeBYORJSON(&buf, list)
	case FormatZalando:
		err = writeZalando(&buf, r, list)
	}
	return buf.Bytes(), err
}

// ParseFormat reads a format name as the command line and API take it.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if f == "" || f == FormatAuto || slices.Contains(Formats, f) {
		return f, nil
	}
	return "", apperr.Field("format", "unknown format %q: use auto, byor-csv, byor-json or zalando", s)
}
