// What the control plane accepts as a host its regions are reached on: a region's `host` and a
// simulator's `hostname` alike, since one ends up in the other (and in Regions.ini).
#pragma once

#include <string_view>

namespace vergegrid::control {

inline constexpr const char* kHostNameRule = "must be a host name, an IP address or SYSTEMIP";

// Letters, digits, '.', '-' and ':' (IPv6), not starting with '-' or '.': nothing that could
// break out of an INI line or a URL.
bool is_host_name(std::string_view text);

}  // namespace vergegrid::control
