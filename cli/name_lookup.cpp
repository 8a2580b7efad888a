#include "cli/name_lookup.hpp"

#include <cctype>

namespace vergegrid::cli {

bool looks_like_uuid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) {
            return false;
        }
    }
    return true;
}

std::string pick_by_name(const Json& items, const EntityKind& kind, const std::string& name) {
    std::vector<std::string> ids;
    if (items.is_array()) {
        for (const auto& item : items) {
            if (!item.is_object() || item.value(std::string(kind.name_field), Json()) != name) {
                continue;
            }
            const Json id = item.value("id", Json());
            if (!id.is_string() || id.get<std::string>().empty()) {
                throw CliError(ExitCode::server_error, "the server listed " +
                                                           std::string(kind.name) + " '" + name +
                                                           "' without an id");
            }
            ids.push_back(id.get<std::string>());
        }
    }
    if (ids.empty()) {
        throw CliError(ExitCode::not_found,
                       "no " + std::string(kind.name) + " named '" + name + "'");
    }
    if (ids.size() > 1) {
        std::string list;
        for (const auto& id : ids) {
            list += (list.empty() ? "" : ", ") + id;
        }
        throw CliError(ExitCode::usage, "'" + name + "' names " + std::to_string(ids.size()) + " " +
                                            std::string(kind.plural) + " (" + list +
                                            "); pass an id");
    }
    return ids.front();
}

std::string resolve_id(Api& api, const EntityKind& kind, const std::string& id_or_name) {
    if (id_or_name.empty()) {
        throw CliError(ExitCode::usage, "an empty " + std::string(kind.name) + " id or name");
    }
    if (looks_like_uuid(id_or_name)) {
        return id_or_name;
    }
    Query query;
    if (kind.filter_by_name) {
        query.emplace_back("name_prefix", id_or_name);
    }
    ListOptions options;
    options.all = true;
    const Json listing = api.list(std::string(kind.path), query, options);
    return pick_by_name(listing.at("items"), kind, id_or_name);
}

}  // namespace vergegrid::cli
