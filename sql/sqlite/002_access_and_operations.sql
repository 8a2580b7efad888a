-- VergeGrid schema 2 (SQLite): operators (users, their API tokens and sessions), simulators with
-- their registration tokens and keys, and the operation queue simulators apply (plugin ABI 1.1:
-- AccessStore, OperationStore).
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 003_*.sql instead.
--
-- Secrets are never stored: *_hash columns hold SHA-256 hex of high-entropy tokens and keys, and
-- users.password_hash an Argon2id encoded string ('' = token-only user). Optional times are ''
-- when unset, like everywhere else; only the simulators' key hashes are NULL when unset, so that
-- their unique index never sees two empty keys collide.

CREATE TABLE users (
    id            VARCHAR(36)  NOT NULL PRIMARY KEY,
    name          VARCHAR(255) NOT NULL UNIQUE,
    role          VARCHAR(16)  NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    password_hash VARCHAR(255) NOT NULL,
    disabled      INTEGER      NOT NULL CHECK (disabled IN (0, 1)),
    created_at    VARCHAR(32)  NOT NULL
);

-- An operator's bearer token (kind 'api') or web session (kind 'session'). expires_at '' = never,
-- revoked_at '' = not revoked.
CREATE TABLE access_tokens (
    id         VARCHAR(36)  NOT NULL PRIMARY KEY,
    token_hash VARCHAR(128) NOT NULL UNIQUE,
    kind       VARCHAR(16)  NOT NULL CHECK (kind IN ('api', 'session')),
    user_id    VARCHAR(36)  NOT NULL REFERENCES users (id),
    label      VARCHAR(255) NOT NULL,
    created_at VARCHAR(32)  NOT NULL,
    expires_at VARCHAR(32)  NOT NULL,
    revoked_at VARCHAR(32)  NOT NULL
);
CREATE INDEX access_tokens_user ON access_tokens (user_id);

-- labels is a JSON array of strings, given to the simulator that registers with the token.
-- used_at '' = unused; set once by the registration that consumes it. No foreign key on
-- used_by_simulator: the token is consumed in the transaction that creates the simulator, in
-- whichever order the control plane writes them.
CREATE TABLE registration_tokens (
    id                VARCHAR(36)  NOT NULL PRIMARY KEY,
    token_hash        VARCHAR(128) NOT NULL UNIQUE,
    labels            TEXT         NOT NULL,
    created_by        VARCHAR(255) NOT NULL,
    created_at        VARCHAR(32)  NOT NULL,
    expires_at        VARCHAR(32)  NOT NULL,
    used_at           VARCHAR(32)  NOT NULL,
    used_by_simulator VARCHAR(64)  NOT NULL
);

-- key_hash and previous_key_hash are NULL when the simulator has no such key. A previous key stays
-- valid until previous_key_expires_at ('' = no previous key) while a rotated key rolls out.
-- cpu_load, memory_load and region_count are observed (heartbeats), not desired state.
CREATE TABLE simulators (
    id                      VARCHAR(64)   NOT NULL PRIMARY KEY,
    hostname                VARCHAR(255)  NOT NULL,
    labels                  TEXT          NOT NULL,
    capacity                INTEGER       NOT NULL,
    push_url                VARCHAR(1024) NOT NULL,
    state                   VARCHAR(16)   NOT NULL CHECK (state IN ('registered', 'online', 'offline', 'cordoned', 'revoked')),
    key_hash                VARCHAR(128)  NULL UNIQUE,
    previous_key_hash       VARCHAR(128)  NULL,
    previous_key_expires_at VARCHAR(32)   NOT NULL,
    registered_at           VARCHAR(32)   NOT NULL,
    last_heartbeat_at       VARCHAR(32)   NOT NULL,
    cpu_load                REAL          NOT NULL,
    memory_load             REAL          NOT NULL,
    region_count            INTEGER       NOT NULL
);
CREATE INDEX simulators_previous_key ON simulators (previous_key_hash);
CREATE INDEX simulators_hostname ON simulators (hostname, id);

-- The durable queue of operations simulators apply, written in the transaction of the region
-- change it carries. AUTOINCREMENT: ids are never reused, so they only grow. No foreign keys: an
-- operation (a delete above all) outlives its region, and the queue is a log of what was sent.
-- spec is the region as JSON at that version ('' for delete), result the bridge's JSON report
-- ('' until then), due_at the earliest delivery time of a lazy operation ('' = at once).
CREATE TABLE operations (
    id                   INTEGER     PRIMARY KEY AUTOINCREMENT,
    simulator_id         VARCHAR(64) NOT NULL,
    region_uuid          VARCHAR(36) NOT NULL,
    kind                 VARCHAR(32) NOT NULL,
    op_class             VARCHAR(16) NOT NULL CHECK (op_class IN ('eager', 'lazy')),
    region_version_major INTEGER     NOT NULL,
    region_version_minor INTEGER     NOT NULL,
    region_version_patch INTEGER     NOT NULL,
    spec                 TEXT        NOT NULL,
    state                VARCHAR(16) NOT NULL CHECK (state IN ('pending', 'delivered', 'succeeded', 'failed')),
    attempts             INTEGER     NOT NULL,
    result               TEXT        NOT NULL,
    created_at           VARCHAR(32) NOT NULL,
    updated_at           VARCHAR(32) NOT NULL,
    due_at               VARCHAR(32) NOT NULL
);
CREATE INDEX operations_simulator_state ON operations (simulator_id, state, id);
CREATE INDEX operations_region_simulator_state ON operations (region_uuid, simulator_id, state);
