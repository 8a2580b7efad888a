#include "config_values.hpp"

#include <charconv>
#include <limits>
#include <system_error>

namespace vergegrid::plugins::sql {

using plugin_api::ConfigError;

std::string value_or(const plugin_api::ConfigSection& section, const std::string& key,
                     const std::string& fallback) {
    const auto it = section.find(key);
    return it == section.end() ? fallback : it->second;
}

int parse_int_in_range(const std::string& key, const std::string& text, int min, int max,
                       std::string_view unit) {
    int value = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    const bool is_number = !text.empty() && text.front() != '-' && ec == std::errc{} && end == last;
    if (!is_number || value < min || value > max) {
        std::string range =
            min == 1 && max == std::numeric_limits<int>::max()
                ? "a positive integer"
                : "an integer from " + std::to_string(min) + " to " + std::to_string(max);
        throw ConfigError(key,
                          "must be " + range + " (" + std::string(unit) + "), got '" + text + "'");
    }
    return value;
}

int int_or(const plugin_api::ConfigSection& section, const std::string& key, int fallback, int min,
           int max, std::string_view unit) {
    const auto it = section.find(key);
    return it == section.end() ? fallback : parse_int_in_range(key, it->second, min, max, unit);
}

std::string quote_connect_value(const std::string& value) {
    std::string quoted = "'";
    for (const char c : value) {
        if (c == '\\' || c == '\'') {
            quoted.push_back('\\');
        }
        quoted.push_back(c);
    }
    quoted.push_back('\'');
    return quoted;
}

}  // namespace vergegrid::plugins::sql
