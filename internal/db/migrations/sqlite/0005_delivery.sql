-- Delivery: deployments, the changes (commits) they shipped, pull requests,
-- failures, a daily rollup per component for the DORA keys, and the
-- webhook sources that feed them. Times are Unix seconds (UTC).

-- A deployment is unique per component, source and the source's own id,
-- so a replayed event updates the one row. failed, fail_reason, rework,
-- recovered_at and shipped are derived (see derive.go) and rewritten
-- whenever a neighbouring record changes.
CREATE TABLE delivery_deployments (
    id            INTEGER PRIMARY KEY,
    component_ref TEXT NOT NULL,
    environment   TEXT NOT NULL,
    production    BOOLEAN NOT NULL,
    version       TEXT NOT NULL DEFAULT '',
    sha           TEXT NOT NULL,
    started_at    BIGINT NOT NULL,
    -- finished_at is NULL while the result is pending.
    finished_at   BIGINT,
    result        TEXT NOT NULL CHECK (result IN ('pending', 'success', 'failure')),
    remedy        TEXT NOT NULL DEFAULT '' CHECK (remedy IN ('', 'fix', 'rollback')),
    source        TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    url           TEXT NOT NULL DEFAULT '',
    -- listed holds the commits the source said it shipped, space
    -- separated; empty means they are found through the commit graph.
    listed        TEXT NOT NULL DEFAULT '',
    failed        BOOLEAN NOT NULL DEFAULT FALSE,
    fail_reason   TEXT NOT NULL DEFAULT '',
    rework        BOOLEAN NOT NULL DEFAULT FALSE,
    recovered_at  BIGINT,
    -- recovery_s is how long the failure lasted, once recovered.
    recovery_s    BIGINT,
    change_count  INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (component_ref, source, external_id)
);
CREATE INDEX delivery_deployments_line ON delivery_deployments(component_ref, environment, finished_at);
CREATE INDEX delivery_deployments_finished ON delivery_deployments(finished_at);
-- A component's deployments in time order, for its daily rollups and for
-- charging failures to the deployment before them.
CREATE INDEX delivery_deployments_component ON delivery_deployments(component_ref, finished_at);
CREATE INDEX delivery_deployments_sha ON delivery_deployments(component_ref, sha);

-- A change is one commit of a component's repository. started_at is where
-- its lead time starts: the author time, or the opening of the pull request
-- it was merged by when that is earlier.
CREATE TABLE delivery_changes (
    id            INTEGER PRIMARY KEY,
    component_ref TEXT NOT NULL,
    sha           TEXT NOT NULL,
    parents       TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    author        TEXT NOT NULL DEFAULT '',
    author_email  TEXT NOT NULL DEFAULT '',
    bot           BOOLEAN NOT NULL DEFAULT FALSE,
    authored_at   BIGINT NOT NULL,
    committed_at  BIGINT NOT NULL,
    started_at    BIGINT NOT NULL,
    source        TEXT NOT NULL,
    UNIQUE (component_ref, sha)
);

-- delivery_shipped says which deployment first shipped a change to an
-- environment. baseline rows are the history behind a component's first
-- deployment there: shipped, but not counted.
CREATE TABLE delivery_shipped (
    deployment_id BIGINT NOT NULL REFERENCES delivery_deployments(id) ON DELETE CASCADE,
    change_id     BIGINT NOT NULL REFERENCES delivery_changes(id) ON DELETE CASCADE,
    environment   TEXT NOT NULL,
    baseline      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (deployment_id, change_id)
);
CREATE UNIQUE INDEX delivery_shipped_change ON delivery_shipped(change_id, environment);

-- delivery_missing remembers the commits a deployment's walk needed and did
-- not find (not sent yet, or beyond a shallow clone), so that the line is
-- walked again from that deployment when one arrives.
CREATE TABLE delivery_missing (
    component_ref TEXT NOT NULL,
    sha           TEXT NOT NULL,
    deployment_id BIGINT NOT NULL REFERENCES delivery_deployments(id) ON DELETE CASCADE,
    PRIMARY KEY (component_ref, sha, deployment_id)
);
CREATE INDEX delivery_missing_deployment ON delivery_missing(deployment_id);

CREATE TABLE delivery_pull_requests (
    id              INTEGER PRIMARY KEY,
    component_ref   TEXT NOT NULL,
    number          BIGINT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    author          TEXT NOT NULL DEFAULT '',
    bot             BOOLEAN NOT NULL DEFAULT FALSE,
    url             TEXT NOT NULL DEFAULT '',
    opened_at       BIGINT NOT NULL,
    first_commit_at BIGINT,
    first_review_at BIGINT,
    merged_at       BIGINT,
    merge_sha       TEXT NOT NULL DEFAULT '',
    head_sha        TEXT NOT NULL DEFAULT '',
    -- deployed_at is when the merge commit first reached production,
    -- kept by the walk so cycle time reads it without a join.
    deployed_at     BIGINT,
    source          TEXT NOT NULL,
    UNIQUE (component_ref, number)
);
CREATE INDEX delivery_pull_requests_merge ON delivery_pull_requests(component_ref, merge_sha);
CREATE INDEX delivery_pull_requests_merged ON delivery_pull_requests(merged_at);

-- A failure in production. deployment_id is the deployment it is charged
-- to: named by the source (attribution 'explicit') or found by the rule in
-- docs/delivery.md ('rule'); NULL when neither finds one.
CREATE TABLE delivery_failures (
    id              INTEGER PRIMARY KEY,
    component_ref   TEXT NOT NULL,
    title           TEXT NOT NULL,
    started_at      BIGINT NOT NULL,
    resolved_at     BIGINT,
    deployment_hint TEXT NOT NULL DEFAULT '',
    deployment_id   BIGINT REFERENCES delivery_deployments(id) ON DELETE SET NULL,
    attribution     TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    url             TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL,
    UNIQUE (component_ref, source, external_id)
);
CREATE INDEX delivery_failures_deployment ON delivery_failures(deployment_id);
CREATE INDEX delivery_failures_started ON delivery_failures(component_ref, started_at);
-- Failures that name a deployment not found yet, tried again when
-- deployments arrive.
CREATE INDEX delivery_failures_unattributed ON delivery_failures(component_ref) WHERE deployment_id IS NULL AND deployment_hint <> '';

-- One row per component and UTC day with production deployments. The
-- lists are varint-encoded seconds: every counted change's lead time, and
-- every recovered failed deployment's recovery time, so that quantiles over
-- any window are exact.
CREATE TABLE delivery_daily (
    component_ref  TEXT NOT NULL,
    day            BIGINT NOT NULL,
    deployments    INTEGER NOT NULL,
    failed         INTEGER NOT NULL,
    rework         INTEGER NOT NULL,
    lead_times     BLOB NOT NULL,
    recovery_times BLOB NOT NULL,
    PRIMARY KEY (component_ref, day)
);
CREATE INDEX delivery_daily_day ON delivery_daily(day);

-- delivery_dirty lists the daily rollups that webhook deliveries made
-- stale: they are recomputed in a moment, many deliveries at once, and
-- before any reading of the rollups.
CREATE TABLE delivery_dirty (
    component_ref TEXT NOT NULL,
    day           BIGINT NOT NULL,
    PRIMARY KEY (component_ref, day)
);

-- Webhook sources: one per sending system, each with its own secret.
CREATE TABLE delivery_sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    provider    TEXT NOT NULL,
    secret      TEXT NOT NULL,
    received    BIGINT NOT NULL DEFAULT 0,
    ignored     BIGINT NOT NULL DEFAULT 0,
    rejected    BIGINT NOT NULL DEFAULT 0,
    last_at     BIGINT,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);

-- delivery_receipts remembers delivery ids so a replayed delivery is
-- recognised and counted as such.
CREATE TABLE delivery_receipts (
    source_id   BIGINT NOT NULL REFERENCES delivery_sources(id) ON DELETE CASCADE,
    delivery_id TEXT NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (source_id, delivery_id)
);
