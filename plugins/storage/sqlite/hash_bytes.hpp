// The audit chain's hashes kept as their 32 bytes rather than 64 hex digits (Dialect::store_hash,
// sqlite_dialect.cpp): an audited create's row is 64 bytes shorter (docs/event-storage.md, "The
// hashes as bytes"). SQLite 3.40 has no unhex(), so writing needs the function registered here;
// reading back is plain SQL (lower(hex())), so the file stays readable by any SQLite tool.
#pragma once

namespace soci {
class session;
}

namespace vergegrid::plugins::sqlite {

// SQL: vergegrid_hash_bytes(x). A text of 64 lower-case hex digits becomes its 32 bytes (a
// BLOB); anything else (the first row's "" prev_hash, a hash of another form) comes back as it
// is, so that reading it back with lower(hex()) or as text gives exactly what was written.
void add_hash_bytes_function(soci::session& sql);

}  // namespace vergegrid::plugins::sqlite
