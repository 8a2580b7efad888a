-- VergeGrid schema 11: the event bus (issue 16, docs/events.md). events is the transactional
-- outbox: every grid event is written in the transaction of its change, and its seq grows in
-- commit order because every read-write transaction holds the grid's write lock (the grid_lock
-- row, SELECT ... FOR UPDATE) until it ends. An identity column: a seq is never reused, and comes
-- back with INSERT ... RETURNING. events_pruned keeps the greatest seq delete_events ever removed,
-- so that the last seq ever assigned is known after the outbox was emptied. event_subscriptions
-- are where events go (a webhook, a NATS stream) with the seq up to which each has them
-- (cursor_seq: CURSOR is reserved in MariaDB); event_deliveries logs every attempt, dead letters
-- included. audit_log gains its hash chain: rows written before schema 11 keep '' in both
-- columns ("unchained"). Columns that order a list or are compared as text are COLLATE "C"
-- (byte order, as SQLite and utf8mb4_bin).
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
    seq      BIGINT       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id       VARCHAR(64)  COLLATE "C" NOT NULL,
    type     VARCHAR(255) COLLATE "C" NOT NULL,
    subject  VARCHAR(255) COLLATE "C" NOT NULL,
    time     VARCHAR(40)  COLLATE "C" NOT NULL,
    document TEXT         NOT NULL,
    audit_id BIGINT       NOT NULL DEFAULT 0
);

CREATE TABLE events_pruned (
    id          INTEGER NOT NULL PRIMARY KEY,
    through_seq BIGINT  NOT NULL
);
INSERT INTO events_pruned (id, through_seq) VALUES (1, 0);

-- No foreign key from event_deliveries: delete_subscription deletes a subscription's deliveries
-- itself.
CREATE TABLE event_subscriptions (
    id         VARCHAR(128) COLLATE "C" NOT NULL PRIMARY KEY,
    sink       VARCHAR(64)  COLLATE "C" NOT NULL,
    name       VARCHAR(255) NOT NULL,
    target     TEXT         NOT NULL,
    types      TEXT         NOT NULL,
    subjects   TEXT         NOT NULL,
    state      VARCHAR(16)  NOT NULL,
    cursor_seq BIGINT       NOT NULL,
    created_at VARCHAR(40)  COLLATE "C" NOT NULL,
    updated_at VARCHAR(40)  NOT NULL
);
CREATE INDEX event_subscriptions_sink ON event_subscriptions (sink, created_at, id);

CREATE TABLE event_deliveries (
    id              BIGINT       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id VARCHAR(128) COLLATE "C" NOT NULL,
    event_seq       BIGINT       NOT NULL,
    event_id        VARCHAR(64)  NOT NULL,
    event_type      VARCHAR(255) NOT NULL,
    at              VARCHAR(40)  COLLATE "C" NOT NULL,
    state           VARCHAR(16)  COLLATE "C" NOT NULL,
    attempt         INTEGER      NOT NULL,
    status          INTEGER      NOT NULL,
    duration_ms     INTEGER      NOT NULL,
    error           TEXT         NOT NULL
);
CREATE INDEX event_deliveries_subscription ON event_deliveries (subscription_id, id);
CREATE INDEX event_deliveries_state ON event_deliveries (subscription_id, state, id);
CREATE INDEX event_deliveries_at ON event_deliveries (at);

ALTER TABLE audit_log
    ADD COLUMN prev_hash VARCHAR(64) COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN hash VARCHAR(64) COLLATE "C" NOT NULL DEFAULT '';
