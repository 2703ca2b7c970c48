package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/radar"
)

// radarImportPage is the radar file upload: the form as sent, an error per
// input, the problems of a file that was refused, or what an import changed.
type radarImportPage struct {
	Format  string
	Formats []radar.Format
	// File is the uploaded file's name.
	File     string
	Errors   map[string]string
	Problems []radar.Problem
	Result   *radar.RadarImportResult
	Radar    radar.Radar
}

func (s *Server) newRadarImportPage(r *http.Request) (*radarImportPage, error) {
	rd, err := s.radar.Radar(r.Context())
	if err != nil {
		return nil, err
	}
	return &radarImportPage{Format: string(radar.FormatAuto), Formats: append([]radar.Format{radar.FormatAuto}, radar.Formats...),
		Errors: map[string]string{}, Radar: rd}, nil
}

func (s *Server) radarImportForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newRadarImportPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "radar_import", "Import a radar file", "radar", p)
}

// radarImport reads an uploaded radar file with the same parser and import
// as POST /api/v1/radar/import: a file with any problem changes nothing.
func (s *Server) radarImport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newRadarImportPage(r)
	if err != nil {
		return err
	}
	refuse := func() error {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "radar_import", "Import a radar file", "radar", p)
	}
	// The form around the file is small; refuse anything far beyond the
	// file limit before it is spooled to disk.
	r.Body = http.MaxBytesReader(w, r.Body, apiMaxRadarFile+1<<20)
	file, header, err := r.FormFile("file")
	p.Format = strings.TrimSpace(r.FormValue("format"))
	if p.Format == "" {
		p.Format = string(radar.FormatAuto)
	}
	if err != nil {
		p.Errors["file"] = uploadError(err, "Choose a radar file: a BYOR CSV or JSON file, or a Zalando config.json.")
		return refuse()
	}
	defer file.Close()
	format, err := radar.ParseFormat(p.Format)
	if err != nil {
		p.Errors["format"] = apperr.As(err).Message
		return refuse()
	}
	p.File = uploadName(header.Filename)
	data, err := io.ReadAll(io.LimitReader(file, apiMaxRadarFile+1))
	switch {
	case err != nil:
		p.Errors["file"] = fmt.Sprintf("Cannot read the upload: %v", err)
		return refuse()
	case len(data) > apiMaxRadarFile:
		p.Errors["file"] = fmt.Sprintf("Is larger than %d MiB; import it with chief import radar.", apiMaxRadarFile>>20)
		return refuse()
	case len(strings.TrimSpace(string(data))) == 0:
		p.Errors["file"] = "Is empty: choose a BYOR CSV or JSON file, or a Zalando config.json."
		return refuse()
	}
	f, err := radar.ParseRadarFile(p.File, data, format)
	if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
		field := "file"
		if e.Field == "format" {
			field = "format"
		}
		p.Errors[field] = e.Message
		return refuse()
	}
	if err != nil {
		return err
	}
	res, err := s.radar.ImportRadar(r.Context(), f, p.File)
	if err != nil {
		if len(res.Problems) > 0 {
			p.Problems = res.Problems
			return refuse()
		}
		return err
	}
	p.Result = &res
	// The import may have set the radar's quadrants and rings.
	if p.Radar, err = s.radar.Radar(r.Context()); err != nil {
		return err
	}
	return s.render(w, r, "radar_import", "Import a radar file", "radar", p)
}

// uploadError says why a multipart file could not be read, in the user's
// terms; missing is the message when no file was chosen.
func uploadError(err error, missing string) string {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, http.ErrNotMultipart):
		return "The form must be sent as multipart/form-data."
	case errors.As(err, &tooBig):
		return fmt.Sprintf("The upload is larger than %d MiB; import it with the chief command instead.", apiMaxRadarFile>>20)
	}
	return missing
}

// uploadName is the base name of a file a browser sent, which some send
// with a Windows folder.
func uploadName(name string) string {
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), "\\", "/"))
	if name == "." || name == "/" || name == "" {
		return "upload"
	}
	return name
}
