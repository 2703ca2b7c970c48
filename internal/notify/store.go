package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/dur"
)

// Store keeps notification channels. Every change writes its audit entry
// in the same transaction, with secrets redacted.
type Store struct{ db *db.DB }

// NewStore returns a store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const channelColumns = `id, name, type, settings, teams, min_severity, reminder_every, send_recovery, created_at, updated_at, last_sent_at, last_error_at, last_error`

func scanChannel(row interface{ Scan(...any) error }) (Channel, error) {
	var c Channel
	var settings, teams string
	var every int64
	var sent, failed sql.NullTime
	if err := row.Scan(&c.ID, &c.Name, &c.Type, &settings, &teams, &c.MinSeverity, &every, &c.SendRecovery,
		&c.CreatedAt, &c.UpdatedAt, &sent, &failed, &c.LastError); err != nil {
		return Channel{}, err
	}
	if err := json.Unmarshal([]byte(settings), &c.Settings); err != nil {
		return Channel{}, fmt.Errorf("channel %s settings: %w", c.Name, err)
	}
	if err := json.Unmarshal([]byte(teams), &c.Teams); err != nil {
		return Channel{}, fmt.Errorf("channel %s teams: %w", c.Name, err)
	}
	if len(c.Teams) == 0 {
		c.Teams = nil
	}
	c.ReminderEvery = dur.Duration(time.Duration(every) * time.Second)
	c.CreatedAt = c.CreatedAt.UTC()
	c.UpdatedAt = c.UpdatedAt.UTC()
	c.LastSentAt = utcPtr(sent)
	c.LastErrorAt = utcPtr(failed)
	return c, nil
}

func utcPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// Create adds a channel. It returns invalid for bad input and conflict when
// the name is taken.
func (s *Store) Create(ctx context.Context, in ChannelInput) (Channel, error) {
	if err := in.Validate(); err != nil {
		return Channel{}, err
	}
	var c Channel
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		c, err = createChannel(ctx, tx, &in)
		return err
	})
	return c, err
}

// Update replaces the channel called name with in, which may rename it.
// Secrets given in their redacted form keep their stored value. It returns
// not found, invalid, or conflict when a rename hits a taken name.
func (s *Store) Update(ctx context.Context, name string, in ChannelInput) (Channel, error) {
	if err := in.Validate(); err != nil {
		return Channel{}, err
	}
	var c Channel
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		old, err := channelByName(ctx, tx, name)
		if err != nil {
			return err
		}
		c, _, err = updateChannel(ctx, tx, old, &in)
		return err
	})
	return c, err
}

// Upsert creates or updates the channel named in.Name inside an import's
// transaction. A channel that would not change is left alone, with no
// audit entry, so a repeated import changes nothing. It returns invalid
// for bad input.
func (s *Store) Upsert(ctx context.Context, tx *db.Tx, in ChannelInput) (changed bool, err error) {
	if err := in.Validate(); err != nil {
		return false, err
	}
	old, err := channelByName(ctx, tx, in.Name)
	if apperr.Is(err, apperr.NotFound) {
		_, err = createChannel(ctx, tx, &in)
		return err == nil, err
	}
	if err != nil {
		return false, err
	}
	_, changed, err = updateChannel(ctx, tx, old, &in)
	return changed, err
}

// Delete removes the channel and its outbox, sent or not. It returns not
// found for an unknown name.
func (s *Store) Delete(ctx context.Context, name string) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		old, err := channelByName(ctx, tx, name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM notify_channels WHERE id = $1`, old.ID); err != nil {
			return fmt.Errorf("delete channel %s: %w", name, err)
		}
		return audit.Record(ctx, tx, "channel.delete", "channel", old.Name, audit.Diff(old.auditFields(), nil))
	})
}

// Get returns the channel with its secrets, for senders and edit forms;
// call Redacted before showing it. It returns not found for an unknown name.
func (s *Store) Get(ctx context.Context, name string) (Channel, error) {
	c, err := scanChannel(s.db.QueryRow(ctx, `SELECT `+channelColumns+` FROM notify_channels WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, notFound(name)
	}
	return c, err
}

// List returns every channel by name, redacted: a listing has no need of
// secrets.
func (s *Store) List(ctx context.Context) ([]Channel, error) {
	rows, err := s.db.Query(ctx, `SELECT `+channelColumns+` FROM notify_channels ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	defer rows.Close()
	var out []Channel
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c.Redacted())
	}
	return out, rows.Err()
}

// SendTest enqueues a test message to the channel, whatever its routing,
// so that its owner can see it work. Call Deliverer.Notify after it to
// send at once. It returns not found for an unknown name.
func (s *Store) SendTest(ctx context.Context, name string) (Message, error) {
	now := db.Now()
	m := Message{
		EventKey: fmt.Sprintf("test:%s:%d", name, time.Now().UnixNano()),
		Kind:     KindTest,
		Title:    "Test message from Chief",
		Text:     "If you can read this, the channel " + name + " works.",
		At:       now,
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		c, err := channelByName(ctx, tx, name)
		if err != nil {
			return err
		}
		return Enqueue(ctx, tx, c.ID, m)
	})
	return m, err
}

func notFound(name string) error {
	return apperr.New(apperr.NotFound, "no notification channel named %s", name)
}

func channelByName(ctx context.Context, tx *db.Tx, name string) (Channel, error) {
	c, err := scanChannel(tx.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM notify_channels WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, notFound(name)
	}
	return c, err
}

func createChannel(ctx context.Context, tx *db.Tx, in *ChannelInput) (Channel, error) {
	if err := noPlaceholders(in); err != nil {
		return Channel{}, err
	}
	settings, err := json.Marshal(in.Settings)
	if err != nil {
		return Channel{}, err
	}
	now := db.Now()
	c, err := scanChannel(tx.QueryRowContext(ctx, `INSERT INTO notify_channels
		(name, type, settings, teams, min_severity, reminder_every, send_recovery, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING `+channelColumns,
		in.Name, in.Type, string(settings), encodeTeams(in.Teams), in.MinSeverity,
		int64(in.ReminderEvery.D()/time.Second), in.SendRecovery, now))
	if db.IsUniqueViolation(err) {
		return Channel{}, taken(in.Name)
	}
	if err != nil {
		return Channel{}, fmt.Errorf("insert channel %s: %w", in.Name, err)
	}
	return c, audit.Record(ctx, tx, "channel.create", "channel", c.Name, auditChanges(nil, in))
}

// updateChannel writes in over old unless nothing would change.
func updateChannel(ctx context.Context, tx *db.Tx, old Channel, in *ChannelInput) (Channel, bool, error) {
	in.Settings.keepSecrets(in.Type, old.Settings)
	if err := noPlaceholders(in); err != nil {
		return Channel{}, false, err
	}
	if sameInput(&old.ChannelInput, in) {
		return old, false, nil
	}
	settings, err := json.Marshal(in.Settings)
	if err != nil {
		return Channel{}, false, err
	}
	c, err := scanChannel(tx.QueryRowContext(ctx, `UPDATE notify_channels SET
		name = $1, type = $2, settings = $3, teams = $4, min_severity = $5, reminder_every = $6, send_recovery = $7, updated_at = $8
		WHERE id = $9 RETURNING `+channelColumns,
		in.Name, in.Type, string(settings), encodeTeams(in.Teams), in.MinSeverity,
		int64(in.ReminderEvery.D()/time.Second), in.SendRecovery, db.Now(), old.ID))
	if db.IsUniqueViolation(err) {
		return Channel{}, false, taken(in.Name)
	}
	if err != nil {
		return Channel{}, false, fmt.Errorf("update channel %s: %w", old.Name, err)
	}
	return c, true, audit.Record(ctx, tx, "channel.update", "channel", c.Name, auditChanges(&old.ChannelInput, in))
}

func taken(name string) error {
	return &apperr.Error{Code: apperr.Conflict, Field: "name", Message: fmt.Sprintf("a notification channel named %s exists already", name)}
}

// noPlaceholders refuses a redacted value that had no stored secret to
// stand for: saving it would replace a secret by the placeholder.
func noPlaceholders(in *ChannelInput) error {
	for field, v := range map[string]string{
		"settings.secret":   in.Settings.Secret,
		"settings.password": in.Settings.Password,
		"settings.url":      in.Settings.URL,
	} {
		if strings.Contains(v, Redaction) {
			return apperr.Field(field, "holds the redacted placeholder %s, not a value: type it again", Redaction)
		}
	}
	return nil
}

// sameInput compares two channels as their JSON, where an empty list and
// none are the same.
func sameInput(a, b *ChannelInput) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
