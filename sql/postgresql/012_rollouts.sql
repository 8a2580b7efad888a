-- VergeGrid schema 12 (PostgreSQL): template rollouts (plugin ABI 1.11: RolloutLedger,
-- docs/rollouts.md). One row per rollout of a template version to many regions in waves, and one
-- per region it plans to upgrade.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 013_*.sql instead.
--
-- Columns that order a list or page it by keyset are COLLATE "C" (byte order, as SQLite and
-- utf8mb4_bin).

-- No foreign key on template_id or the regions: a rollout is history and outlives both. spec is
-- JSON text; next_wave_at and error are '' when unset.
CREATE TABLE rollouts (
    id           VARCHAR(36)  COLLATE "C" NOT NULL PRIMARY KEY,
    template_id  VARCHAR(36)  COLLATE "C" NOT NULL,
    to_version   VARCHAR(64)  NOT NULL,
    state        VARCHAR(16)  COLLATE "C" NOT NULL CHECK (state IN ('planned', 'running', 'paused', 'succeeded', 'failed', 'rolled_back', 'cancelled')),
    spec         TEXT         NOT NULL,
    current_wave INTEGER      NOT NULL CHECK (current_wave >= 0),
    next_wave_at VARCHAR(32)  NOT NULL,
    error        TEXT         NOT NULL,
    actor        VARCHAR(255) NOT NULL,
    created_at   VARCHAR(32)  COLLATE "C" NOT NULL,
    updated_at   VARCHAR(32)  NOT NULL
);
-- A template's rollouts, newest first; the active ones, oldest first; all, newest first.
CREATE INDEX rollouts_template ON rollouts (template_id, created_at, id);
CREATE INDEX rollouts_state ON rollouts (state, created_at, id);
CREATE INDEX rollouts_created ON rollouts (created_at, id);

-- operation_id is NULL while the region waits for no operation (the repository maps 0 to NULL).
CREATE TABLE rollout_regions (
    rollout_id   VARCHAR(36)  COLLATE "C" NOT NULL,
    region_id    VARCHAR(36)  COLLATE "C" NOT NULL,
    region_name  VARCHAR(255) COLLATE "C" NOT NULL,
    wave         INTEGER      NOT NULL CHECK (wave >= 0),
    state        VARCHAR(16)  NOT NULL CHECK (state IN ('waiting', 'upgrading', 'upgraded', 'failed', 'rolling_back', 'rolled_back', 'skipped')),
    from_version VARCHAR(64)  NOT NULL,
    to_version   VARCHAR(64)  NOT NULL,
    operation_id BIGINT       NULL,
    started_at   VARCHAR(32)  COLLATE "C" NOT NULL,
    finished_at  VARCHAR(32)  NOT NULL,
    error        TEXT         NOT NULL,
    PRIMARY KEY (rollout_id, region_id)
);
-- A rollout's regions by wave; the region an operation's result is for.
CREATE INDEX rollout_regions_wave ON rollout_regions (rollout_id, wave, region_name, region_id);
CREATE INDEX rollout_regions_operation ON rollout_regions (operation_id, started_at);
