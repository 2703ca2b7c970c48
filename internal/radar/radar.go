// Package radar is the technology radar: technologies and the ring each sits
// in, the dated decisions that moved them, decision records (ADRs),
// experiments, and which catalog entities use which technology. It reads
// and writes the ThoughtWorks BYOR CSV and JSON, Zalando's radar config and
// adr-tools and MADR folders, and builds the JSON Backstage's tech-radar
// plugin reads.
//
// Quadrants and rings are configured per installation (one radar) and
// referred to by position: ring 0 is the innermost (Adopt), the last ring
// the outermost (Hold). Inputs name them; names match without regard to
// case, spaces or punctuation ("Languages & Frameworks" is
// "languages-and-frameworks").
package radar

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

// Store keeps the radar's records. Its exported methods own their
// transactions; every change writes an audit entry in the same one.
type Store struct {
	db      *db.DB
	catalog *catalog.Store
	now     func() time.Time
}

// NewStore returns a store over d; cat answers which catalog entities exist
// and what they declare.
func NewStore(d *db.DB, cat *catalog.Store) *Store {
	return &Store{db: d, catalog: cat, now: time.Now}
}

// Slug reduces a name to what matching compares: lower-case letters and
// digits, with "&" read as "and", "+" as "plus" and "#" as "sharp" so that
// C, C++ and C# stay apart. "Node.js" and "nodejs" have the same slug, as
// do "Languages & Frameworks" and "languages_and_frameworks".
func Slug(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '&':
			b.WriteString("and")
		case r == '+':
			b.WriteString("plus")
		case r == '#':
			b.WriteString("sharp")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// unix is the stored form of a time.
func unix(t time.Time) int64 { return t.Unix() }

func fromUnix(v int64) time.Time { return time.Unix(v, 0).UTC() }

func fromUnixPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromUnix(v.Int64)
	return &t
}

func unixPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Unix()
}

// Day returns the date of t (midnight UTC), the form dates are kept in.
func Day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// dateOf returns the calendar date t shows in its own location, as
// midnight UTC, the form dates are kept in: 2025-03-31T00:00:00+02:00 is
// 31 March, where Day would say 30 March. Dates people send mean the day
// they wrote.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// dateLayout is how dates are written in files and messages.
const dateLayout = "2006-01-02"

// actor is who the audit log and decisions name for ctx.
func actor(ctx context.Context) string { return audit.ActorFrom(ctx).Name }

// checkEntity parses a reference and makes sure the catalog holds it,
// answering with an invalid error on field otherwise. kinds lists the kinds
// allowed (the first is the default); none means any.
func (s *Store) checkEntity(ctx context.Context, field, raw string, kinds ...string) (catalog.Ref, error) {
	def := "Component"
	if len(kinds) > 0 {
		def = kinds[0]
	}
	ref, err := catalog.ParseRef(raw, def, catalog.DefaultNamespace)
	if err != nil {
		return ref, apperr.Field(field, "%s", apperr.As(err).Message)
	}
	if len(kinds) > 0 {
		ok := false
		for _, k := range kinds {
			ok = ok || strings.EqualFold(ref.Kind, k)
		}
		if !ok {
			return ref, apperr.Field(field, "%s is a %s; want a %s", ref, ref.Kind, strings.Join(kinds, " or "))
		}
	}
	if _, err := s.catalog.Get(ctx, ref); err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return ref, apperr.Field(field, "%s is not in the catalog", ref)
		}
		return ref, err
	}
	return ref, nil
}

// refKey is the catalog key of a reference, or the text in lower case
// when it does not parse.
func refKey(raw, defaultKind string) string {
	ref, err := catalog.ParseRef(raw, defaultKind, catalog.DefaultNamespace)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(raw))
	}
	return ref.Key()
}
