// Reading a plugin's configuration values. Every helper throws plugin_api::ConfigError naming
// the key, so the host reports "<kind>.<name>.<key>: <message>".
#pragma once

#include <string>
#include <string_view>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugins::sql {

// The value of `key`, or `fallback` when the key is absent.
std::string value_or(const plugin_api::ConfigSection& section, const std::string& key,
                     const std::string& fallback);

// A decimal integer in [min, max], no sign, blanks or other characters; `unit` goes into the
// message ("milliseconds", "connections").
int parse_int_in_range(const std::string& key, const std::string& text, int min, int max,
                       std::string_view unit);

// The integer value of `key` in [min, max], or `fallback` when the key is absent.
int int_or(const plugin_api::ConfigSection& section, const std::string& key, int fallback, int min,
           int max, std::string_view unit);

// Quotes a value for a key=value connection string ('...' with \ and ' escaped), the syntax
// both libpq and SOCI's MySQL backend read.
std::string quote_connect_value(const std::string& value);

}  // namespace vergegrid::plugins::sql
