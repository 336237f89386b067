-- bando's PostGIS schema, version 1: the change feed, layer versions and
-- markers. The per-layer feature tables (bando_layer_<id>) are created by
-- the store from the catalog, since their columns are the layer's fields.
CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public;

-- One row per layer ever written: its version (bumped by every write) and
-- the last feature number assigned above 2^52 to non-numeric ids.
CREATE TABLE bando_layers (
    layer    text PRIMARY KEY,
    version  bigint NOT NULL DEFAULT 0,
    assigned bigint NOT NULL DEFAULT 0
);

-- Small named state values outside any layer (e.g. the demo marker).
CREATE TABLE bando_markers (
    name  text PRIMARY KEY,
    value text NOT NULL
);

-- The change feed: one row per changed feature. seq is the commit
-- sequence of the write (one Put or Delete call, shared by its rows, as in
-- the embedded store); ord orders the rows of one write. Writers hold one
-- lock (an advisory lock, see store/postgis) from drawing seq to commit, so
-- seq order is commit order and a reader that has seen seq N never later
-- finds a smaller one.
CREATE SEQUENCE bando_commit_seq;
CREATE TABLE bando_changes (
    seq     bigint NOT NULL,
    ord     integer NOT NULL,
    layer   text NOT NULL,
    id      text NOT NULL,
    kind    text NOT NULL CHECK (kind IN ('upsert', 'delete')),
    version bigint NOT NULL,
    at      timestamptz NOT NULL,
    -- bounds before and after the change (min x, min y, max x, max y),
    -- null for a new feature and for a delete respectively
    old_box double precision[4],
    new_box double precision[4],
    PRIMARY KEY (seq, ord)
);
