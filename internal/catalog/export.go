package catalog

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// ExportFile is one descriptor file of an export.
type ExportFile struct {
	Name string
	Data []byte
}

// ExportRoot is the file of an export that points at all the others.
const ExportRoot = "catalog-info.yaml"

// Export writes the catalog as Backstage descriptor files: one file per kind
// and a Location in catalog-info.yaml that lists them, so that importing
// catalog-info.yaml gives the same catalog back. Locations themselves are
// not exported: they describe where the original files were.
func (s *Store) Export(ctx context.Context) ([]ExportFile, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+recordColumns+` FROM entities WHERE kind <> $1 ORDER BY kind, namespace, name`, "Location")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	byKind := map[string][]Entity{}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		e := r.Entity
		if e.Metadata.Namespace == DefaultNamespace {
			e.Metadata.Namespace = ""
		}
		byKind[e.Kind] = append(byKind[e.Kind], e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var files []ExportFile
	var targets []any
	for _, k := range Kinds {
		list := byKind[k.Name]
		if len(list) == 0 {
			continue
		}
		name := strings.ToLower(k.Plural) + ".yaml"
		data, err := encodeDocuments(list)
		if err != nil {
			return nil, err
		}
		files = append(files, ExportFile{Name: name, Data: data})
		targets = append(targets, "./"+name)
	}
	root := Entity{APIVersion: APIVersion, Kind: "Location",
		Metadata: Metadata{Name: "chief-export", Description: "Every entity of a Chief catalog, exported by chief export backstage."},
		Spec:     map[string]any{"type": "file", "targets": targets}}
	data, err := encodeDocuments([]Entity{root})
	if err != nil {
		return nil, err
	}
	return append([]ExportFile{{Name: ExportRoot, Data: data}}, files...), nil
}

func encodeDocuments(list []Entity) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for i := range list {
		if err := enc.Encode(&list[i]); err != nil {
			return nil, fmt.Errorf("encode %s: %w", list[i].Ref(), err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
