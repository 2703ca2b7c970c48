// Package markdown turns text people write (descriptions, decision records,
// postmortems) into HTML that is safe to put in a page: GitHub-flavoured
// Markdown rendered by goldmark, then cleaned by bluemonday's policy for
// user-generated content, so a script tag or a javascript: link written in
// a description or brought in by an import never reaches a browser.
package markdown

import (
	"bytes"
	"html/template"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// renderer and policy are built once: both are safe for concurrent use and
// hold no state that depends on the caller.
var (
	// WithUnsafe lets raw HTML in the source through goldmark, because
	// imported descriptions are often HTML; the policy below is what makes
	// the result safe.
	renderer = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	policy = newPolicy()
)

// checkboxType is the one input type descriptions may hold.
var checkboxType = regexp.MustCompile(`^(?i)checkbox$`)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// GFM task lists render disabled checkboxes. No other kind of input
	// gets through: a password or text box in a description would ask
	// readers to type something into a page that someone else wrote. An
	// input left with no allowed attribute is dropped.
	p.AllowAttrs("type").Matching(checkboxType).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
	// Table cells keep their alignment.
	p.AllowAttrs("align").Matching(bluemonday.CellAlign).OnElements("td", "th")
	return p
}

// Render returns src, Markdown, as sanitized HTML.
func Render(src string) template.HTML {
	var buf bytes.Buffer
	if err := renderer.Convert([]byte(src), &buf); err != nil {
		// goldmark fails only when writing to buf fails, which it cannot;
		// show the text escaped rather than nothing.
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes()))
}
