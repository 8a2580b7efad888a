-- VergeGrid schema 1 (PostgreSQL): estates, templates and their versions, regions with their
-- supplement tables, region history, the audit log and the grid lock.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 002_*.sql instead.

CREATE TABLE estates (
    id         VARCHAR(36)  NOT NULL PRIMARY KEY,
    name       VARCHAR(255) COLLATE "C" NOT NULL UNIQUE,
    owner      VARCHAR(255) NOT NULL,
    created_at VARCHAR(32)  NOT NULL,
    updated_at VARCHAR(32)  NOT NULL
);

-- The latest version of each template; every version is kept in template_versions.
CREATE TABLE templates (
    id            VARCHAR(36)  NOT NULL PRIMARY KEY,
    name          VARCHAR(255) COLLATE "C" NOT NULL UNIQUE,
    version_major INTEGER      NOT NULL CHECK (version_major >= 0),
    version_minor INTEGER      NOT NULL CHECK (version_minor >= 0),
    version_patch INTEGER      NOT NULL CHECK (version_patch >= 0),
    spec          TEXT         NOT NULL,
    created_at    VARCHAR(32)  NOT NULL,
    updated_at    VARCHAR(32)  NOT NULL
);

CREATE TABLE template_versions (
    template_id VARCHAR(36)  NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
    major       INTEGER      NOT NULL,
    minor       INTEGER      NOT NULL,
    patch       INTEGER      NOT NULL,
    spec        TEXT         NOT NULL,
    actor       VARCHAR(255) NOT NULL,
    at          VARCHAR(32)  NOT NULL,
    PRIMARY KEY (template_id, major, minor, patch)
);

-- Desired state of a region: exactly the seed's columns. Everything else lives in supplements.
CREATE TABLE regions (
    uuid              VARCHAR(36)  NOT NULL PRIMARY KEY,
    name              VARCHAR(255) COLLATE "C" NOT NULL UNIQUE,
    estate_id         VARCHAR(36)  NOT NULL REFERENCES estates (id),
    template_id       VARCHAR(36)  NULL REFERENCES templates (id),
    loc_x             INTEGER      NOT NULL,
    loc_y             INTEGER      NOT NULL,
    size_x            INTEGER      NOT NULL CHECK (size_x > 0 AND size_x % 256 = 0),
    size_y            INTEGER      NOT NULL CHECK (size_y > 0 AND size_y % 256 = 0),
    port              INTEGER      NOT NULL CHECK (port BETWEEN 1 AND 65535),
    host              VARCHAR(255) NOT NULL,
    physics_type      VARCHAR(64)  NOT NULL,
    terrain_preset    VARCHAR(255) NOT NULL,
    draw_distance_cap INTEGER      NOT NULL CHECK (draw_distance_cap >= 0),
    version_major     INTEGER      NOT NULL,
    version_minor     INTEGER      NOT NULL,
    version_patch     INTEGER      NOT NULL,
    region_state_mode VARCHAR(16)  NOT NULL CHECK (region_state_mode IN ('minimal', 'full', 'hybrid')),
    UNIQUE (host, port)
);
CREATE INDEX regions_estate ON regions (estate_id);
CREATE INDEX regions_template ON regions (template_id);
CREATE INDEX regions_location ON regions (loc_x, loc_y);

CREATE TABLE region_environment (
    region_uuid        VARCHAR(36)  NOT NULL PRIMARY KEY REFERENCES regions (uuid) ON DELETE CASCADE,
    water_height       DOUBLE PRECISION NOT NULL,
    sun_fixed          INTEGER      NOT NULL CHECK (sun_fixed IN (0, 1)),
    sun_position       DOUBLE PRECISION NOT NULL,
    environment_preset VARCHAR(255) NOT NULL
);

CREATE TABLE region_terrain (
    region_uuid VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES regions (uuid) ON DELETE CASCADE,
    raise_limit DOUBLE PRECISION NOT NULL,
    lower_limit DOUBLE PRECISION NOT NULL
);

CREATE TABLE region_permissions (
    region_uuid     VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES regions (uuid) ON DELETE CASCADE,
    public_access   INTEGER     NOT NULL CHECK (public_access IN (0, 1)),
    allow_damage    INTEGER     NOT NULL CHECK (allow_damage IN (0, 1)),
    allow_terraform INTEGER     NOT NULL CHECK (allow_terraform IN (0, 1))
);

CREATE TABLE region_flags (
    region_uuid   VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES regions (uuid) ON DELETE CASCADE,
    enabled       INTEGER     NOT NULL CHECK (enabled IN (0, 1)),
    allow_voice   INTEGER     NOT NULL CHECK (allow_voice IN (0, 1)),
    allow_flying  INTEGER     NOT NULL CHECK (allow_flying IN (0, 1)),
    allow_scripts INTEGER     NOT NULL CHECK (allow_scripts IN (0, 1)),
    max_prims     INTEGER     NOT NULL,
    max_agents    INTEGER     NOT NULL
);

-- Observed state, reported by simulators. Nothing writes it yet; never part of desired state.
CREATE TABLE region_runtime (
    region_uuid      VARCHAR(36)  NOT NULL PRIMARY KEY REFERENCES regions (uuid) ON DELETE CASCADE,
    simulator_id     VARCHAR(64)  NULL,
    observed_state   VARCHAR(32)  NULL,
    observed_version VARCHAR(32)  NULL,
    health           VARCHAR(32)  NULL,
    reported_at      VARCHAR(32)  NULL,
    detail           TEXT         NULL
);

-- template_version_* are all NULL when the region was not made from a template.
CREATE TABLE region_template_data (
    region_uuid            VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES regions (uuid) ON DELETE CASCADE,
    template_version_major INTEGER     NULL,
    template_version_minor INTEGER     NULL,
    template_version_patch INTEGER     NULL,
    parcel_layout          TEXT        NOT NULL
);

-- No foreign key: the history of a region outlives the region. The column is change_kind, not
-- change: CHANGE is a reserved word in MariaDB/MySQL.
CREATE TABLE region_history (
    region_uuid   VARCHAR(36)  NOT NULL,
    version_major INTEGER      NOT NULL,
    version_minor INTEGER      NOT NULL,
    version_patch INTEGER      NOT NULL,
    change_kind   VARCHAR(32)  NOT NULL,
    spec          TEXT         NOT NULL,
    actor         VARCHAR(255) NOT NULL,
    request_id    VARCHAR(64)  NOT NULL,
    at            VARCHAR(32)  NOT NULL,
    PRIMARY KEY (region_uuid, version_major, version_minor, version_patch)
);

-- Label lists are JSON arrays of strings.
CREATE TABLE region_placement_rules (
    region_uuid      VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES regions (uuid) ON DELETE CASCADE,
    simulator_id     VARCHAR(64) NOT NULL,
    required_labels  TEXT        NOT NULL,
    preferred_labels TEXT        NOT NULL,
    anti_affinity    TEXT        NOT NULL
);

-- An identity column: the id of a new row comes back with INSERT ... RETURNING id.
-- before_doc/after_doc, not before/after: those are keywords in some dialects.
CREATE TABLE audit_log (
    id          BIGINT       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          VARCHAR(32)  NOT NULL,
    actor       VARCHAR(255) NOT NULL,
    action      VARCHAR(64)  NOT NULL,
    entity_type VARCHAR(32)  NOT NULL,
    entity_id   VARCHAR(64)  NOT NULL,
    request_id  VARCHAR(64)  NOT NULL,
    before_doc  TEXT         NOT NULL,
    after_doc   TEXT         NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor);
CREATE INDEX audit_log_at ON audit_log (at);

-- One row that PostgreSQL and MariaDB lock (SELECT ... FOR UPDATE) to serialise read-write
-- transactions (read-write transactions run at READ COMMITTED after taking it, so each one sees
-- everything committed before it).
CREATE TABLE grid_lock (
    id INTEGER NOT NULL PRIMARY KEY
);
INSERT INTO grid_lock (id) VALUES (1);
