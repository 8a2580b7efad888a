-- VergeGrid schema 13 (MariaDB/MySQL): an audited change's event lives in its audit row (issue 16,
-- docs/events.md "Where events are stored"). Under group commit every create wrote an audit row
-- and an events row, two B-trees inside the write lock; the second was ~4.5 % of the create rate
-- (docs/benchmarks.md, "Where the bus's cost sits"). From this schema on the SQLite plugin numbers
-- audit rows and events from one sequence, so that an audit row's id is its event's seq, and keeps
-- the event's columns in the audit row: events holds only the events of changes that are not
-- audited (an operation's result, a simulator's state). A row with event_id '' carries no event.
-- events_pruned.last_seq is the greatest seq ever given to an event, kept on each write, so that
-- the newest event is known without looking for it among the audit rows; audit_events_after is
-- the newest audit id before this schema (no row up to it holds an event), so that reading the
-- outbox never walks the audit rows an upgraded database already had.
-- PostgreSQL and MariaDB gain the same columns (the backends keep one set of tables) and leave
-- them empty: they write one events row per event as before.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 014_*.sql instead.

ALTER TABLE audit_log
    ADD COLUMN event_id VARCHAR(64) NOT NULL DEFAULT '',
    ADD COLUMN event_type VARCHAR(255) NOT NULL DEFAULT '',
    ADD COLUMN event_subject VARCHAR(255) NOT NULL DEFAULT '',
    ADD COLUMN event_time VARCHAR(40) NOT NULL DEFAULT '',
    ADD COLUMN event_document LONGTEXT NOT NULL DEFAULT '';
ALTER TABLE events_pruned ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE events_pruned ADD COLUMN audit_events_after BIGINT NOT NULL DEFAULT 0;
