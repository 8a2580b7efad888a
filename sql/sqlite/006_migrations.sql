-- VergeGrid schema 6 (SQLite): region migrations (plugin ABI 1.6: MigrationLedger,
-- docs/migration.md). One row per move of one region from one simulator to another, and one per
-- batch of moves (a drain, an evacuation, a rebalance).
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 007_*.sql instead.

-- No foreign key on region_id, batch_id or the simulators: a move is history and outlives its
-- region (deleted after the move) and its simulators. operation_id is NULL while the move waits
-- for no operation (the repository maps 0 to NULL), so that its unique index never sees two
-- idle moves collide: one operation is one step of one move. options, plan and detail are JSON
-- text; step and error are '' when unset.
CREATE TABLE migrations (
    id                  VARCHAR(36)  NOT NULL PRIMARY KEY,
    batch_id            VARCHAR(36)  NOT NULL,
    region_id           VARCHAR(36)  NOT NULL,
    region_name         VARCHAR(255) NOT NULL,
    source_simulator_id VARCHAR(64)  NOT NULL,
    target_simulator_id VARCHAR(64)  NOT NULL,
    target_host         VARCHAR(255) NOT NULL,
    target_port         INTEGER      NOT NULL CHECK (target_port >= 0 AND target_port <= 65535),
    strategy            VARCHAR(64)  NOT NULL,
    options             TEXT         NOT NULL,
    state               VARCHAR(16)  NOT NULL CHECK (state IN ('queued', 'running', 'rolling_back', 'succeeded', 'failed', 'cancelled')),
    plan                TEXT         NOT NULL,
    step                VARCHAR(32)  NOT NULL,
    operation_id        BIGINT       NULL UNIQUE,
    detail              TEXT         NOT NULL,
    error               TEXT         NOT NULL,
    actor               VARCHAR(255) NOT NULL,
    created_at          VARCHAR(32)  NOT NULL,
    updated_at          VARCHAR(32)  NOT NULL
);
-- Is this region moving now (region_id and an active state)?
CREATE INDEX migrations_region_state ON migrations (region_id, state);
-- A batch's moves; the active ones, oldest first; each simulator's moves, either side.
CREATE INDEX migrations_batch ON migrations (batch_id, created_at, id);
CREATE INDEX migrations_state ON migrations (state, created_at, id);
CREATE INDEX migrations_source ON migrations (source_simulator_id, created_at, id);
CREATE INDEX migrations_target ON migrations (target_simulator_id, created_at, id);
-- Newest first, of all (keyset on created_at, id).
CREATE INDEX migrations_created ON migrations (created_at, id);

-- A batch: simulator_id is '' for a rebalance. options is JSON text.
CREATE TABLE migration_batches (
    id           VARCHAR(36)  NOT NULL PRIMARY KEY,
    kind         VARCHAR(16)  NOT NULL CHECK (kind IN ('drain', 'evacuate', 'rebalance')),
    simulator_id VARCHAR(64)  NOT NULL,
    state        VARCHAR(16)  NOT NULL CHECK (state IN ('running', 'finished', 'cancelled')),
    max_parallel INTEGER      NOT NULL CHECK (max_parallel >= 1),
    options      TEXT         NOT NULL,
    actor        VARCHAR(255) NOT NULL,
    created_at   VARCHAR(32)  NOT NULL,
    updated_at   VARCHAR(32)  NOT NULL
);
CREATE INDEX migration_batches_simulator ON migration_batches (simulator_id, created_at, id);
CREATE INDEX migration_batches_created ON migration_batches (created_at, id);
