-- Radar: technologies and their rings, the dated decisions that moved them,
-- decision records (ADRs), experiments and which catalog entities use what.
-- Times are Unix seconds (UTC); dates are stored as midnight UTC.
-- Quadrants and rings are kept by position in radar_config: ring 0 is the
-- innermost (Adopt by default), the last ring the outermost (Hold).

-- radar_config is the one radar of the installation (id is always 1).
CREATE TABLE radar_config (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    title      TEXT NOT NULL,
    -- quadrants is a JSON array of {"name"}; rings of {"name","color"}.
    quadrants  TEXT NOT NULL,
    rings      TEXT NOT NULL,
    -- extra keeps what imported files held that Chief does not model, by
    -- format, so that exports give it back.
    extra      TEXT NOT NULL DEFAULT '{}',
    updated_at BIGINT NOT NULL
);
INSERT INTO radar_config (id, title, quadrants, rings, extra, updated_at) VALUES (1, 'Technology Radar',
    '[{"name":"Techniques"},{"name":"Tools"},{"name":"Platforms"},{"name":"Languages & Frameworks"}]',
    '[{"name":"Adopt","color":"#5ba300"},{"name":"Trial","color":"#009eb0"},{"name":"Assess","color":"#c7ba00"},{"name":"Hold","color":"#e09b96"}]',
    '{}', 0);

CREATE TABLE radar_technologies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    -- slug is the name reduced to lower-case letters and digits, so that
    -- "Node.js" and "nodejs" are the same technology.
    slug        TEXT NOT NULL UNIQUE,
    quadrant    INTEGER NOT NULL,
    ring        INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- links is a JSON array of {"url","title"}; tags a JSON array of text.
    links       TEXT NOT NULL DEFAULT '[]',
    tags        TEXT NOT NULL DEFAULT '[]',
    -- owner_ref is the catalog key of the owning group or user, or ''.
    owner_ref   TEXT NOT NULL DEFAULT '',
    -- marker is the change shown in the current edition: '', new, in, out.
    marker      TEXT NOT NULL DEFAULT '' CHECK (marker IN ('', 'new', 'in', 'out')),
    -- position orders exports as the file last imported had them.
    position    INTEGER NOT NULL DEFAULT 0,
    extra       TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE radar_decisions (
    id            INTEGER PRIMARY KEY,
    number        INTEGER NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    -- decided_on is null when the record gives no date.
    decided_on    BIGINT,
    status        TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'rejected', 'deprecated', 'superseded')),
    -- superseded_by is the number of the superseding decision.
    superseded_by INTEGER,
    deciders      TEXT NOT NULL DEFAULT '[]',
    body          TEXT NOT NULL DEFAULT '',
    -- layout is the file layout it came from: '', adr-tools, madr, madr-list.
    layout        TEXT NOT NULL DEFAULT '',
    file_name     TEXT NOT NULL DEFAULT '',
    extra         TEXT NOT NULL DEFAULT '{}',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE radar_decision_technologies (
    decision_id   INTEGER NOT NULL REFERENCES radar_decisions(id) ON DELETE CASCADE,
    technology_id INTEGER NOT NULL REFERENCES radar_technologies(id) ON DELETE CASCADE,
    PRIMARY KEY (decision_id, technology_id)
);
CREATE INDEX radar_decision_technologies_tech ON radar_decision_technologies(technology_id);

CREATE TABLE radar_decision_entities (
    decision_id INTEGER NOT NULL REFERENCES radar_decisions(id) ON DELETE CASCADE,
    entity_ref  TEXT NOT NULL,
    PRIMARY KEY (decision_id, entity_ref)
);
CREATE INDEX radar_decision_entities_ref ON radar_decision_entities(entity_ref);

CREATE TABLE radar_experiments (
    id               INTEGER PRIMARY KEY,
    technology_id    INTEGER NOT NULL REFERENCES radar_technologies(id) ON DELETE CASCADE,
    hypothesis       TEXT NOT NULL,
    owner_ref        TEXT NOT NULL,
    team_ref         TEXT NOT NULL,
    starts_on        BIGINT NOT NULL,
    ends_on          BIGINT NOT NULL,
    success_criteria TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('planned', 'running', 'concluded', 'abandoned')),
    outcome          TEXT NOT NULL DEFAULT '',
    learned          TEXT NOT NULL DEFAULT '',
    -- proposed_ring is the ring a concluded experiment proposes, or null.
    proposed_ring    INTEGER,
    proposal_applied BOOLEAN NOT NULL DEFAULT FALSE,
    concluded_at     BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX radar_experiments_team ON radar_experiments(team_ref, status);
CREATE INDEX radar_experiments_tech ON radar_experiments(technology_id);

-- radar_ring_changes is every placement decision, the first (from_ring
-- null) included. A row with from_ring = to_ring records a quadrant move.
CREATE TABLE radar_ring_changes (
    id            INTEGER PRIMARY KEY,
    technology_id INTEGER NOT NULL REFERENCES radar_technologies(id) ON DELETE CASCADE,
    quadrant      INTEGER NOT NULL,
    from_ring     INTEGER,
    to_ring       INTEGER NOT NULL,
    decided_at    BIGINT NOT NULL,
    decided_by    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    review_at     BIGINT,
    decision_id   INTEGER REFERENCES radar_decisions(id) ON DELETE SET NULL,
    experiment_id INTEGER REFERENCES radar_experiments(id) ON DELETE SET NULL
);
CREATE INDEX radar_ring_changes_tech ON radar_ring_changes(technology_id, decided_at, id);
-- The ring changes that cite a decision, for its page.
CREATE INDEX radar_ring_changes_decision ON radar_ring_changes(decision_id);

-- radar_usage says which catalog entity uses which technology; source is
-- manual (UI, API) or catalog (tags and annotation, kept by a sync).
CREATE TABLE radar_usage (
    technology_id INTEGER NOT NULL REFERENCES radar_technologies(id) ON DELETE CASCADE,
    entity_ref    TEXT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('manual', 'catalog')),
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (technology_id, entity_ref)
);
CREATE INDEX radar_usage_entity ON radar_usage(entity_ref);
