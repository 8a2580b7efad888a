// Identifiers and timestamps the control plane stamps on records.
#pragma once

#include <string>

namespace vergegrid::control {

// UTC, millisecond precision, lexically ordered: "2026-11-26T21:48:00.123Z".
std::string now_iso8601();

// A random (version 4) UUID in lower-case canonical form.
std::string new_uuid();

bool is_uuid(const std::string& text);

}  // namespace vergegrid::control
