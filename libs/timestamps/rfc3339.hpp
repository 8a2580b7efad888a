// RFC 3339 UTC timestamps ("2027-01-31T12:00:00Z", "2027-01-31T12:00:00.250Z") read strictly into
// time points. Stored expiries are compared through these, never as text: as text "9999" sorts
// after every real date and "garbage" after every digit, which made such tokens never expire.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vergegrid::timestamps {

using UtcTime = std::chrono::sys_time<std::chrono::milliseconds>;

// nullopt unless `text` is YYYY-MM-DDTHH:MM:SS, an optional fraction of 1 to 9 digits (kept to the
// millisecond), then "Z" (or "+00:00"): a real calendar date, hours 00-23, minutes and seconds
// 00-59. Lower-case "t" and "z" are accepted, as RFC 3339 allows.
std::optional<UtcTime> parse_utc(std::string_view text);

// The control plane's stored form: "2027-01-31T12:00:00.250Z" (millisecond precision).
std::string format_utc(UtcTime time);

}  // namespace vergegrid::timestamps
