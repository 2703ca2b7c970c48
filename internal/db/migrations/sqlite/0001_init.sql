-- Users, sessions, API tokens, the audit log and the software catalog.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    disabled_at   TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    changes     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_record ON audit_log(record_type, record_id);
CREATE INDEX audit_log_actor ON audit_log(actor);

-- An entity keeps its whole descriptor as JSON in body; the columns beside
-- it repeat what listings filter, sort and show, so that a listing never
-- decodes a descriptor.
CREATE TABLE entities (
    id          INTEGER PRIMARY KEY,
    ref         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    namespace   TEXT NOT NULL,
    name        TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    spec_type   TEXT NOT NULL DEFAULT '',
    lifecycle   TEXT NOT NULL DEFAULT '',
    owner       TEXT NOT NULL DEFAULT '',
    owner_ref   TEXT NOT NULL DEFAULT '',
    tags        TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    -- search is name, title and description in lower case (Unicode-aware,
    -- done in Go because SQLite's lower() only folds ASCII).
    search      TEXT NOT NULL DEFAULT '',
    location    TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL DEFAULT '',
    orphaned    BOOLEAN NOT NULL DEFAULT FALSE,
    hash        TEXT NOT NULL,
    -- Unix seconds (UTC): listings read updated_at on every row, and
    -- parsing a timestamp text costs more than the rest of the row.
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX entities_name ON entities(name, id);
CREATE INDEX entities_kind ON entities(kind, name, id);
CREATE INDEX entities_kind_lifecycle ON entities(kind, lifecycle, name, id);

CREATE INDEX entities_owner ON entities(owner_ref, name, id);
CREATE INDEX entities_type ON entities(spec_type, name, id);

-- version counts changes to the catalog, so that readers can cache what
-- they computed from it (counts, filter values) until it moves.
CREATE TABLE catalog_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalog_state (id, version) VALUES (1, 0);

CREATE TABLE entity_tags (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (entity_id, tag)
);
CREATE INDEX entity_tags_tag ON entity_tags(tag);

-- A relation is stored once, as its entity declared it (source_ref is that
-- entity); the other direction is read through the index on target_ref. An
-- update replaces the rows of one source_ref.
CREATE TABLE relations (
    source_ref TEXT NOT NULL,
    type       TEXT NOT NULL,
    target_ref TEXT NOT NULL,
    PRIMARY KEY (source_ref, type, target_ref)
) WITHOUT ROWID;
CREATE INDEX relations_target ON relations(target_ref);
