package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Document is one YAML document of a descriptor file: the entity it holds,
// or the reason it could not be read, with line numbers for messages.
type Document struct {
	Entity Entity
	// Line is where the document starts (1-based).
	Line int
	// Err is set when the document is not a valid entity.
	Err   error
	lines map[string]int
}

// LineOf returns the line of a field path such as "spec.owner" or
// "metadata.tags[2]", falling back to its parents and then to the document.
func (d *Document) LineOf(field string) int {
	for field != "" {
		if l, ok := d.lines[field]; ok {
			return l
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return d.Line
}

// SyntaxError is a YAML error that stops reading a file, with its line.
type SyntaxError struct {
	Line    int
	Message string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

var yamlLineRe = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// ParseDescriptors reads every document of a YAML file. Empty documents are
// skipped. A document that is not a valid entity comes back with Err set; a
// YAML syntax error ends reading and is returned with the documents read
// before it.
func ParseDescriptors(data []byte) ([]Document, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []Document
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, syntaxError(err)
		}
		if len(node.Content) == 0 {
			continue
		}
		root := node.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		docs = append(docs, parseDocument(root))
	}
}

func syntaxError(err error) error {
	msg := err.Error()
	line := 0
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	return &SyntaxError{Line: line, Message: msg}
}

func parseDocument(root *yaml.Node) Document {
	d := Document{Line: root.Line, lines: map[string]int{}}
	indexLines(root, "", d.lines)
	if root.Kind != yaml.MappingNode {
		d.Err = fmt.Errorf("line %d: a descriptor must be a mapping with apiVersion, kind, metadata and spec", root.Line)
		return d
	}
	if err := root.Decode(&d.Entity); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			d.Err = errors.New(strings.TrimPrefix(te.Errors[0], "yaml: "))
		} else {
			d.Err = err
		}
		return d
	}
	d.Entity.Spec = stringKeys(d.Entity.Spec).(map[string]any)
	return d
}

// indexLines records the line of every mapping key and list item by path.
func indexLines(n *yaml.Node, path string, lines map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			p := key
			if path != "" {
				p = path + "." + key
			}
			lines[p] = n.Content[i].Line
			indexLines(n.Content[i+1], p, lines)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			lines[p] = c.Line
			indexLines(c, p, lines)
		}
	}
}

// stringKeys turns YAML mappings with non-string keys into string-keyed ones,
// so the spec can be stored as JSON.
func stringKeys(v any) any {
	switch t := v.(type) {
	case nil:
		return map[string]any(nil)
	case map[string]any:
		for k, x := range t {
			t[k] = stringKeysValue(x)
		}
		return t
	default:
		return t
	}
}

func stringKeysValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = stringKeysValue(x)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[fmt.Sprint(k)] = stringKeysValue(x)
		}
		return m
	case []any:
		for i, x := range t {
			t[i] = stringKeysValue(x)
		}
		return t
	default:
		return t
	}
}
