// Which part of a semantic version a change bumps (docs/versioning.md has the rule).
#pragma once

#include <string>

#include "vergegrid/plugin_api/semver.hpp"

namespace vergegrid::control {

enum class Bump { none = 0, patch = 1, minor = 2, major = 3 };

std::string to_string(Bump bump);
// 1.4.2 + minor = 1.5.0; + major = 2.0.0; + none = unchanged.
plugin_api::SemVer bumped(const plugin_api::SemVer& version, Bump bump);

}  // namespace vergegrid::control
