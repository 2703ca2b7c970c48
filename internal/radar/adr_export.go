package radar

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// ExportFile is one file an export writes.
type ExportFile struct {
	Name string
	Data []byte
}

// ExportADRs writes every decision record as a Markdown file in the layout
// it came from (records made in Chief as MADR with front matter), under the
// file name it was imported from or NNNN-title.md. Importing the files
// gives the same records back.
func (s *Store) ExportADRs(ctx context.Context) ([]ExportFile, error) {
	list, err := s.Decisions(ctx, DecisionQuery{})
	if err != nil {
		return nil, err
	}
	byNumber := map[int]Decision{}
	for _, d := range list {
		byNumber[d.Number] = d
	}
	out := make([]ExportFile, 0, len(list))
	for _, d := range list {
		out = append(out, ExportFile{Name: ADRFileName(d), Data: FormatADR(d, byNumber)})
	}
	return out, nil
}

// ADRFileName is the file a record is written to: the one it came from
// when that is a plain record name (see IsADRFileName), or
// 0001-title-in-lower-case.md.
func ADRFileName(d Decision) string {
	if IsADRFileName(d.FileName) {
		return d.FileName
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(d.Title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	slug := strings.TrimSuffix(b.String(), "-")
	if slug == "" {
		slug = "decision"
	}
	return fmt.Sprintf("%04d-%s.md", d.Number, slug)
}

// exportNameRe is what an exported record's file name may be: a number, a
// dash, a name without path separators, and a Markdown extension.
var exportNameRe = regexp.MustCompile(`^\d+-[^/\\]+\.(md|markdown)$`)

// IsADRFileName reports whether name is safe to write a record to inside
// a folder: a numbered Markdown file name, with no path in it. Stored file
// names come from imports and are checked again before an export trusts
// them.
func IsADRFileName(name string) bool {
	return exportNameRe.MatchString(name) && filepath.Base(name) == name
}

// FormatADR writes d in its layout. all holds the other records by number,
// for the titles and files of superseding and superseded ones.
func FormatADR(d Decision, all map[int]Decision) []byte {
	switch d.Layout {
	case LayoutADRTools:
		return formatADRTools(d, all)
	case LayoutMADRList:
		return formatMADRList(d, all)
	default:
		return formatMADR(d, all)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// adrToolsLink is "[3. Title](0003-title.md)".
func adrToolsLink(n int, all map[int]Decision) string {
	d, ok := all[n]
	if !ok {
		d = Decision{Number: n, Title: fmt.Sprintf("Decision %d", n)}
	}
	return fmt.Sprintf("[%d. %s](%s)", n, d.Title, ADRFileName(d))
}

// madrLink is "[ADR-0003](0003-title.md)".
func madrLink(n int, all map[int]Decision) string {
	d, ok := all[n]
	if !ok {
		d = Decision{Number: n, Title: fmt.Sprintf("Decision %d", n)}
	}
	return fmt.Sprintf("[ADR-%04d](%s)", n, ADRFileName(d))
}

func formatADRTools(d Decision, all map[int]Decision) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %d. %s\n\n", d.Number, d.Title)
	if !d.Date.IsZero() {
		fmt.Fprintf(&b, "Date: %s\n\n", d.Date.Format(dateLayout))
	}
	if d.extra.Preamble != "" {
		b.WriteString(d.extra.Preamble + "\n\n")
	}
	b.WriteString("## Status\n\n")
	if d.Status == StatusSuperseded {
		fmt.Fprintf(&b, "Superseded by %s\n\n", adrToolsLink(d.SupersededBy, all))
	} else {
		b.WriteString(capitalize(string(d.Status)) + "\n\n")
	}
	for _, n := range supersedes(d.Number, all) {
		fmt.Fprintf(&b, "Supersedes %s\n\n", adrToolsLink(n, all))
	}
	for _, note := range d.extra.Notes {
		b.WriteString(note + "\n\n")
	}
	return finish(&b, d.Body)
}

// supersedes lists the numbers of the records n replaced, in order.
func supersedes(n int, all map[int]Decision) []int {
	var out []int
	for _, d := range all {
		if d.SupersededBy == n && d.Status == StatusSuperseded {
			out = append(out, d.Number)
		}
	}
	slices.Sort(out)
	return out
}

func statusText(d Decision, all map[int]Decision) string {
	if d.Status == StatusSuperseded {
		return "superseded by " + madrLink(d.SupersededBy, all)
	}
	return string(d.Status)
}

func formatMADR(d Decision, all map[int]Decision) []byte {
	front := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k string, v *yaml.Node) {
		front.Content = append(front.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, v)
	}
	scalar := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }
	add("status", scalar(statusText(d, all)))
	if !d.Date.IsZero() {
		add("date", scalar(d.Date.Format(dateLayout)))
	}
	if len(d.Deciders) > 0 {
		key := "deciders"
		if d.extra.DecidersKey != "" {
			key = d.extra.DecidersKey
		}
		if d.extra.DecidersList {
			list := &yaml.Node{Kind: yaml.SequenceNode}
			for _, name := range d.Deciders {
				list.Content = append(list.Content, scalar(name))
			}
			add(key, list)
		} else {
			add(key, scalar(strings.Join(d.Deciders, ", ")))
		}
	}
	if d.extra.Front != "" {
		var rest yaml.Node
		if yaml.Unmarshal([]byte(d.extra.Front), &rest) == nil && len(rest.Content) > 0 && rest.Content[0].Kind == yaml.MappingNode {
			front.Content = append(front.Content, rest.Content[0].Content...)
		}
	}
	var b strings.Builder
	b.WriteString("---\n")
	out, err := yaml.Marshal(front)
	if err == nil {
		b.Write(out)
	}
	b.WriteString("---\n\n")
	fmt.Fprintf(&b, "# %s\n\n", d.Title)
	return finish(&b, d.Body)
}

func formatMADRList(d Decision, all map[int]Decision) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", d.Title)
	fmt.Fprintf(&b, "* Status: %s\n", statusText(d, all))
	if len(d.Deciders) > 0 {
		fmt.Fprintf(&b, "* Deciders: %s\n", strings.Join(d.Deciders, ", "))
	}
	if !d.Date.IsZero() {
		fmt.Fprintf(&b, "* Date: %s\n", d.Date.Format(dateLayout))
	}
	for _, line := range d.extra.Bullets {
		b.WriteString(line + "\n")
	}
	b.WriteString("\n")
	return finish(&b, d.Body)
}

// finish appends the body and ends the file with one newline.
func finish(b *strings.Builder, body string) []byte {
	if body != "" {
		b.WriteString(body + "\n")
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}
