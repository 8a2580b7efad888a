-- VergeGrid schema 11 (MariaDB/MySQL): the event bus (issue 16, docs/events.md). events is the
-- transactional outbox: every grid event is written in the transaction of its change, and its seq
-- grows in commit order because every read-write transaction holds the grid's write lock (the
-- grid_lock row, SELECT ... FOR UPDATE) until it ends. AUTO_INCREMENT: the seq of a new row comes
-- from LAST_INSERT_ID() on the same connection; InnoDB keeps the counter across restarts (MariaDB
-- 10.2.4 and later), so a seq is never reused. events_pruned keeps the greatest seq
-- delete_events ever removed, so that the last seq ever assigned is known after the outbox was
-- emptied. event_subscriptions are where events go (a webhook, a NATS stream) with the seq up to
-- which each has them (cursor_seq: CURSOR is a reserved word here); event_deliveries logs every
-- attempt, dead letters included. audit_log gains its hash chain: rows written before schema 11
-- keep '' in both columns ("unchained"). Documents are LONGTEXT (a region's event carries the
-- whole region). Indexes are declared inside CREATE TABLE: MariaDB commits each DDL statement by
-- itself (sql/README.md), so the fewer there are, the smaller the window a failure could leave
-- half done.
-- audit_id names the audit row whose document is the event's data (0: the document carries
-- it), so that a change's entity is stored once.
-- events has no key but seq: every create writes one, and each further B-tree is paid inside
-- the write lock (docs/benchmarks.md, issue 16). Ids are fresh UUIDs; pruning walks from the
-- oldest seq.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 012_*.sql instead.

CREATE TABLE events (
    seq      BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    id       VARCHAR(64)  NOT NULL,
    type     VARCHAR(255) NOT NULL,
    subject  VARCHAR(255) NOT NULL,
    time     VARCHAR(40)  NOT NULL,
    document LONGTEXT     NOT NULL,
    audit_id BIGINT       NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE events_pruned (
    id          INTEGER NOT NULL PRIMARY KEY,
    through_seq BIGINT  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO events_pruned (id, through_seq) VALUES (1, 0);

-- No foreign key from event_deliveries: delete_subscription deletes a subscription's deliveries
-- itself.
CREATE TABLE event_subscriptions (
    id         VARCHAR(128) NOT NULL PRIMARY KEY,
    sink       VARCHAR(64)  NOT NULL,
    name       VARCHAR(255) NOT NULL,
    target     TEXT         NOT NULL,
    types      TEXT         NOT NULL,
    subjects   TEXT         NOT NULL,
    state      VARCHAR(16)  NOT NULL,
    cursor_seq BIGINT       NOT NULL,
    created_at VARCHAR(40)  NOT NULL,
    updated_at VARCHAR(40)  NOT NULL,
    INDEX event_subscriptions_sink (sink, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE event_deliveries (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    subscription_id VARCHAR(128) NOT NULL,
    event_seq       BIGINT       NOT NULL,
    event_id        VARCHAR(64)  NOT NULL,
    event_type      VARCHAR(255) NOT NULL,
    at              VARCHAR(40)  NOT NULL,
    state           VARCHAR(16)  NOT NULL,
    attempt         INTEGER      NOT NULL,
    status          INTEGER      NOT NULL,
    duration_ms     INTEGER      NOT NULL,
    error           TEXT         NOT NULL,
    INDEX event_deliveries_subscription (subscription_id, id),
    INDEX event_deliveries_state (subscription_id, state, id),
    INDEX event_deliveries_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE audit_log
    ADD COLUMN prev_hash VARCHAR(64) NOT NULL DEFAULT '',
    ADD COLUMN hash VARCHAR(64) NOT NULL DEFAULT '';
