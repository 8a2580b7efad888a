// Which events a subscriber wants: by type (exact, or a prefix ending in '*':
// "org.vergegrid.region.*") and by subject. Empty lists want everything.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vergegrid::control {

struct EventFilter {
    std::vector<std::string> types;
    std::vector<std::string> subjects;

    bool matches(const std::string& type, const std::string& subject) const;

    static constexpr std::size_t kMaxEntries = 50;
    static constexpr std::size_t kMaxEntryBytes = 256;
};

// Checks a list given by a client (`field`: types or subjects): at most kMaxEntries non-empty
// strings of at most kMaxEntryBytes; a type pattern has '*' at its end only. Throws DomainError
// invalid_field naming `field`.
std::vector<std::string> checked_filter_list(const nlohmann::json& value, const std::string& field);
// The same for a comma-separated query parameter.
std::vector<std::string> checked_filter_list(const std::string& text, const std::string& field);

// Stored form: a JSON array ("" reads as empty).
std::string filter_list_text(const std::vector<std::string>& values);
std::vector<std::string> filter_list_from_text(const std::string& text);

}  // namespace vergegrid::control
