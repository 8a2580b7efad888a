// Identifiers and timestamps the control plane stamps on records.
#pragma once

#include <string>

namespace vergegrid::control {

// UTC, millisecond precision, lexically ordered: "2026-11-26T21:48:00.123Z".
std::string now_iso8601();

// now_iso8601() for a record's created_at where lists show the newest first (migrations,
// batches, snapshots): strictly later than every value it returned before in this process, a
// millisecond on when two records are made in the same one. Otherwise two rows made within one
// millisecond would list in the order of their random ids, not the order they were made.
std::string creation_time_iso8601();

// A new record's id: a UUID in lower-case canonical form, version 7 (RFC 9562): the time in
// milliseconds, a 12-bit counter that keeps ids made later greater within this process, then 62
// random bits. Time-ordered rather than random (version 4) so that a new row's key goes
// to the right edge of every index keyed by it (regions' primary key, region_history,
// audit_log_entity, snapshots...) instead of a random page of each: on SQLite, fewer pages
// written per create and copied by each checkpoint; on PostgreSQL, fewer full-page images in its
// WAL (docs/benchmarks.md "Time-ordered ids"). Ids are names, not secrets: none grants access.
std::string new_uuid();

// `now` moved by `seconds`, in the same format.
std::string iso8601_plus_seconds(const std::string& now, long seconds);
// Whole seconds from `from` to `to` (negative when `to` is earlier); both from now_iso8601().
long seconds_between(const std::string& from, const std::string& to);

}  // namespace vergegrid::control
