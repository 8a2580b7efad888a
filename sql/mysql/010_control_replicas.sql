-- VergeGrid schema 10: the control-plane replicas on this database (issue 15, docs/ha.md). Each
-- replica writes its own row on every heartbeat (ReplicaStore::save_replica); GET
-- /api/v1/cluster lists the rows, live when seen within three heartbeats. seen_at and started_at
-- are RFC 3339 UTC text like every other timestamp here, so they compare as text.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 011_*.sql instead.

CREATE TABLE control_replicas (
    id         VARCHAR(64)  NOT NULL PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    url        VARCHAR(2048) NOT NULL,
    version    VARCHAR(64)  NOT NULL,
    started_at VARCHAR(40)  NOT NULL,
    seen_at    VARCHAR(40)  NOT NULL,
    is_leader  INTEGER      NOT NULL CHECK (is_leader IN (0, 1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
