-- Notification channels and the outbox of messages waiting to be sent to
-- them. Tables of the notify area only; nothing here refers to other areas.
CREATE TABLE notify_channels (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    type           TEXT NOT NULL,
    -- settings is the sender's Settings as JSON, secrets included: the
    -- sender needs them in clear. Listings and the audit log redact them.
    settings       TEXT NOT NULL DEFAULT '{}',
    -- teams is a JSON array of catalog refs; [] means every team.
    teams          TEXT NOT NULL DEFAULT '[]',
    min_severity   TEXT NOT NULL CHECK (min_severity IN ('minor', 'major', 'critical')),
    -- reminder_every is in seconds; 0 means no reminders.
    reminder_every BIGINT NOT NULL DEFAULT 0,
    send_recovery  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    last_sent_at   TIMESTAMP,
    last_error_at  TIMESTAMP,
    last_error     TEXT NOT NULL DEFAULT ''
);
-- One row per message and channel, kept after sending so that the same
-- event is never enqueued twice and the admin page can show what happened.
-- A row is pending while sent_at and failed_at are both NULL; claimed_until
-- is the lease of the worker sending it.
CREATE TABLE notify_outbox (
    id              INTEGER PRIMARY KEY,
    channel_id      INTEGER NOT NULL REFERENCES notify_channels(id) ON DELETE CASCADE,
    event_key       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    entity          TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until   TIMESTAMP,
    sent_at         TIMESTAMP,
    failed_at       TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT '',
    UNIQUE (channel_id, event_key)
);
CREATE INDEX notify_outbox_due ON notify_outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX notify_outbox_entity ON notify_outbox(channel_id, entity, created_at);
