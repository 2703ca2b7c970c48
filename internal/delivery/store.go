package delivery

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

// Store keeps delivery records and computes the keys from them.
type Store struct {
	db      *db.DB
	catalog *catalog.Store
	// now is the clock, replaced in tests.
	now func() time.Time

	// index is the component index of the catalog's components as last
	// listed; the catalog hands out the same list until it changes.
	indexMu sync.Mutex
	indexOf []catalog.Component
	index   *componentIndex
}

// NewStore returns a delivery store over d that finds components in cat.
func NewStore(d *db.DB, cat *catalog.Store) *Store {
	return &Store{db: d, catalog: cat, now: db.Now}
}

// componentIndex finds components by reference, name and repository.
type componentIndex struct {
	byKey  map[string]catalog.Component
	byName map[string][]string
	byRepo map[string][]string
}

// components returns the index of the catalog's components, built again
// only when the catalog changed.
func (s *Store) components(ctx context.Context) (*componentIndex, error) {
	cs, err := s.catalog.Components(ctx)
	if err != nil {
		return nil, err
	}
	s.indexMu.Lock()
	defer s.indexMu.Unlock()
	if s.index != nil && len(cs) == len(s.indexOf) && (len(cs) == 0 || &cs[0] == &s.indexOf[0]) {
		return s.index, nil
	}
	ix := &componentIndex{byKey: map[string]catalog.Component{}, byName: map[string][]string{}, byRepo: map[string][]string{}}
	for _, c := range cs {
		ix.byKey[c.Key] = c
		ix.byName[strings.ToLower(c.Name)] = append(ix.byName[strings.ToLower(c.Name)], c.Key)
		for _, r := range c.Repositories {
			ix.byRepo[r] = append(ix.byRepo[r], c.Key)
		}
	}
	s.indexOf, s.index = cs, ix
	return ix, nil
}

// resolve returns the keys of the components a record names: the one
// component it names, or every component that declares its repository
// (through the github.com/project-slug or gitlab.com/project-slug
// annotation), or else the component named like the repository's last
// path segment. A named component that does not exist is invalid; a
// repository no component claims gives no keys.
func (ix *componentIndex) resolve(field, component, repository string) ([]string, error) {
	if c := strings.TrimSpace(component); c != "" {
		ref, err := catalog.ParseRef(c, "component", catalog.DefaultNamespace)
		if err != nil {
			return nil, apperr.Field(field, "%v", err)
		}
		if _, ok := ix.byKey[ref.Key()]; !ok {
			return nil, apperr.Field(field, "no component %q in the catalog", c)
		}
		return []string{ref.Key()}, nil
	}
	repo := strings.ToLower(strings.TrimSpace(repository))
	if keys := ix.byRepo[repo]; len(keys) > 0 {
		return keys, nil
	}
	return ix.byName[repo[strings.LastIndex(repo, "/")+1:]], nil
}

// unix returns t in Unix seconds, or nil for the zero time.
func unix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func fromUnix(s int64) time.Time { return time.Unix(s, 0).UTC() }

// dayOf is the start of t's UTC day in Unix seconds.
func dayOf(sec int64) int64 { return sec - ((sec%86400)+86400)%86400 }
