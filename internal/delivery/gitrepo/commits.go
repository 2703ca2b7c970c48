package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

// open opens the object database of the repository at dir: a work tree
// holding .git (a folder, or a file naming it as in linked work trees and
// submodules) or a git folder itself. It does what git.PlainOpen does but
// keeps the pack files open: go-git otherwise opens a pack again for every
// object it reads from it, which made reading a 100,000-commit history
// twice as slow and allocate three times as much. Parent folders are not searched, so a folder that is not a
// repository is an error rather than the repository of some folder above.
func open(dir string) (*filesystem.Storage, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, apperr.New(apperr.Invalid, "%s does not exist", dir)
		}
		return nil, fmt.Errorf("opening %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, apperr.New(apperr.Invalid, "%s is not a git repository (it is a file, not a folder)", dir)
	}
	notRepo := apperr.New(apperr.Invalid, "%s is not a git repository: it holds no .git and is not a bare repository", dir)

	gitDir := dir
	dotGit := filepath.Join(dir, git.GitDirName)
	if fi, err := os.Stat(dotGit); err == nil && fi.IsDir() {
		gitDir = dotGit
	} else if err == nil {
		b, err := os.ReadFile(dotGit)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", dotGit, err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		target, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
		if !ok {
			return nil, apperr.New(apperr.Invalid, "%s is not a git repository: its .git file does not say gitdir: <folder>", dir)
		}
		gitDir = strings.TrimSpace(target)
		if !filepath.IsAbs(gitDir) {
			gitDir = filepath.Join(dir, gitDir)
		}
	}

	var fs billy.Filesystem = osfs.New(gitDir)
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common := strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
		fs = dotgit.NewRepositoryFilesystem(fs, osfs.New(common))
	}
	if _, err := fs.Stat("objects"); err != nil {
		return nil, notRepo
	}

	st := filesystem.NewStorageWithOptions(fs, cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	// git.Open checks HEAD, the config and the repository format extensions
	// go-git cannot read (such as SHA-256 object names).
	if _, err := git.Open(st, nil); err != nil {
		st.Close()
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, notRepo
		}
		return nil, apperr.New(apperr.Invalid, "%s cannot be read as a git repository: %v", dir, err)
	}
	return st, nil
}

// Index values for commits that are not (yet) changes.
const (
	missing = -1 // not in the repository
	reading = -2 // read, its parents not yet
)

// walker reads commits once each, depth first, and lists them parents
// before children (a post-order), which lets it decide what to do about a
// missing parent when it lists the child.
type walker struct {
	ctx      context.Context
	st       *filesystem.Storage
	progress func(done, total int)

	shallow  map[plumbing.Hash]bool
	index    map[plumbing.Hash]int // into changes, or missing/reading
	changes  []delivery.ChangeInput
	parents  [][]plumbing.Hash // of changes[i], as the commit names them
	done     int               // commits read
	cut      int               // shallow commits reached
	warnings []string
}

func newWalker(ctx context.Context, st *filesystem.Storage, progress func(done, total int)) *walker {
	return &walker{ctx: ctx, st: st, progress: progress, index: map[plumbing.Hash]int{}}
}

func (w *walker) warn(format string, args ...any) {
	w.warnings = append(w.warnings, fmt.Sprintf(format, args...))
}

// loadShallow reads the commits a shallow clone stops at. Git treats them
// as having no parents whether or not the parent objects are present.
func (w *walker) loadShallow() error {
	hs, err := w.st.Shallow()
	if err != nil {
		return fmt.Errorf("reading the shallow file: %w", err)
	}
	if len(hs) > 0 {
		w.shallow = make(map[plumbing.Hash]bool, len(hs))
		for _, h := range hs {
			w.shallow[h] = true
		}
	}
	return nil
}

type frame struct {
	hash   plumbing.Hash
	commit *object.Commit // set once read; the frame is done when seen again
}

// walk reads every commit reachable from roots that is not read yet.
func (w *walker) walk(roots []plumbing.Hash) error {
	stack := make([]frame, 0, 1024)
	for i := len(roots) - 1; i >= 0; i-- {
		stack = append(stack, frame{hash: roots[i]})
	}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.commit != nil {
			c := top.commit
			stack = stack[:len(stack)-1]
			if err := w.add(c); err != nil {
				return err
			}
			continue
		}
		if _, seen := w.index[top.hash]; seen {
			stack = stack[:len(stack)-1]
			continue
		}
		if w.done%256 == 0 {
			if err := w.ctx.Err(); err != nil {
				return err
			}
		}
		c, err := w.read(top.hash)
		if err != nil {
			return err
		}
		if c == nil {
			w.index[top.hash] = missing
			stack = stack[:len(stack)-1]
			continue
		}
		w.done++
		if w.progress != nil && w.done%1000 == 0 {
			w.progress(w.done, 0)
		}
		w.index[top.hash] = reading
		top.commit = c
		if w.shallow[c.Hash] {
			continue
		}
		for i := len(c.ParentHashes) - 1; i >= 0; i-- {
			if _, seen := w.index[c.ParentHashes[i]]; !seen {
				stack = append(stack, frame{hash: c.ParentHashes[i]})
			}
		}
	}
	if w.progress != nil {
		w.progress(w.done, w.done)
	}
	return nil
}

// read reads one commit; nil means the repository does not hold it.
func (w *walker) read(h plumbing.Hash) (*object.Commit, error) {
	obj, err := w.st.EncodedObject(plumbing.AnyObject, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", h, err)
	}
	if obj.Type() != plumbing.CommitObject {
		return nil, apperr.New(apperr.Invalid, "%s is a %s where a commit was expected (a corrupt repository?)", h, obj.Type())
	}
	c, err := object.DecodeCommit(w.st, obj)
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", h, err)
	}
	return c, nil
}

// add lists a commit whose parents are all listed or known to be missing.
func (w *walker) add(c *object.Commit) error {
	sha := c.Hash.String()
	var parents []string
	if w.shallow[c.Hash] {
		if len(c.ParentHashes) > 0 {
			w.cut++
		}
	} else if len(c.ParentHashes) > 0 {
		parents = make([]string, len(c.ParentHashes))
		for i, p := range c.ParentHashes {
			if w.index[p] == missing {
				return apperr.New(apperr.Invalid, "commit %s names parent %s, which the repository does not contain (a missing or corrupt object; git fsck tells more)", sha, p)
			}
			parents[i] = p.String()
		}
	}
	w.index[c.Hash] = len(w.changes)
	w.parents = append(w.parents, c.ParentHashes)
	w.changes = append(w.changes, delivery.ChangeInput{
		SHA:         sha,
		Parents:     parents,
		Title:       title(c.Message),
		Author:      c.Author.Name,
		AuthorEmail: c.Author.Email,
		AuthoredAt:  c.Author.When.UTC(),
		CommittedAt: c.Committer.When.UTC(),
		Bot:         delivery.IsBot(c.Author.Name, c.Author.Email),
		Source:      Source,
	})
	return nil
}

func title(message string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(message), "\n")
	return strings.TrimSpace(line)
}
