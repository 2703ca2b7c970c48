package radar

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/chief-hq/chief/internal/apperr"
)

// ADRFile is a decision record read from a file, with where its parts were.
type ADRFile struct {
	// File is the file's name inside the folder.
	File     string
	Decision Decision
	// StatusLine is the line of the status, for errors about what it cites.
	StatusLine int
}

// adrNameRe matches numbered record files: 0001-use-postgres.md. A name
// holds no path separator, of either kind: exports write files by it.
var adrNameRe = regexp.MustCompile(`^(\d{1,6})-[^/\\]+\.(md|markdown)$`)

// maxADRSize bounds one record file.
const maxADRSize = 1 << 20

// ParseADRDir reads every numbered Markdown file (0001-title.md) in dir of
// fsys, in order. Other files (README.md, templates) are returned as
// skipped. Errors name the file and line; two files with one number are an
// error.
func ParseADRDir(fsys fs.FS, dir string) (files []ADRFile, skipped []string, err error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, nil, apperr.New(apperr.Invalid, "read %s: %v", dir, unwrapPath(err))
	}
	byNumber := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			continue
		}
		if !adrNameRe.MatchString(name) {
			if strings.HasSuffix(strings.ToLower(name), ".md") {
				skipped = append(skipped, name)
			}
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, nil, apperr.New(apperr.Invalid, "%s: %v", name, unwrapPath(err))
		}
		f, err := ParseADR(name, data)
		if err != nil {
			return nil, nil, err
		}
		if prev, dup := byNumber[f.Decision.Number]; dup {
			return nil, nil, apperr.New(apperr.Invalid, "%s:1: decision number %d is also in %s", name, f.Decision.Number, prev)
		}
		byNumber[f.Decision.Number] = name
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b ADRFile) int { return a.Decision.Number - b.Decision.Number })
	return files, skipped, nil
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// adrError is an invalid-input error naming the file and line.
func adrError(file string, line int, format string, args ...any) error {
	return apperr.New(apperr.Invalid, "%s:%d: %s", file, line, fmt.Sprintf(format, args...))
}

// ParseADR reads one decision record in adr-tools or MADR layout. name is
// the file's base name, which gives the number (0001-... is 1).
func ParseADR(name string, data []byte) (ADRFile, error) {
	f := ADRFile{File: name}
	m := adrNameRe.FindStringSubmatch(name)
	if m == nil {
		return f, apperr.New(apperr.Invalid, "%s: the name must start with the decision number, like 0001-use-postgres.md", name)
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 {
		return f, apperr.New(apperr.Invalid, "%s: decision numbers start at 1", name)
	}
	if len(data) > maxADRSize {
		return f, apperr.New(apperr.Invalid, "%s: larger than %d bytes", name, maxADRSize)
	}
	text := strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	d := &f.Decision
	d.Number, d.FileName, d.Status = n, name, ""
	p := &adrParser{file: name, lines: lines, f: &f}
	if err := p.parse(); err != nil {
		return f, err
	}
	if d.Status == "" {
		d.Status = StatusProposed
	}
	in := DecisionInput{Number: d.Number, Title: d.Title, Date: d.Date, Status: d.Status, SupersededBy: d.SupersededBy, Deciders: d.Deciders, Body: d.Body}
	if err := in.Validate(); err != nil {
		e := apperr.As(err)
		line := p.titleLine
		if e.Field == "superseded_by" || e.Field == "status" {
			line = f.StatusLine
		}
		return f, adrError(name, line, "%s", e.Error())
	}
	d.Title, d.Deciders = in.Title, in.Deciders
	return f, nil
}

type adrParser struct {
	file      string
	lines     []string
	f         *ADRFile
	titleLine int
}

var (
	adrToolsTitleRe = regexp.MustCompile(`^#\s+(\d+)\.\s+(.*)$`)
	bulletRe        = regexp.MustCompile(`^[*-]\s+([A-Za-z][A-Za-z -]*?)\s*:\s*(.*)$`)
)

func (p *adrParser) parse() error {
	i := 0
	d := &p.f.Decision
	if strings.TrimSpace(p.lines[0]) == "---" {
		end := -1
		for j := 1; j < len(p.lines); j++ {
			if strings.TrimSpace(p.lines[j]) == "---" {
				end = j
				break
			}
		}
		if end < 0 {
			return adrError(p.file, 1, "front matter opened with --- is never closed")
		}
		if err := p.frontMatter(strings.Join(p.lines[1:end], "\n")); err != nil {
			return err
		}
		d.Layout = LayoutMADR
		i = end + 1
	}
	i = skipBlank(p.lines, i)
	if i >= len(p.lines) || !strings.HasPrefix(p.lines[i], "# ") {
		return adrError(p.file, min(i+1, len(p.lines)), "want the title as a '# Title' line")
	}
	p.titleLine = i + 1
	title := strings.TrimSpace(strings.TrimPrefix(p.lines[i], "# "))
	if d.Layout == "" {
		if m := adrToolsTitleRe.FindStringSubmatch(p.lines[i]); m != nil && findHeading(p.lines, i+1, "## status") >= 0 {
			d.Title = strings.TrimSpace(m[2])
			d.Layout = LayoutADRTools
			return p.adrTools(i + 1)
		}
	}
	d.Title = title
	i++
	if d.Layout == "" {
		var err error
		if i, err = p.bullets(i); err != nil {
			return err
		}
		if d.Layout == "" {
			d.Layout = LayoutMADR
		}
	}
	d.Body = trimBlankLines(p.lines[i:])
	return nil
}

// frontMatter reads MADR's YAML front matter.
func (p *adrParser) frontMatter(src string) error {
	d := &p.f.Decision
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return adrError(p.file, yamlLine(err)+1, "front matter: %s", yamlMessage(err))
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return adrError(p.file, root.Line+1, "front matter must be a mapping of keys such as status and date")
	}
	rest := &yaml.Node{Kind: yaml.MappingNode}
	for j := 0; j+1 < len(root.Content); j += 2 {
		k, v := root.Content[j], root.Content[j+1]
		line := k.Line + 1
		switch strings.ToLower(k.Value) {
		case "status":
			if v.Kind != yaml.ScalarNode {
				return adrError(p.file, line, "status must be text such as accepted")
			}
			if err := p.status(v.Value, line); err != nil {
				return err
			}
		case "date":
			if v.Kind != yaml.ScalarNode {
				return adrError(p.file, line, "date must be YYYY-MM-DD")
			}
			t, err := parseDate(v.Value)
			if err != nil {
				return adrError(p.file, line, "%v", err)
			}
			d.Date = t
		case "deciders", "decision-makers":
			if strings.ToLower(k.Value) != "deciders" {
				d.extra.DecidersKey = k.Value
			}
			switch v.Kind {
			case yaml.ScalarNode:
				d.Deciders = splitList(v.Value)
			case yaml.SequenceNode:
				d.extra.DecidersList = true
				for _, item := range v.Content {
					if item.Kind != yaml.ScalarNode {
						return adrError(p.file, item.Line+1, "%s must be a list of names", k.Value)
					}
					if s := strings.TrimSpace(item.Value); s != "" {
						d.Deciders = append(d.Deciders, s)
					}
				}
			default:
				return adrError(p.file, line, "%s must be names, comma-separated or as a list", k.Value)
			}
		default:
			rest.Content = append(rest.Content, k, v)
		}
	}
	if len(rest.Content) > 0 {
		out, err := yaml.Marshal(rest)
		if err != nil {
			return adrError(p.file, 2, "front matter: %v", err)
		}
		d.extra.Front = string(out)
	}
	return nil
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

// yamlLine finds the line number in a yaml error, 1 when it has none.
func yamlLine(err error) int {
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 1
}

func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "line ") && i > 0 {
		msg = msg[i+2:]
	}
	return msg
}

// bullets reads an older MADR "* Status: accepted" block starting at line
// i (after blank lines) and returns where the body starts. A block without
// status, deciders or date is body text and is left alone.
func (p *adrParser) bullets(i int) (int, error) {
	d := &p.f.Decision
	j := skipBlank(p.lines, i)
	type bullet struct {
		key, value, line string
		n                int
	}
	var block []bullet
	for ; j < len(p.lines); j++ {
		m := bulletRe.FindStringSubmatch(p.lines[j])
		if m == nil {
			break
		}
		block = append(block, bullet{strings.ToLower(m[1]), strings.TrimSpace(m[2]), p.lines[j], j + 1})
	}
	known := false
	for _, b := range block {
		known = known || b.key == "status" || b.key == "deciders" || b.key == "date"
	}
	if !known {
		return i, nil
	}
	d.Layout = LayoutMADRList
	for _, b := range block {
		var err error
		switch b.key {
		case "status":
			err = p.status(b.value, b.n)
		case "deciders":
			d.Deciders = splitList(b.value)
		case "date":
			d.Date, err = parseDate(b.value)
			if err != nil {
				err = adrError(p.file, b.n, "%v", err)
			}
		default:
			d.extra.Bullets = append(d.extra.Bullets, b.line)
		}
		if err != nil {
			return j, err
		}
	}
	return j, nil
}

// adrTools reads the adr-tools layout after the title at line i.
func (p *adrParser) adrTools(i int) error {
	d := &p.f.Decision
	status := findHeading(p.lines, i, "## status")
	var preamble []string
	for j := i; j < status; j++ {
		line := strings.TrimSpace(p.lines[j])
		if v, ok := strings.CutPrefix(line, "Date:"); ok {
			t, err := parseDate(strings.TrimSpace(v))
			if err != nil {
				return adrError(p.file, j+1, "%v", err)
			}
			d.Date = t
			continue
		}
		preamble = append(preamble, p.lines[j])
	}
	d.extra.Preamble = trimBlankLines(preamble)
	end := len(p.lines)
	for j := status + 1; j < len(p.lines); j++ {
		if strings.HasPrefix(p.lines[j], "#") {
			end = j
			break
		}
	}
	found := false
	firstNote := -1
	for j := status + 1; j < end; j++ {
		line := strings.TrimSpace(p.lines[j])
		lower := strings.ToLower(line)
		switch {
		case line == "" || strings.HasPrefix(lower, "supersedes"):
			// "Supersedes [1. ...]" is the other side of a SupersededBy
			// and is written back from it.
		case strings.HasPrefix(lower, "superseded by") || (!found && isStatus(lower)):
			if err := p.status(line, j+1); err != nil {
				return err
			}
			found = true
		default:
			if firstNote < 0 {
				firstNote = j
			}
			d.extra.Notes = append(d.extra.Notes, line)
		}
	}
	if !found && firstNote >= 0 {
		// The first line under ## Status was meant as the status.
		return p.status(strings.TrimSpace(p.lines[firstNote]), firstNote+1)
	}
	if !found {
		return adrError(p.file, status+1, "no status under ## Status: write Proposed, Accepted, Rejected, Deprecated or Superseded by [N. Title](file.md)")
	}
	d.Body = trimBlankLines(p.lines[end:])
	return nil
}

// isStatus reports whether a line starts with a status word.
func isStatus(lower string) bool {
	w := firstWord(lower)
	return slices.Contains(DecisionStatuses, DecisionStatus(w))
}

func firstWord(s string) string {
	s = strings.TrimSpace(s)
	end := strings.IndexFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') })
	if end < 0 {
		return s
	}
	return s[:end]
}

var (
	linkTargetRe = regexp.MustCompile(`\]\(([^)\s]*)\)`)
	leadDigitsRe = regexp.MustCompile(`^(\d+)`)
	anyDigitsRe  = regexp.MustCompile(`(\d+)`)
)

// status reads a status text such as "Accepted", "superseded by
// [ADR-0005](0005-example.md)" or "Superseded by [3. Foo](0003-foo.md)".
func (p *adrParser) status(text string, line int) error {
	d := &p.f.Decision
	p.f.StatusLine = line
	w := DecisionStatus(strings.ToLower(firstWord(text)))
	if !slices.Contains(DecisionStatuses, w) {
		return adrError(p.file, line, "status %q is not one of proposed, accepted, rejected, deprecated or superseded by N", strings.TrimSpace(text))
	}
	d.Status, d.SupersededBy = w, 0
	if w != StatusSuperseded {
		return nil
	}
	rest := text[strings.Index(strings.ToLower(text), "superseded")+len("superseded"):]
	if m := linkTargetRe.FindStringSubmatch(rest); m != nil {
		if n := leadDigitsRe.FindString(path.Base(m[1])); n != "" {
			d.SupersededBy = atoiCapped(n)
			return nil
		}
	}
	if n := anyDigitsRe.FindString(rest); n != "" {
		d.SupersededBy = atoiCapped(n)
		return nil
	}
	return adrError(p.file, line, "superseded by which decision? write it like Superseded by [3. Title](0003-title.md)")
}

// atoiCapped reads digits, saying 0 for numbers too large to be a
// decision number, which validation then refuses.
func atoiCapped(s string) int {
	s = strings.TrimLeft(s, "0")
	if len(s) > 7 {
		return -1
	}
	n, _ := strconv.Atoi(s)
	return n
}

// parseDate reads YYYY-MM-DD, or a full RFC 3339 time whose date is kept.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return dateOf(t), nil
	}
	return time.Time{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
}

// splitList splits "Ana, Bo" into names.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func skipBlank(lines []string, i int) int {
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	return i
}

// findHeading returns the index of the first line from i that is the
// heading h (compared in lower case), or -1.
func findHeading(lines []string, i int, h string) int {
	for ; i < len(lines); i++ {
		if strings.ToLower(strings.TrimSpace(lines[i])) == h {
			return i
		}
	}
	return -1
}

// trimBlankLines joins lines without the blank ones at either end and
// without trailing spaces at the end.
func trimBlankLines(lines []string) string {
	start, end := 0, len(lines)
	for start < end && strings.TrimSpace(lines[start]) == "" {
		start++
	}
	for end > start && strings.TrimSpace(lines[end-1]) == "" {
		end--
	}
	return strings.Join(lines[start:end], "\n")
}
