// Percent-decoding of paths and query strings (RFC 3986, plus form-style '+' in queries).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vergegrid::kernel::http {

// nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// "a=1&b=x%20y&flag" → {a:"1", b:"x y", flag:""}. A repeated key keeps its last value.
// Throws ApiError 400 "invalid_query" for a malformed escape.
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace vergegrid::kernel::http
