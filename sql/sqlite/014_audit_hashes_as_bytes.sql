-- VergeGrid schema 14 (SQLite): the audit chain's prev_hash and hash are kept as their 32 bytes
-- (a BLOB) instead of 64 hex digits (docs/event-storage.md, "The hashes as bytes"): 64 bytes less
-- per chained row, so that an audited create's row fits three to a 4 KiB page again. The rows
-- schemas 11 to 13 wrote are rewritten here in the new form. The number matters as much: a
-- VergeGrid that only knows schema 13 would read the bytes as text and break the chain, and it
-- refuses a database whose schema is newer than it knows.
-- vergegrid_hash_bytes() is the SQLite plugin's own SQL function (plugins/storage/sqlite/
-- hash_bytes.*), added to each of its connections: only a text of 64 lower-case hex digits
-- becomes bytes, anything else ('' before the first chained row) stays as it is. The plugin reads
-- either form back as hex (Dialect::hash_as_hex).
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 015_*.sql instead.

UPDATE audit_log
    SET prev_hash = vergegrid_hash_bytes(prev_hash), hash = vergegrid_hash_bytes(hash)
    WHERE hash <> '';
