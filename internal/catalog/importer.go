package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
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
	// Progress, when set, is called as entities are written, with how many
	// are done so far.
	Progress func(done int)
}

type parsed struct {
	rec  Record
	file string
	line int
	// invalid documents are skipped; when their kind and name could be read
	// they still protect the stored entity from being orphaned.
	invalid bool
	// row and created are worked out by the parsing workers, off the one
	// writer's path: the table row, and the audit changes of a creation.
	row     row
	created []byte
}

// Import reads descriptor files and folders from fsys, follows Location
// entities to relative targets, and upserts every valid entity by kind,
// namespace and name in one transaction. Invalid entities are reported and
// skipped. Entities that came from one of roots before and are no longer
// there are marked orphaned. Importing the same files twice changes nothing.
//
// Files are parsed on all cores while one writer stores what has been
// parsed so far, in file order.
func (s *Store) Import(ctx context.Context, fsys fs.FS, roots []string, opt ImportOptions) (ImportResult, error) {
	if len(roots) == 0 {
		return ImportResult{}, apperr.Field("paths", "give at least one file or folder to import")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rd := &reader{fsys: fsys, prefix: opt.LocationPrefix, claimed: map[string]bool{}, unsure: map[string]bool{},
		seen: map[string]parsed{}, visited: map[string]bool{}}
	origins := make([]string, len(roots))
	for i, root := range roots {
		origins[i] = opt.LocationPrefix + path.Clean(root)
	}
	entities := make(chan parsed, 1024)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer close(entities)
		rd.readRoots(ctx, roots, entities)
	}()
	var written ImportResult
	err := s.write(ctx, func(tx *db.Tx, w *writer) error {
		return s.apply(ctx, tx, w, entities, rd, readDone, origins, &written, opt.Progress)
	})
	cancel()
	for range entities {
		// Let the reader finish after a failed write.
	}
	<-readDone
	written.Files, written.Entities, written.Problems, written.Remote = rd.res.Files, rd.res.Entities, rd.res.Problems, rd.res.Remote
	sort.Strings(written.Remote)
	return written, err
}

// reader reads the files of one import on its own goroutine. The writer
// reads claimed, unsure and res only once the reader is done.
type reader struct {
	fsys   fs.FS
	prefix string
	// claimed holds keys of entities present in the files, valid or not,
	// so that an entity with a typo is reported but not orphaned.
	claimed map[string]bool
	// unsure holds origins some of whose files could not be read, or only
	// in part: what they held may still be there, so nothing from them is
	// orphaned.
	unsure  map[string]bool
	seen    map[string]parsed
	visited map[string]bool
	res     ImportResult
}

// readRoots reads every file the roots lead to and sends each valid entity,
// first definitions only, to out.
func (rd *reader) readRoots(ctx context.Context, roots []string, out chan<- parsed) {
	res := &rd.res
	for _, root := range roots {
		root = path.Clean(root)
		origin := rd.prefix + root
		files, problems, err := expandRoot(rd.fsys, root)
		if err != nil {
			res.Problems = append(res.Problems, Problem{File: root, Message: err.Error()})
			rd.unsure[origin] = true
			continue
		}
		if len(problems) > 0 {
			res.Problems = append(res.Problems, problems...)
			rd.unsure[origin] = true
		}
		// Files are read a wave at a time: the root's files, then the files
		// their Locations name, and so on. Each wave is parsed in parallel
		// and taken in order, so results do not depend on timing.
		wave := files
		for len(wave) > 0 {
			var unread []string
			for _, f := range wave {
				if !rd.visited[f] {
					rd.visited[f] = true
					unread = append(unread, f)
				}
			}
			wave = nil
			for fr := range readFiles(ctx, rd.fsys, unread, rd.prefix, origin) {
				res.Files++
				res.Problems = append(res.Problems, fr.problems...)
				if fr.incomplete {
					rd.unsure[origin] = true
				}
				res.Remote = append(res.Remote, fr.remote...)
				wave = append(wave, fr.targets...)
				for _, d := range rd.collect(fr) {
					select {
					case out <- d:
						res.Entities++
					case <-ctx.Done():
						return
					}
				}
			}
		}
	}
}

// collect takes the valid entities of one file, skipping the second
// definition of any entity.
func (rd *reader) collect(fr fileResult) []parsed {
	var found []parsed
	for _, d := range fr.docs {
		if d.invalid {
			if validKind(d.rec.Entity.Kind) && validName(d.rec.Entity.Metadata.Name) {
				rd.claimed[d.rec.Entity.Ref().Key()] = true
			}
			continue
		}
		key := d.rec.Entity.Ref().Key()
		rd.claimed[key] = true
		if prev, dup := rd.seen[key]; dup {
			rd.res.Problems = append(rd.res.Problems, Problem{File: fr.file, Line: d.line,
				Message: fmt.Sprintf("%s is defined twice; keeping the one at %s:%d", d.rec.Entity.Ref(), prev.file, prev.line)})
			continue
		}
		rd.seen[key] = d
		found = append(found, d)
	}
	return found
}

// fileResult is what reading one file gave.
type fileResult struct {
	// incomplete is set when the file could not be read, or only in part.
	incomplete bool
	file       string
	docs       []parsed
	targets    []string
	problems   []Problem
	remote     []string
}

// readFiles parses files on all cores and yields their results in the
// order of files, each as soon as it and those before it are ready.
func readFiles(ctx context.Context, fsys fs.FS, files []string, prefix, origin string) iter.Seq[fileResult] {
	return func(yield func(fileResult) bool) {
		out := make([]fileResult, len(files))
		ready := make([]chan struct{}, len(files))
		for i := range ready {
			ready[i] = make(chan struct{})
		}
		// Workers run at most a few files ahead of the consumer, so that a
		// large import does not hold every parsed file in memory.
		workers := min(runtime.GOMAXPROCS(0), len(files))
		ahead := make(chan struct{}, 2*workers)
		next := make(chan int)
		go func() {
			defer close(next)
			for i := range files {
				select {
				case ahead <- struct{}{}:
				case <-ctx.Done():
					return
				}
				select {
				case next <- i:
				case <-ctx.Done():
					return
				}
			}
		}()
		var wg sync.WaitGroup
		defer wg.Wait()
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					out[i] = readFile(fsys, files[i], prefix, origin)
					close(ready[i])
				}
			}()
		}
		for i := range files {
			select {
			case <-ready[i]:
			case <-ctx.Done():
				return
			}
			if !yield(out[i]) {
				return
			}
			out[i] = fileResult{} // let it go once taken
			<-ahead

		}
	}
}

// readFile parses one file: its documents (valid or not, with problems
// recorded) and the local files its Locations point at.
func readFile(fsys fs.FS, file, prefix, origin string) fileResult {
	fr := fileResult{file: file}
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		fr.problems = append(fr.problems, Problem{File: file, Message: "cannot read: " + unwrapPathError(err)})
		fr.incomplete = true
		return fr
	}
	docs, err := ParseDescriptors(data)
	if err != nil {
		fr.incomplete = true
		var se *SyntaxError
		if errors.As(err, &se) {
			fr.problems = append(fr.problems, Problem{File: file, Line: se.Line, Message: "YAML syntax: " + se.Message + " (rest of file skipped)"})
		} else {
			fr.problems = append(fr.problems, Problem{File: file, Message: err.Error()})
		}
	}
	var out []parsed
	var targets []string
	for i := range docs {
		d := &docs[i]
		p := parsed{rec: Record{Entity: d.Entity}, file: file, line: d.Line}
		if d.Err != nil {
			fr.problems = append(fr.problems, Problem{File: file, Line: d.Line, Message: d.Err.Error()})
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
			fr.problems = append(fr.problems, Problem{File: file, Line: line, Message: what + ": " + err.Error()})
			bad := parsed{rec: p.rec, file: file, line: line, invalid: true}
			if k, ok := canonicalKind(bad.rec.Entity.Kind); ok {
				bad.rec.Entity.Kind = k
			}
			out = append(out, bad)
			continue
		}
		p.rec.Location = prefix + file
		p.rec.Origin = origin
		p.row = toRow(&p.rec)
		created, err := json.Marshal(audit.Diff(map[string]any{}, p.rec.fields()))
		if err != nil {
			fr.problems = append(fr.problems, Problem{File: file, Line: d.Line, Message: err.Error()})
			continue
		}
		p.created = created
		out = append(out, p)
		for _, f := range mustKind(p.rec.Entity.Kind).Fields {
			if t, ok := PlaceholderTarget(p.rec.Entity.Spec[f.Name]); ok && f.Placeholder {
				fr.remote = append(fr.remote, t)
			}
		}
		if p.rec.Entity.Kind == "Location" {
			targets = append(targets, locationTargets(fsys, file, d, &fr)...)
		}
	}
	fr.docs, fr.targets = out, targets
	return fr
}

func locationTargets(fsys fs.FS, file string, d *Document, fr *fileResult) []string {
	e := &d.Entity
	list := e.List("targets")
	if t := e.Text("target"); t != "" {
		list = append([]string{t}, list...)
	}
	var out []string
	for i, t := range list {
		if strings.Contains(t, "://") || e.Text("type") == "url" {
			fr.remote = append(fr.remote, t)
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
				fr.problems = append(fr.problems, Problem{File: file, Line: d.LineOf(field),
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

// apply stores the entities the reader sends, then, once the reader is done,
// marks as orphaned what came from these origins before and is gone now.
func (s *Store) apply(ctx context.Context, tx *db.Tx, w *writer, entities <-chan parsed, rd *reader, readDone <-chan struct{},
	origins []string, res *ImportResult, progress func(done int)) error {
	stored := map[string]existing{}
	rows, err := tx.QueryContext(ctx, `SELECT id, ref, hash, origin, orphaned FROM entities`)
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
	done := 0
	for p := range entities {
		rec := &p.rec
		key := rec.Entity.Ref().Key()
		x, ok := stored[key]
		switch {
		case !ok:
			if err := w.insertRow(ctx, rec, p.row, "entity.import", p.created); err != nil {
				return err
			}
			res.Created++
		case x.hash == p.row.hash && !x.orphaned:
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
		done++
		if progress != nil && done%1000 == 0 {
			progress(done)
		}
	}
	<-readDone
	if ctx.Err() != nil {
		return ctx.Err()
	}
	isOrigin := map[string]bool{}
	for _, o := range origins {
		isOrigin[o] = !rd.unsure[o]
	}
	for _, key := range sortedKeys(stored) {
		x := stored[key]
		if x.orphaned || !isOrigin[x.origin] || rd.claimed[key] {
			continue
		}
		if err := w.setOrphaned(ctx, x.id, key, true); err != nil {
			return err
		}
		res.Orphaned++
	}
	if progress != nil {
		progress(done)
	}
	return nil
}

// expandRoot lists the descriptor files a root names: the file itself, or
// every .yaml and .yml file under a folder.
// Entries that cannot be read are reported and skipped.
func expandRoot(fsys fs.FS, root string) ([]string, []Problem, error) {
	info, err := fs.Stat(fsys, root)
	if err != nil {
		return nil, nil, errors.New("cannot read: " + unwrapPathError(err))
	}
	if !info.IsDir() {
		return []string{root}, nil, nil
	}
	var files []string
	var problems []Problem
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			problems = append(problems, Problem{File: p, Message: "cannot read: " + unwrapPathError(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != root {
			return fs.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	return files, problems, err
}
