package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"regexp"
	"strings"
	"testing/fstest"
	"unicode"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
)

// maxUpload bounds an uploaded descriptor file.
const maxUpload = 32 << 20

var sourceRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// importDescriptors imports one uploaded YAML file through the same importer
// as the CLI. The source name identifies the upload: importing a new
// version under the same name orphans what it no longer holds. Location
// entities are stored, but their targets cannot be followed from an upload
// and are reported.
func (s *Server) importDescriptors(r *http.Request, source string, body io.Reader) (catalog.ImportResult, error) {
	if source == "" {
		source = "upload.yaml"
	}
	if !sourceRe.MatchString(source) {
		return catalog.ImportResult{}, apperr.Field("source", "%q: use letters, digits and . _ - (at most 100), e.g. catalog-info.yaml", source)
	}
	data, err := io.ReadAll(io.LimitReader(body, maxUpload+1))
	if err != nil {
		return catalog.ImportResult{}, apperr.New(apperr.Invalid, "cannot read the upload: %v", err)
	}
	if len(data) > maxUpload {
		return catalog.ImportResult{}, apperr.Field("file", "is larger than %d MiB; import it with chief import backstage", maxUpload>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return catalog.ImportResult{}, apperr.Field("file", "is empty: send Backstage descriptor YAML")
	}
	fsys := fstest.MapFS{source: {Data: data}}
	res, err := s.catalog.Import(r.Context(), fsys, []string{source}, catalog.ImportOptions{LocationPrefix: "upload:"})
	if err != nil {
		return res, err
	}
	// Descriptors declare technologies in tags and the
	// chief.dev/technologies annotation: link them on the radar. The
	// import has committed by now, so a failure here is a problem line,
	// not an error that would make the import look undone.
	if _, err := s.radar.SyncUsageFromCatalog(r.Context()); err != nil {
		s.log.ErrorContext(r.Context(), "link technologies after a catalog import", "source", source, "err", err)
		res.Problems = append(res.Problems, catalog.Problem{File: source,
			Message: "the descriptors are imported, but linking the technologies they declare on the radar failed; run chief import technology-usage or POST /api/v1/radar/usage/sync"})
	}
	return res, nil
}

// apiCatalogImport takes a YAML body of descriptors.
func (s *Server) apiCatalogImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1)
	res, err := s.importDescriptors(r, r.URL.Query().Get("source"), r.Body)
	if err != nil {
		return err
	}
	if res.Problems == nil {
		res.Problems = []catalog.Problem{}
	}
	if res.Remote == nil {
		res.Remote = []string{}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// apiCatalogExport writes every entity but Locations as one YAML stream,
// which the import endpoint and chief import backstage read back.
func (s *Server) apiCatalogExport(w http.ResponseWriter, r *http.Request) error {
	files, err := s.catalog.Export(r.Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, f := range files {
		if f.Name == catalog.ExportRoot {
			continue
		}
		if buf.Len() > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(f.Data)
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="catalog.yaml"`)
	_, err = w.Write(buf.Bytes())
	return err
}

type importPage struct {
	Source string
	Error  string
	Result *catalog.ImportResult
}

func (s *Server) catalogImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "catalog_import", "Import descriptors", "catalog", importPage{})
}

func (s *Server) catalogImport(w http.ResponseWriter, r *http.Request) error {
	p := importPage{}
	// The form around the file is small; refuse anything far beyond the
	// file limit before it is spooled to disk.
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	file, header, err := r.FormFile("file")
	if err != nil {
		p.Error = "Choose a YAML file of Backstage descriptors to import."
		var tooBig *http.MaxBytesError
		switch {
		case errors.Is(err, http.ErrNotMultipart):
			p.Error = "The form must be sent as multipart/form-data."
		case errors.As(err, &tooBig):
			p.Error = fmt.Sprintf("The file is larger than %d MiB; import it with chief import backstage.", maxUpload>>20)
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "catalog_import", "Import descriptors", "catalog", p)
	}
	defer file.Close()
	p.Source = r.FormValue("source")
	if p.Source == "" {
		p.Source = sourceFromFilename(header.Filename)
	}
	res, err := s.importDescriptors(r, p.Source, file)
	if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
		p.Error = e.Error()
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "catalog_import", "Import descriptors", "catalog", p)
	}
	if err != nil {
		return err
	}
	p.Result = &res
	return s.render(w, r, "catalog_import", "Import descriptors", "catalog", p)
}

// sourceFromFilename turns a browser's file name into a source name: the
// base name, with characters a source may not hold replaced by dashes.
func sourceFromFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 128 && (r == '.' || r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '-'
	}, name)
	name = strings.TrimLeft(name, ".-_")
	if len(name) > 100 {
		name = name[:100]
	}
	return name
}
