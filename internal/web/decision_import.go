package web

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/radar"
)

// maxADRUploads bounds how many records one upload may hold; a bigger
// folder is for chief import adr.
const maxADRUploads = 500

// decisionImportPage is the decision record upload: the files sent, an
// error for the file input, the problems by file and line, or what an
// import changed.
type decisionImportPage struct {
	Files    []string
	Error    string
	Problems []adrProblem
	Result   *radar.ADRImportResult
	// Titles are the imported records' titles by number.
	Titles map[int]string
}

// adrProblem is one thing wrong in an uploaded record.
type adrProblem struct {
	File    string
	Line    int
	Message string
}

// adrProblems turns an ADR parse or import error, whose lines read
// "file:line: message" or "file: message", into problems by file and line.
// names are the uploaded files' names; a line naming none of them goes to
// fallback.
func adrProblems(names []string, fallback string, err error) []adrProblem {
	var out []adrProblem
	for _, l := range strings.Split(apperr.As(err).Message, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		p := adrProblem{File: fallback, Message: l}
		for _, name := range names {
			rest, ok := strings.CutPrefix(l, name+":")
			if !ok {
				continue
			}
			p.File = name
			if num, msg, ok := strings.Cut(rest, ":"); ok {
				if n, err := strconv.Atoi(num); err == nil {
					p.Line, rest = n, msg
				}
			}
			p.Message = strings.TrimSpace(rest)
			break
		}
		out = append(out, p)
	}
	return out
}

func (s *Server) decisionImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "decision_import", "Import decision records", "radar", &decisionImportPage{})
}

// decisionImport reads uploaded ADR Markdown files. Every file is parsed
// before anything is stored, and one problem anywhere stores nothing.
func (s *Server) decisionImport(w http.ResponseWriter, r *http.Request) error {
	p := &decisionImportPage{}
	refuse := func() error {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "decision_import", "Import decision records", "radar", p)
	}
	r.Body = http.MaxBytesReader(w, r.Body, apiMaxRadarFile+1<<20)
	if err := r.ParseMultipartForm(4 << 20); err != nil {
		p.Error = uploadError(err, "Choose the decision record files to import.")
		return refuse()
	}
	uploads := r.MultipartForm.File["files"]
	switch {
	case len(uploads) == 0:
		p.Error = "Choose one or more decision record files, such as 0007-use-kafka.md."
		return refuse()
	case len(uploads) > maxADRUploads:
		p.Error = fmt.Sprintf("Choose at most %d files at once; import a bigger folder with chief import adr.", maxADRUploads)
		return refuse()
	}
	var files []radar.ADRFile
	for _, h := range uploads {
		name := uploadName(h.Filename)
		p.Files = append(p.Files, name)
		data, err := readUpload(h)
		if err != nil {
			p.Problems = append(p.Problems, adrProblem{File: name, Message: err.Error()})
			continue
		}
		f, err := radar.ParseADR(name, data)
		if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
			p.Problems = append(p.Problems, adrProblems([]string{name}, name, err)...)
			continue
		}
		if err != nil {
			return err
		}
		files = append(files, f)
		if p.Titles == nil {
			p.Titles = map[int]string{}
		}
		p.Titles[f.Decision.Number] = f.Decision.Title
	}
	if len(p.Problems) > 0 {
		return refuse()
	}
	res, err := s.radar.ImportADRs(r.Context(), files)
	if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
		p.Problems = adrProblems(p.Files, "", err)
		return refuse()
	}
	if err != nil {
		return err
	}
	p.Result = &res
	return s.render(w, r, "decision_import", "Import decision records", "radar", p)
}

// readUpload reads one uploaded file, at most apiMaxRadarFile bytes.
func readUpload(h *multipart.FileHeader) ([]byte, error) {
	f, err := h.Open()
	if err != nil {
		return nil, fmt.Errorf("cannot read the upload: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, apiMaxRadarFile+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the upload: %v", err)
	}
	if len(data) > apiMaxRadarFile {
		return nil, fmt.Errorf("is larger than %d MiB", apiMaxRadarFile>>20)
	}
	return data, nil
}
