-- Leases share background work out among several `chief serve` processes
-- over one database: whoever holds a lease until expires_at (Unix
-- milliseconds) does that work; the others wait to take it over.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
