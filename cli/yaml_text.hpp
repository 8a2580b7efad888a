// A JSON document written as YAML (yaml-cpp's emitter), so that `-o yaml` carries exactly what
// `-o json` does: the same keys in the same order, and every string read back as a string.
#pragma once

#include <string>

#include "cli/api.hpp"

namespace vergegrid::cli {

// Block style; empty arrays and objects as [] and {}; null as ~. A string a YAML 1.1 reader would
// take for something else (a number, a date, true, null, "") is double-quoted.
std::string to_yaml(const Json& document);

}  // namespace vergegrid::cli
