#include "sim_bridge/estates/estate_spec.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "uuid_text/uuid_text.hpp"

namespace vergegrid::bridge {

namespace {

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string string_field(const nlohmann::json& estate, const char* key) {
    const auto it = estate.find(key);
    if (it == estate.end() || it->is_null()) {
        return "";
    }
    if (!it->is_string()) {
        throw std::invalid_argument(std::string("spec.estate.") + key + " must be a string");
    }
    return it->get<std::string>();
}

}  // namespace

EstateOwner parse_estate_owner(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    EstateOwner owner;
    if (text.empty()) {
        return owner;
    }
    if (const auto lower = lowercase(text); uuid_text::is_canonical(lower)) {
        owner.uuid = lower;
        return owner;
    }
    const auto space = text.find(' ');
    if (space == std::string_view::npos || text.find(' ', space + 1) != std::string_view::npos) {
        throw std::invalid_argument("spec.estate.owner '" + std::string(text) +
                                    "' is neither an avatar UUID nor \"First Last\"");
    }
    owner.first = std::string(text.substr(0, space));
    owner.last = std::string(text.substr(space + 1));
    return owner;
}

EstateSpec estate_from_spec(const nlohmann::json& spec) {
    const auto it = spec.find("estate");
    if (it == spec.end() || it->is_null()) {
        return {};
    }
    if (!it->is_object()) {
        throw std::invalid_argument("spec.estate must be an object {id, name, owner}");
    }
    // The owner's form is the control plane's to validate: one OpenSim cannot use only matters
    // when the estate has to be created (EstateSync then says so).
    return {string_field(*it, "id"), string_field(*it, "name"), string_field(*it, "owner")};
}

nlohmann::json estate_to_json(const EstateSpec& estate) {
    return {{"id", estate.id}, {"name", estate.name}, {"owner", estate.owner}};
}

EstateSpec estate_from_json(const nlohmann::json& json) {
    if (!json.is_object()) {
        return {};
    }
    return {json.value("id", ""), json.value("name", ""), json.value("owner", "")};
}

}  // namespace vergegrid::bridge
