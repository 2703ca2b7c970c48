// Package reliability watches the catalog's entities: monitors and their
// checks, uptime, SLOs with error budgets, incidents, maintenance windows
// and the public status page.
package reliability

import (
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

// Store keeps the reliability area's records. Its exported methods own
// their transactions.
type Store struct {
	db      *db.DB
	catalog *catalog.Store
	// changed is signalled after monitors change, so that a running
	// scheduler reloads them.
	changed chan struct{}
	now     func() time.Time
	// BaseURL starts the links in messages about incidents.
	BaseURL string
	// maint is the running engine's maintenance cache, if any.
	maint *maintenanceCache
}

// NewStore returns a store over d; cat answers which entities exist.
func NewStore(d *db.DB, cat *catalog.Store) *Store {
	return &Store{db: d, catalog: cat, changed: make(chan struct{}, 1), now: time.Now}
}

// DB returns the database, for the jobs of this package.
func (s *Store) DB() *db.DB { return s.db }

func (s *Store) signal() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// unix is the stored form of a time.
func unix(t time.Time) int64 { return t.Unix() }

func fromUnix(v int64) time.Time { return time.Unix(v, 0).UTC() }

func fromUnixPtr(v *int64) *time.Time {
	if v == nil {
		return nil
	}
	t := fromUnix(*v)
	return &t
}
