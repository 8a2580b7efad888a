#include "grid_facts.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace vergegrid::blueprint {

namespace {

using plugin_api::ParameterError;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

nlohmann::json facts(const std::string& text) {
    auto list = nlohmann::json::parse(text, nullptr, false);
    return list.is_array() ? list : nlohmann::json::array();
}

// The entry whose id is `wanted`, else the one whose name is (ignoring case); null if none.
nlohmann::json find(const nlohmann::json& list, const std::string& wanted) {
    for (const auto& entry : list) {
        if (entry.value("id", "") == wanted) {
            return entry;
        }
    }
    for (const auto& entry : list) {
        if (lower(entry.value("name", "")) == lower(wanted)) {
            return entry;
        }
    }
    return nullptr;
}

}  // namespace

TemplateFacts find_template(const plugin_api::BlueprintInput& input, const std::string& field,
                            const std::string& wanted) {
    const auto entry = find(facts(input.templates), wanted);
    if (entry.is_null()) {
        throw ParameterError(field, "no template with id or name '" + wanted + "'");
    }
    TemplateFacts found;
    found.id = entry.value("id", "");
    found.cells_x = std::max(1, entry.value("size_x", 256) / 256);
    found.cells_y = std::max(1, entry.value("size_y", 256) / 256);
    return found;
}

std::string find_estate(const plugin_api::BlueprintInput& input, const std::string& field,
                        const std::string& wanted) {
    const auto estates = facts(input.estates);
    if (wanted.empty()) {
        if (estates.size() != 1) {
            throw ParameterError(field, estates.empty() ? "the grid has no estate: create one first"
                                                        : "the grid has several estates: name one");
        }
        return estates[0].value("id", "");
    }
    const auto entry = find(estates, wanted);
    if (entry.is_null()) {
        throw ParameterError(field, "no estate with id or name '" + wanted + "'");
    }
    return entry.value("id", "");
}

}  // namespace vergegrid::blueprint
