// Optimistic concurrency in domain terms: a command may name the version it expects the entity
// to be at (the adapter reads it from If-Match); a command on an entity that moved on is refused.
#pragma once

#include <optional>

#include "vergegrid/plugin_api/semver.hpp"

namespace vergegrid::control {

// No expectation = no check. Throws DomainError precondition_failed "version_mismatch"
// (field "If-Match", the header the expectation came from).
void check_expected_version(const std::optional<plugin_api::SemVer>& expected,
                            const plugin_api::SemVer& current);

}  // namespace vergegrid::control
