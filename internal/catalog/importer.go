package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
)

// Problem is an entity or file an import skipped, and why.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return p.File + ": " + p.Message
}

// ImportResult says what an import did.
type ImportResult struct {
	Files     int `json:"files"`
	Entities  int `json:"entities"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Orphaned  int `json:"orphaned"`
	// Problems lists what was skipped: invalid entities, unreadable files.
	Problems []Problem `json:"problems"`
	// Remote lists URL targets of Locations, which Chief never fetches.
	Remote []string `json:"remote"`
}

// ImportOptions sets where files come from and how progress is reported.
type ImportOptions struct {
	// LocationPrefix is put before file paths to name locations, e.g.
	// "file:/" when the file system is rooted at "/".
	LocationPrefix string
	// Progress, when set, is called as entities are written.
	Progress func(done, total int)
}

type parsed struct {
	rec  Record
	file string
	line int
	// invalid documents are skipped; when their kind and name could be read
	// they still protect the stored entity from being orphaned.
	invalid bool
}

// Import reads descriptor files and folders from fsys, follows Location
// entities to relative targets, and upserts every valid entity by kind,
// namespace and name in one transaction. Invalid entities are reported and
// skipped. Entities that came from one of roots before and are no longer
// there are marked orphaned. Importing the same files twice changes nothing.
func (s *Store) Import(ctx context.Context, fsys fs.FS, roots []string, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	if len(roots) == 0 {
		return res, apperr.Field("paths", "give at least one file or folder to import")
	}
	var found []parsed
	seen := map[string]parsed{}
	// claimed holds keys of entities present in the files, valid or not, so
	// that an entity with a typo is reported but not orphaned.
	claimed := map[string]bool{}
	origins := make([]string, 0, len(roots))
	visited := map[string]bool{}
	for _, root := range roots {
		root = path.Clean(root)
		origin := opt.LocationPrefix + root
		origins = append(origins, origin)
		files, err := expandRoot(fsys, root)
		if err != nil {
			res.Problems = append(res.Problems, Problem{File: root, Message: err.Error()})
			continue
		}
		queue := files
		for len(queue) > 0 {
			file := queue[0]
			queue = queue[1:]
			if visited[file] {
				continue
			}
			visited[file] = true
			res.Files++
			docs, targets := s.readFile(fsys, file, &res)
			queue = append(queue, targets...)
			for _, d := range docs {
				if d.invalid {
					if validKind(d.rec.Entity.Kind) && validName(d.rec.Entity.Metadata.Name) {
						claimed[d.rec.Entity.Ref().Key()] = true
					}
					continue
				}
				key := d.rec.Entity.Ref().Key()
				claimed[key] = true
				if prev, dup := seen[key]; dup {
					res.Problems = append(res.Problems, Problem{File: file, Line: d.line,
						Message: fmt.Sprintf("%s is defined twice; keeping the one at %s:%d", d.rec.Entity.Ref(), prev.file, prev.line)})
					continue
				}
				d.rec.Location = opt.LocationPrefix + file
				d.rec.Origin = origin
				seen[key] = d
				found = append(found, d)
			}
		}
	}
	res.Entities = len(found)
	if err := s.apply(ctx, found, claimed, origins, &res, opt.Progress); err != nil {
		return res, err
	}
	sort.Strings(res.Remote)
	return res, nil
}

// expandRoot lists the descriptor files a root names: the file itself, or
// every .yaml and .yml file under a folder.
func expandRoot(fsys fs.FS, root string) ([]string, error) {
	info, err := fs.Stat(fsys, root)
	if err != nil {
		return nil, errors.New("cannot read: " + unwrapPathError(err))
	}
	if !info.IsDir() {
		return []string{root}, nil
	}
	var files []string
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != root {
			return fs.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// readFile parses one file, returning its documents (valid or not, with
// problems recorded in res) and the local files its Locations point at.
func (s *Store) readFile(fsys fs.FS, file string, res *ImportResult) ([]parsed, []string) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		res.Problems = append(res.Problems, Problem{File: file, Message: "cannot read: " + unwrapPathError(err)})
		return nil, nil
	}
	docs, err := ParseDescriptors(data)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			res.Problems = append(res.Problems, Problem{File: file, Line: se.Line, Message: "YAML syntax: " + se.Message + " (rest of file skipped)"})
		} else {
			res.Problems = append(res.Problems, Problem{File: file, Message: err.Error()})
		}
	}
	var out []parsed
	var targets []string
	for i := range docs {
		d := &docs[i]
		p := parsed{rec: Record{Entity: d.Entity}, file: file, line: d.Line}
		if d.Err != nil {
			res.Problems = append(res.Problems, Problem{File: file, Line: d.Line, Message: d.Err.Error()})
			out = append(out, parsed{file: file, line: d.Line, invalid: true})
			continue
		}
		if err := p.rec.Entity.Validate(); err != nil {
			line := d.Line
			if ae := apperr.As(err); ae != nil && ae.Field != "" {
				line = d.LineOf(ae.Field)
			}
			what := "entity"
			if d.Entity.Kind != "" && d.Entity.Metadata.Name != "" {
				what = d.Entity.Kind + " " + d.Entity.Metadata.Name
			}
			res.Problems = append(res.Problems, Problem{File: file, Line: line, Message: what + ": " + err.Error()})
			bad := parsed{rec: p.rec, file: file, line: line, invalid: true}
			if k, ok := canonicalKind(bad.rec.Entity.Kind); ok {
				bad.rec.Entity.Kind = k
			}
			out = append(out, bad)
			continue
		}
		out = append(out, p)
		for _, f := range mustKind(p.rec.Entity.Kind).Fields {
			if t, ok := PlaceholderTarget(p.rec.Entity.Spec[f.Name]); ok && f.Placeholder {
				res.Remote = append(res.Remote, t)
			}
		}
		if p.rec.Entity.Kind == "Location" {
			targets = append(targets, locationTargets(fsys, file, d, res)...)
		}
	}
	return out, targets
}

func locationTargets(fsys fs.FS, file string, d *Document, res *ImportResult) []string {
	e := &d.Entity
	list := e.List("targets")
	if t := e.Text("target"); t != "" {
		list = append([]string{t}, list...)
	}
	var out []string
	for i, t := range list {
		if strings.Contains(t, "://") || e.Text("type") == "url" {
			res.Remote = append(res.Remote, t)
			continue
		}
		var p string
		if path.IsAbs(t) {
			p = path.Clean(strings.TrimPrefix(t, "/"))
		} else {
			p = path.Join(path.Dir(file), t)
		}
		if _, err := fs.Stat(fsys, p); err != nil {
			field := fmt.Sprintf("spec.targets[%d]", i)
			if e.Text("target") != "" {
				field = "spec.target"
			}
			if e.Text("presence") != "optional" {
				res.Problems = append(res.Problems, Problem{File: file, Line: d.LineOf(field),
					Message: fmt.Sprintf("Location %s: target %s not found", e.Metadata.Name, t)})
			}
			continue
		}
		out = append(out, p)
	}
	return out
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// existing is what apply needs to know of a stored entity.
type existing struct {
	id       int64
	hash     string
	origin   string
	orphaned bool
}

// apply writes the parsed entities in one transaction.
func (s *Store) apply(ctx context.Context, found []parsed, claimed map[string]bool, origins []string, res *ImportResult, progress func(int, int)) error {
	stored := map[string]existing{}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, ref, hash, origin, orphaned FROM entities`)
	if err != nil {
		return fmt.Errorf("read catalog: %w", err)
	}
	for rows.Next() {
		var key string
		var x existing
		if err := rows.Scan(&x.id, &key, &x.hash, &x.origin, &x.orphaned); err != nil {
			rows.Close()
			return err
		}
		stored[key] = x
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	isOrigin := map[string]bool{}
	for _, o := range origins {
		isOrigin[o] = true
	}
	return s.db.Write(ctx, func(tx *sql.Tx) error {
		w, err := newWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		for i := range found {
			rec := &found[i].rec
			key := rec.Entity.Ref().Key()
			x, ok := stored[key]
			switch {
			case !ok:
				if err := w.create(ctx, rec, "entity.import"); err != nil {
					return err
				}
				res.Created++
			case x.hash == toRow(rec).hash && !x.orphaned:
				res.Unchanged++
			default:
				old, err := scanRecord(tx.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM entities WHERE id = $1`, x.id))
				if err != nil {
					return err
				}
				rec.ID = x.id
				rec.Orphaned = false
				if err := w.update(ctx, &old, rec, "entity.import"); err != nil {
					return err
				}
				res.Updated++
			}
			if progress != nil && (i+1)%1000 == 0 {
				progress(i+1, len(found))
			}
		}
		keys := sortedKeys(stored)
		for _, key := range keys {
			x := stored[key]
			if x.orphaned || !isOrigin[x.origin] || claimed[key] {
				continue
			}
			if err := w.setOrphaned(ctx, x.id, key, true); err != nil {
				return err
			}
			res.Orphaned++
		}
		if progress != nil {
			progress(len(found), len(found))
		}
		return nil
	})
}
