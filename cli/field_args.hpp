// The body of a create or update: `--set key=value` assignments over an optional `--file` document.
// Dotted keys build nested objects (flags.max_prims=100 → {"flags":{"max_prims":100}}); a value
// that parses as JSON (numbers, true, false, null, arrays, objects, "quoted strings") is taken as
// that JSON, anything else as a string.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/api.hpp"

namespace vergegrid::cli {

Json parse_set_value(std::string_view text);

// Applies one "a.b.c=value" to `body`; a later assignment to the same key wins. CliError(usage) for
// a missing '=', an empty key segment, or a key that descends into a value that is not an object.
void apply_assignment(Json& body, std::string_view assignment);

// `overlay` written over `base`: objects merge key by key, any other value replaces.
void merge_over(Json& base, const Json& overlay);

// The JSON object in `source` (a file, or "-" for `in`); CliError(usage) if unreadable or not an
// object.
Json read_json_document(const std::string& source, std::istream& in);

// The file's object (if any) with the assignments applied over it.
Json request_body(const std::vector<std::string>& assignments,
                  const std::optional<std::string>& file, std::istream& in);

}  // namespace vergegrid::cli
