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

// A random (version 4) UUID in lower-case canonical form.
std::string new_uuid();

// `now` moved by `seconds`, in the same format.
std::string iso8601_plus_seconds(const std::string& now, long seconds);
// Whole seconds from `from` to `to` (negative when `to` is earlier); both from now_iso8601().
long seconds_between(const std::string& from, const std::string& to);

}  // namespace vergegrid::control
