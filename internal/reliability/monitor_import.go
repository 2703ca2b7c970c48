package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// Sourced is a monitor input with the line it came from.
type Sourced struct {
	Line  int
	Input MonitorInput
}

// ImportResult says what an import changed.
type ImportResult struct {
	Created   []string `json:"created"`
	Updated   []string `json:"updated"`
	Unchanged []string `json:"unchanged"`
	Deleted   []string `json:"deleted"`
}

// ParseMonitorsFile reads a monitors file: a YAML document with a
// `monitors:` list of MonitorInput. Errors name the file and line.
func ParseMonitorsFile(r io.Reader, filename string) ([]Sourced, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, apperr.New(apperr.Invalid, "%s: the file is empty; it needs a monitors: list", filename)
		}
		return nil, apperr.New(apperr.Invalid, "%s: %v", filename, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, apperr.New(apperr.Invalid, "%s:%d: want a mapping with a monitors: list", filename, root.Line)
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Value == "monitors" {
			list = root.Content[i+1]
			continue
		}
		return nil, apperr.New(apperr.Invalid, "%s:%d: unknown key %q; the file holds a monitors: list", filename, k.Line, k.Value)
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, apperr.New(apperr.Invalid, "%s:%d: monitors must be a list", filename, root.Line)
	}
	out := make([]Sourced, 0, len(list.Content))
	for i, n := range list.Content {
		var in MonitorInput
		if err := n.Decode(&in); err != nil {
			return nil, apperr.New(apperr.Invalid, "%s:%d: monitors[%d]: %v", filename, n.Line, i, err)
		}
		if err := knownKeys(n); err != nil {
			return nil, apperr.New(apperr.Invalid, "%s:%v: monitors[%d]: %v", filename, err.(lineError).line, i, err.(lineError).msg)
		}
		out = append(out, Sourced{Line: n.Line, Input: in})
	}
	return out, nil
}

type lineError struct {
	line int
	msg  string
}

func (e lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// monitorKeys are the keys a monitor may have in a file: the yaml names
// of MonitorInput's fields, those of the inlined probe settings included.
var monitorKeys = yamlKeys(reflect.TypeFor[MonitorInput](), map[string]bool{})

func yamlKeys(t reflect.Type, keys map[string]bool) map[string]bool {
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case strings.Contains(opts, "inline"):
			yamlKeys(f.Type, keys)
		case name != "" && name != "-":
			keys[name] = true
		}
	}
	return keys
}

// knownKeys rejects misspelt keys, which YAML decoding would drop silently.
func knownKeys(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return lineError{n.Line, "each monitor must be a mapping"}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !monitorKeys[k.Value] {
			return lineError{k.Line, fmt.Sprintf("unknown key %q", k.Value)}
		}
	}
	return nil
}

// ImportMonitors makes the stored monitors of origin match the list:
// new ones are created, changed ones updated, and those of the same origin
// missing from the list deleted. The same list imported twice changes
// nothing. Any invalid monitor stops the import before anything changes;
// the error names the file, line and field.
func (s *Store) ImportMonitors(ctx context.Context, list []Sourced, origin string) (ImportResult, error) {
	var res ImportResult
	seen := map[string]int{}
	name := filepath.Base(origin)
	for i := range list {
		in := &list[i].Input
		if _, err := s.check(ctx, in); err != nil {
			e := apperr.As(err)
			if e == nil {
				return res, err
			}
			field := e.Field
			if field == "" {
				field = "monitor"
			}
			return res, apperr.Field(field, "%s: monitor %q: %s", where(name, list[i].Line), in.Name, e.Message)
		}
		if prev, dup := seen[in.Name]; dup {
			return res, apperr.Field("name", "%s: monitor %q is defined twice (also at line %d)", where(name, list[i].Line), in.Name, prev)
		}
		seen[in.Name] = list[i].Line
	}
	existing, err := s.Monitors(ctx)
	if err != nil {
		return res, err
	}
	byName := map[string]Monitor{}
	for _, m := range existing {
		byName[m.Name] = m
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		res = ImportResult{}
		for _, src := range list {
			in := src.Input
			old, ok := byName[in.Name]
			if !ok {
				if _, err := insertMonitor(ctx, tx, in, origin); err != nil {
					return err
				}
				res.Created = append(res.Created, in.Name)
				continue
			}
			if old.Origin != origin {
				return apperr.Field("name", "%s: monitor %q exists already and was not made by this file", where(name, src.Line), in.Name)
			}
			a, _ := json.Marshal(old.MonitorInput)
			b, _ := json.Marshal(in)
			if bytes.Equal(a, b) {
				res.Unchanged = append(res.Unchanged, in.Name)
				continue
			}
			if _, err := updateMonitor(ctx, tx, old, in); err != nil {
				return err
			}
			res.Updated = append(res.Updated, in.Name)
		}
		for _, m := range existing {
			if m.Origin == origin && seen[m.Name] == 0 {
				if err := deleteMonitor(ctx, tx, m); err != nil {
					return err
				}
				res.Deleted = append(res.Deleted, m.Name)
			}
		}
		return nil
	})
	if err == nil && len(res.Created)+len(res.Updated)+len(res.Deleted) > 0 {
		s.signal()
	}
	return res, err
}

// where is "file:line", or the file alone when the line is unknown.
func where(file string, line int) string {
	if line <= 0 {
		return file
	}
	return fmt.Sprintf("%s:%d", file, line)
}
