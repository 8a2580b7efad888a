// The current time as the storage model writes times: ISO-8601 UTC with milliseconds.
#pragma once

#include <string>

namespace vergegrid::plugins::sql {

// "2026-11-26T21:48:00.123Z"
std::string utc_now_iso8601();

}  // namespace vergegrid::plugins::sql
