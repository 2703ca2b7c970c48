package delivery

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// Source is a webhook sender: a GitHub organisation or repository, a
// GitLab group or project. Its secret signs (GitHub) or accompanies
// (GitLab) every delivery; it is kept as it is, since checking a signature
// needs it.
type Source struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Provider string `json:"provider"`
	Secret   string `json:"secret,omitempty"`
	// Received counts deliveries stored, Ignored those answered but of no
	// use (an event Chief does not read, a repository no component
	// declares, a replay), Rejected those refused (bad signature or body).
	Received  int64     `json:"received"`
	Ignored   int64     `json:"ignored"`
	Rejected  int64     `json:"rejected"`
	LastAt    time.Time `json:"last_at,omitzero"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// SourceInput makes a source. An empty secret gets a random one.
type SourceInput struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
	Secret   string `json:"secret,omitempty"`
}

var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// Validate checks the name and secret; the caller checks the provider
// against the providers it can parse.
func (in *SourceInput) Validate() error {
	if !sourceName.MatchString(in.Name) {
		return apperr.Field("name", "must be 1 to 63 lower-case letters, digits, '.', '_' or '-'")
	}
	if in.Provider == "" {
		return apperr.Field("provider", "is required")
	}
	if in.Secret == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		in.Secret = hex.EncodeToString(b)
	}
	if len(in.Secret) < 16 {
		return apperr.Field("secret", "must be at least 16 characters")
	}
	return nil
}

const sourceColumns = `id, name, provider, secret, received, ignored, rejected, last_at, last_error, created_at`

func scanSource(row interface{ Scan(...any) error }) (Source, error) {
	var s Source
	var last sql.NullInt64
	var created int64
	if err := row.Scan(&s.ID, &s.Name, &s.Provider, &s.Secret, &s.Received, &s.Ignored, &s.Rejected, &last, &s.LastError, &created); err != nil {
		return s, err
	}
	if last.Valid {
		s.LastAt = fromUnix(last.Int64)
	}
	s.CreatedAt = fromUnix(created)
	return s, nil
}

// CreateSource stores a source. It returns conflict when the name is taken.
func (s *Store) CreateSource(ctx context.Context, in SourceInput) (Source, error) {
	if err := in.Validate(); err != nil {
		return Source{}, err
	}
	var out Source
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		out, err = scanSource(tx.QueryRowContext(ctx, `INSERT INTO delivery_sources (name, provider, secret, created_at) VALUES ($1, $2, $3, $4)
			RETURNING `+sourceColumns, in.Name, in.Provider, in.Secret, s.now().Unix()))
		if db.IsUniqueViolation(err) {
			return apperr.New(apperr.Conflict, "a source named %q exists", in.Name)
		}
		if err != nil {
			return fmt.Errorf("create source: %w", err)
		}
		return audit.Record(ctx, tx, "delivery.source.create", "delivery_source", in.Name, map[string]audit.Change{"provider": {New: in.Provider}})
	})
	return out, err
}

// Sources lists the sources by name.
func (s *Store) Sources(ctx context.Context) ([]Source, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+sourceColumns+` FROM delivery_sources ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

// SourceByName returns a source, or not found.
func (s *Store) SourceByName(ctx context.Context, name string) (Source, error) {
	src, err := scanSource(s.db.QueryRow(ctx, `SELECT `+sourceColumns+` FROM delivery_sources WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return src, apperr.New(apperr.NotFound, "no webhook source %q", name)
	}
	return src, err
}

// DeleteSource removes a source; what it delivered stays.
func (s *Store) DeleteSource(ctx context.Context, name string) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM delivery_sources WHERE name = $1`, name)
		if err != nil {
			return fmt.Errorf("delete source: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "no webhook source %q", name)
		}
		return audit.Record(ctx, tx, "delivery.source.delete", "delivery_source", name, nil)
	})
}

// Outcome is how a delivery ended, for a source's counters.
type Outcome int

// The outcomes.
const (
	Received Outcome = iota
	Ignored
	Rejected
)

// countDelivery adds one delivery to a source's counters.
func (in *ingest) countDelivery(ctx context.Context, sourceID int64, o Outcome, at int64, lastError string) error {
	col := [...]string{"received", "ignored", "rejected"}[o]
	_, err := in.exec(ctx, `UPDATE delivery_sources SET `+col+` = `+col+` + 1, last_at = $1,
		last_error = CASE WHEN $2 = '' THEN last_error ELSE $2 END WHERE id = $3`, at, lastError, sourceID)
	if err != nil {
		return fmt.Errorf("count delivery of source %s: %w", strconv.FormatInt(sourceID, 10), err)
	}
	return nil
}
