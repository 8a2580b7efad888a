#include "control/events/event_filter.hpp"

#include <algorithm>

#include "control/domain/domain_error.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::control {

namespace {

bool type_matches(const std::string& pattern, const std::string& type) {
    if (!pattern.empty() && pattern.back() == '*') {
        return type.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    }
    return pattern == type;
}

void check_entry(const std::string& value, const std::string& field) {
    if (value.empty() || value.size() > EventFilter::kMaxEntryBytes) {
        throw DomainError::invalid_field(field, "entries must be 1 to 256 bytes");
    }
    const auto star = value.find('*');
    // "types"/"subjects" in a webhook's body, "type"/"subject" as the events routes' parameters.
    const bool types = field == "types" || field == "type";
    const bool subjects = field == "subjects" || field == "subject";
    if (types && star != std::string::npos && star != value.size() - 1) {
        throw DomainError::invalid_field(field, "'*' may only end a type pattern");
    }
    if (subjects && star != std::string::npos) {
        throw DomainError::invalid_field(field, "subjects are exact: no '*'");
    }
}

std::vector<std::string> checked(std::vector<std::string> values, const std::string& field) {
    if (values.size() > EventFilter::kMaxEntries) {
        throw DomainError::invalid_field(field, "at most 50 entries");
    }
    for (const auto& value : values) {
        check_entry(value, field);
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

}  // namespace

bool EventFilter::matches(const std::string& type, const std::string& subject) const {
    const bool type_ok =
        types.empty() || std::any_of(types.begin(), types.end(), [&](const std::string& pattern) {
            return type_matches(pattern, type);
        });
    return type_ok && (subjects.empty() ||
                       std::find(subjects.begin(), subjects.end(), subject) != subjects.end());
}

std::vector<std::string> checked_filter_list(const nlohmann::json& value,
                                             const std::string& field) {
    if (value.is_null()) {
        return {};
    }
    if (!value.is_array()) {
        throw DomainError::invalid_field(field, "must be an array of strings");
    }
    std::vector<std::string> values;
    for (const auto& entry : value) {
        if (!entry.is_string()) {
            throw DomainError::invalid_field(field, "must be an array of strings");
        }
        values.push_back(entry.get<std::string>());
    }
    return checked(std::move(values), field);
}

std::vector<std::string> checked_filter_list(const std::string& text, const std::string& field) {
    std::vector<std::string> values;
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
        const auto comma = text.find(',', start);
        values.push_back(
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return checked(std::move(values), field);
}

std::string filter_list_text(const std::vector<std::string>& values) {
    return nlohmann::json(values).dump();
}

std::vector<std::string> filter_list_from_text(const std::string& text) {
    if (text.empty()) {
        return {};
    }
    try {
        return strict_json::parse(text).get<std::vector<std::string>>();
    } catch (const std::exception&) {
        return {};
    }
}

}  // namespace vergegrid::control
