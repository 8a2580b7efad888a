-- VergeGrid schema 5 (PostgreSQL): a region's runtime state (plugin ABI 1.5: SnapshotLedger,
-- docs/snapshots.md). The snapshot records (their bytes live in a snapshot_store plugin), each
-- region's state policy and the progress of long operations.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 006_*.sql instead.
--
-- Columns that order a list or page it by keyset are COLLATE "C" (byte order, as SQLite and
-- utf8mb4_bin).

-- No foreign key on region_id: a snapshot outlives its region (a deleted region is restored
-- from its before-delete snapshot). operation_id is NULL until the snapshot operation is queued
-- (the repository maps 0 to NULL), so that its unique index never sees two unqueued snapshots
-- collide. sha256 and size_bytes are '' and 0 until the archive is complete; lifecycle is
-- copied from the region as it was and is not checked (it is history). parts and followup are
-- JSON text ('' = no follow-up).
CREATE TABLE snapshots (
    id                   VARCHAR(36)  COLLATE "C" NOT NULL PRIMARY KEY,
    region_id            VARCHAR(36)  COLLATE "C" NOT NULL,
    region_name          VARCHAR(255) NOT NULL,
    region_version_major INTEGER      NOT NULL,
    region_version_minor INTEGER      NOT NULL,
    region_version_patch INTEGER      NOT NULL,
    region_spec          TEXT         NOT NULL,
    lifecycle            VARCHAR(16)  NOT NULL,
    simulator_id         VARCHAR(64)  NOT NULL,
    parts                TEXT         NOT NULL,
    state                VARCHAR(16)  NOT NULL CHECK (state IN ('pending', 'saving', 'complete', 'failed')),
    size_bytes           BIGINT       NOT NULL CHECK (size_bytes >= 0),
    sha256               VARCHAR(64)  NOT NULL,
    reason               VARCHAR(32)  NOT NULL CHECK (reason IN ('manual', 'scheduled', 'before-delete', 'before-move', 'before-restore')),
    note                 TEXT         NOT NULL,
    failure              TEXT         NOT NULL,
    actor                VARCHAR(255) NOT NULL,
    operation_id         BIGINT       NULL UNIQUE,
    followup             TEXT         NOT NULL,
    created_at           VARCHAR(32)  COLLATE "C" NOT NULL,
    updated_at           VARCHAR(32)  NOT NULL
);
-- Newest first, of one region or of all (keyset on created_at, id).
CREATE INDEX snapshots_region_created ON snapshots (region_id, created_at, id);
CREATE INDEX snapshots_created ON snapshots (created_at, id);
-- How many records still refer to an archive: its bytes go when none does.
CREATE INDEX snapshots_sha256 ON snapshots (sha256);

-- A supplement of the region, deleted with it. state_parts is a JSON object of booleans.
CREATE TABLE region_state_policies (
    region_id   VARCHAR(36) COLLATE "C" NOT NULL PRIMARY KEY REFERENCES regions (uuid) ON DELETE CASCADE,
    lifecycle   VARCHAR(16) NOT NULL CHECK (lifecycle IN ('ephemeral', 'persistent', 'premium')),
    state_parts TEXT        NOT NULL
);
CREATE INDEX region_state_policies_lifecycle ON region_state_policies (lifecycle, region_id);

-- How far a long operation (snapshot, restore) has come: one row per operation, replaced as the
-- bridge reports. bytes_total 0 = not known yet.
CREATE TABLE operation_progress (
    operation_id BIGINT      NOT NULL PRIMARY KEY REFERENCES operations (id) ON DELETE CASCADE,
    fraction     DOUBLE PRECISION NOT NULL,
    bytes_done   BIGINT      NOT NULL,
    bytes_total  BIGINT      NOT NULL,
    phase        VARCHAR(32) NOT NULL,
    updated_at   VARCHAR(32) NOT NULL
);
