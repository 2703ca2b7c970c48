-- Reliability: monitors, check results and their rollups, state changes,
-- maintenance windows, SLOs, incidents and the status page.
-- Times are Unix seconds (UTC) unless a column says milliseconds.

CREATE TABLE monitors (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    -- entity_ref is the catalog key of the watched entity, lower case.
    entity_ref      TEXT NOT NULL,
    type            TEXT NOT NULL,
    interval_s      INTEGER NOT NULL,
    paused          BOOLEAN NOT NULL DEFAULT FALSE,
    -- spec is the whole MonitorInput as JSON.
    spec            TEXT NOT NULL,
    heartbeat_token TEXT UNIQUE,
    origin          TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX monitors_entity ON monitors(entity_ref);

-- monitor_state is the settled state of each monitor, written when it
-- changes; consecutive counts live in memory.
CREATE TABLE monitor_state (
    monitor_id   INTEGER PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
    state        TEXT NOT NULL,
    since        BIGINT NOT NULL,
    last_beat_at BIGINT
);

-- monitor_events keeps every state change exactly, forever.
CREATE TABLE monitor_events (
    id         INTEGER PRIMARY KEY,
    monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX monitor_events_monitor ON monitor_events(monitor_id, at);

-- check_results are raw results, kept for the raw retention window.
-- at is Unix milliseconds; latencies are microseconds.
CREATE TABLE check_results (
    monitor_id INTEGER NOT NULL,
    at         BIGINT NOT NULL,
    ok         BOOLEAN NOT NULL,
    maint      BOOLEAN NOT NULL,
    total_us   BIGINT NOT NULL,
    dns_us     BIGINT NOT NULL,
    connect_us BIGINT NOT NULL,
    tls_us     BIGINT NOT NULL,
    ttfb_us    BIGINT NOT NULL,
    -- detail is null for a good check, else why it failed (JSON).
    detail     TEXT,
    PRIMARY KEY (monitor_id, at)
) WITHOUT ROWID;

-- check_results_at serves the hourly rollup and pruning, which read by time.
CREATE INDEX check_results_at ON check_results(at);

-- Rollups: counts of good, bad and maintenance checks per monitor and hour
-- or day (start in Unix seconds), with a latency histogram (see hist.go).
CREATE TABLE check_hourly (
    monitor_id INTEGER NOT NULL,
    start      BIGINT NOT NULL,
    good       INTEGER NOT NULL,
    bad        INTEGER NOT NULL,
    maint      INTEGER NOT NULL,
    hist       BLOB NOT NULL,
    PRIMARY KEY (monitor_id, start)
) WITHOUT ROWID;

CREATE TABLE check_daily (
    monitor_id INTEGER NOT NULL,
    start      BIGINT NOT NULL,
    good       INTEGER NOT NULL,
    bad        INTEGER NOT NULL,
    maint      INTEGER NOT NULL,
    hist       BLOB NOT NULL,
    PRIMARY KEY (monitor_id, start)
) WITHOUT ROWID;

-- rollup_progress says up to which hour and day (exclusive) rollups are done.
CREATE TABLE rollup_progress (
    name TEXT PRIMARY KEY,
    upto BIGINT NOT NULL
);

CREATE TABLE maintenance_windows (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    -- entities is a JSON array of catalog keys; empty means everything.
    entities    TEXT NOT NULL DEFAULT '[]',
    starts_at   BIGINT NOT NULL,
    duration_s  INTEGER NOT NULL,
    -- recurrence is '', 'daily', 'weekly' or 'monthly'.
    recurrence  TEXT NOT NULL DEFAULT '',
    until_at    BIGINT,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE slos (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    entity_ref   TEXT NOT NULL,
    -- monitor_id narrows the SLO to one monitor; null means all of the entity's.
    monitor_id   INTEGER REFERENCES monitors(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('availability', 'latency')),
    objective    DOUBLE PRECISION NOT NULL,
    threshold_ms INTEGER NOT NULL DEFAULT 0,
    period       TEXT NOT NULL,
    -- alert is the burn-rate alert firing now: '', 'ticket' or 'page'.
    alert        TEXT NOT NULL DEFAULT '',
    alert_since  BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX slos_entity ON slos(entity_ref);

CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    severity        TEXT NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),
    status          TEXT NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
    entity_ref      TEXT NOT NULL,
    -- auto: opened by a monitor; managed: a person took it over, so it is
    -- no longer resolved automatically.
    auto            BOOLEAN NOT NULL,
    managed         BOOLEAN NOT NULL DEFAULT FALSE,
    opened_at       BIGINT NOT NULL,
    acknowledged_at BIGINT,
    resolved_at     BIGINT,
    deployment      TEXT NOT NULL DEFAULT '',
    postmortem      TEXT NOT NULL DEFAULT '{}',
    created_by      TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX incidents_opened ON incidents(opened_at);
CREATE INDEX incidents_entity ON incidents(entity_ref, opened_at);
-- One automatic incident per entity and outage, even across a crash.
CREATE UNIQUE INDEX incidents_open_auto ON incidents(entity_ref) WHERE auto AND resolved_at IS NULL;

CREATE TABLE incident_entities (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    entity_ref  TEXT NOT NULL,
    PRIMARY KEY (incident_id, entity_ref)
);
CREATE INDEX incident_entities_ref ON incident_entities(entity_ref);

CREATE TABLE incident_updates (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    at          BIGINT NOT NULL,
    author      TEXT NOT NULL,
    status      TEXT NOT NULL,
    body        TEXT NOT NULL,
    public      BOOLEAN NOT NULL
);
CREATE INDEX incident_updates_incident ON incident_updates(incident_id, at);

-- status_page lists the entities the public status page shows, in order.
CREATE TABLE status_page (
    entity_ref   TEXT PRIMARY KEY,
    position     INTEGER NOT NULL,
    display_name TEXT NOT NULL DEFAULT ''
);
