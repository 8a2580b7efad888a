// Operators name regions, estates and templates by id or by name. An argument shaped like a UUID
// is an id; anything else is a name, looked up by listing (with ?name_prefix= where the API has it)
// and matching exactly.
#pragma once

#include <string>
#include <string_view>

#include "cli/api.hpp"
#include "cli/entity_kind.hpp"

namespace vergegrid::cli {

bool looks_like_uuid(std::string_view text);

// The id of the one item of `items` named `name`; CliError(not_found) when none is,
// CliError(usage) when several are.
std::string pick_by_name(const Json& items, const EntityKind& kind, const std::string& name);

// The id for an id or a name; an id is returned as given, without asking the server.
std::string resolve_id(Api& api, const EntityKind& kind, const std::string& id_or_name);

}  // namespace vergegrid::cli
