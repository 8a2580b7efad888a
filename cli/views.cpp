#include "cli/views.hpp"

#include "cli/progress_bar.hpp"

namespace vergegrid::cli {

namespace {

Column member(std::string header, std::string key) {
    return {std::move(header),
            [key = std::move(key)](const Json& item) { return member_text(item, key); }};
}

// Two members joined, e.g. "1000,1000" or "512x512"; "-" when both are missing.
Column pair_of(std::string header, std::string first, std::string second, std::string separator) {
    return {std::move(header), [=](const Json& item) {
                const std::string a = member_text(item, first);
                const std::string b = member_text(item, second);
                return a == "-" && b == "-" ? std::string("-") : a + separator + b;
            }};
}

// A member of item["spec"] (template versions carry their spec nested).
Column spec_pair(std::string header, std::string first, std::string second, std::string separator) {
    auto inner = pair_of("", std::move(first), std::move(second), std::move(separator));
    return {std::move(header), [inner = std::move(inner)](const Json& item) {
                return inner.value(item.is_object() ? item.value("spec", Json()) : Json());
            }};
}

Column spec_member(std::string header, std::string key) {
    return {std::move(header), [key = std::move(key)](const Json& item) {
                return member_text(item.is_object() ? item.value("spec", Json()) : Json(), key);
            }};
}

// A pending region (docs/api.md, "Pending regions") has no host and port yet: "-".
Column host_port() {
    auto both = pair_of("", "host", "port", ":");
    return {"HOST:PORT", [both = std::move(both)](const Json& item) {
                return member_text(item, "placement_state") == "pending" ? std::string("-")
                                                                         : both.value(item);
            }};
}

std::string label(const Json& entity) {
    const std::string name = member_text(entity, "name");
    return name == "-" ? member_text(entity, "id") : name;
}

}  // namespace

std::vector<Column> entity_columns(const EntityKind& kind) {
    if (kind.name == kRegion.name) {
        return {member("NAME", "name"),
                member("ID", "id"),
                pair_of("LOC", "loc_x", "loc_y", ","),
                pair_of("SIZE", "size_x", "size_y", "x"),
                host_port(),
                member("PLACEMENT_STATE", "placement_state"),
                member("VERSION", "version")};
    }
    if (kind.name == kTemplate.name) {
        return {member("NAME", "name"),
                member("ID", "id"),
                member("VERSION", "version"),
                pair_of("SIZE", "size_x", "size_y", "x"),
                member("PHYSICS", "physics_type"),
                member("TERRAIN", "terrain_preset")};
    }
    return {member("NAME", "name"), member("ID", "id"), member("OWNER", "owner"),
            member("CREATED", "created_at")};
}

std::vector<Column> region_history_columns() {
    return {member("VERSION", "version"), member("CHANGE", "change"), member("ACTOR", "actor"),
            member("AT", "at"), member("REQUEST", "request_id")};
}

std::vector<Column> template_version_columns() {
    return {member("VERSION", "version"), member("ACTOR", "actor"), member("AT", "at"),
            spec_pair("SIZE", "size_x", "size_y", "x"), spec_member("PHYSICS", "physics_type")};
}

std::vector<Column> snapshot_columns() {
    return {member("ID", "id"),
            member("REGION", "region_name"),
            member("VERSION", "region_version"),
            member("STATE", "state"),
            member("REASON", "reason"),
            {"SIZE",
             [](const Json& item) {
                 const auto it = item.find("size_bytes");
                 return it != item.end() && it->is_number_integer() && it->get<std::int64_t>() > 0
                            ? human_bytes(it->get<std::int64_t>())
                            : std::string("-");
             }},
            member("CREATED", "created_at")};
}

std::vector<Column> region_settings_columns() {
    return {member("FIELD", "path"), member("APPLIED", "application"),
            member("MECHANISM", "mechanism")};
}

// A member of item["load"].
Column load_member(std::string header, std::string key) {
    return {std::move(header), [key = std::move(key)](const Json& item) {
                return member_text(item.is_object() ? item.value("load", Json()) : Json(), key);
            }};
}

std::vector<Column> simulator_columns() {
    return {member("ID", "id"),        member("HOSTNAME", "hostname"),
            member("STATE", "state"),  load_member("REGIONS", "regions"),
            load_member("CPU", "cpu"), member("LAST HEARTBEAT", "last_heartbeat_at")};
}

std::vector<Column> drain_columns() {
    return {member("REGION", "region"), member("PLACED", "placed"),
            member("SIMULATOR", "simulator_id"), pair_of("HOST:PORT", "host", "port", ":"),
            member("REASON", "reason")};
}

std::vector<Column> operation_columns() {
    return {member("ID", "id"),
            member("KIND", "kind"),
            member("CLASS", "class"),
            member("STATE", "state"),
            member("REGION", "region_id"),
            member("VERSION", "region_version"),
            member("SIMULATOR", "simulator_id"),
            member("UPDATED", "updated_at")};
}

std::vector<Column> migration_columns() {
    return {member("ID", "id"),
            member("REGION", "region_name"),
            member("FROM", "source_simulator_id"),
            member("TO", "target_simulator_id"),
            member("STATE", "state"),
            member("STEP", "step"),
            member("DOWNTIME_MS", "downtime_ms"),
            member("ERROR", "error")};
}

// done/failed/left come from the batch's "progress" member.
std::vector<Column> batch_columns() {
    const auto progress = [](std::string header, std::string key) {
        return Column{std::move(header), [key = std::move(key)](const Json& item) {
                          return member_text(
                              item.is_object() ? item.value("progress", Json()) : Json(), key);
                      }};
    };
    return {member("ID", "id"),
            member("KIND", "kind"),
            member("SIMULATOR", "simulator_id"),
            member("STATE", "state"),
            progress("DONE", "done"),
            progress("FAILED", "failed"),
            progress("LEFT", "left"),
            member("CREATED", "created_at")};
}

std::vector<Column> rebalance_columns() {
    return {member("REGION", "region_name"),
            member("FROM", "from_simulator_id"),
            member("TO", "to_simulator_id"),
            {"REASONS", [](const Json& item) {
                 std::string text;
                 const Json reasons = item.is_object() ? item.value("reasons", Json()) : Json();
                 for (const auto& reason : reasons.is_array() ? reasons : Json::array()) {
                     text += (text.empty() ? "" : "; ") + cell(reason);
                 }
                 return text.empty() ? std::string("-") : text;
             }}};
}

void print_migration(std::ostream& out, const Json& migration) {
    Json fields = migration;
    Json steps = Json::array();
    if (fields.is_object() && fields.contains("steps")) {
        steps = fields["steps"];
        fields.erase("steps");
    }
    print_fields(out, flatten(fields));
    out << '\n';
    print_table(out,
                {member("STEP", "step"), member("STATE", "state"), member("MS", "ms"),
                 member("OPERATION", "operation_id"), member("STARTED", "started_at"),
                 member("FINISHED", "finished_at")},
                steps);
}

std::vector<Column> user_columns() {
    return {member("NAME", "name"), member("ID", "id"), member("ROLE", "role"),
            member("DISABLED", "disabled"), member("CREATED", "created_at")};
}

std::vector<Column> token_columns() {
    return {member("ID", "id"), member("LABEL", "label"), member("CREATED", "created_at"),
            member("EXPIRES", "expires_at"), member("REVOKED", "revoked_at")};
}

std::vector<Column> replica_columns(const std::string& replica) {
    const auto flag = [](std::string header, std::string key, std::string yes, std::string no) {
        return Column{std::move(header), [=](const Json& item) {
                          return item.is_object() && item.value(key, false) ? yes : no;
                      }};
    };
    return {{"",
             [replica](const Json& item) {
                 return member_text(item, "id") == replica ? std::string("*") : std::string();
             }},
            member("NAME", "name"),
            member("ID", "id"),
            member("URL", "url"),
            member("VERSION", "version"),
            member("STARTED", "started_at"),
            member("SEEN", "seen_at"),
            flag("LEADER", "leading", "leader", "-"),
            flag("LIVE", "live", "live", "gone")};
}

std::string replica_label(const Json& items, const std::string& id) {
    for (const auto& item : items.is_array() ? items : Json::array()) {
        if (member_text(item, "id") == id) {
            const std::string name = member_text(item, "name");
            return name == "-" ? cell(Json(id)) : name + " (" + cell(Json(id)) + ")";
        }
    }
    return cell(Json(id));
}

std::vector<Column> audit_columns() {
    return {member("ID", "id"),
            member("AT", "at"),
            member("ACTOR", "actor"),
            member("ACTION", "action"),
            member("ENTITY", "entity_type"),
            member("ENTITY_ID", "entity_id")};
}

void print_list(std::ostream& out, std::ostream& err, const std::vector<Column>& columns,
                const Json& answer) {
    const Json items = answer.is_object() ? answer.value("items", Json::array()) : Json::array();
    print_table(out, columns, items);
    if (answer.is_object() && answer.contains("next") && !answer["next"].is_null()) {
        err << "(more items on the server: pass --all, or a larger --limit)\n";
    }
}

void print_entity(std::ostream& out, const Json& entity) {
    if (!entity.is_object()) {
        out << cell(entity) << '\n';
        return;
    }
    std::vector<Field> fields;
    for (const char* key : {"id", "name", "version"}) {
        if (entity.contains(key)) {
            fields.emplace_back(key, member_text(entity, key));
        }
    }
    // What waits for a restart is what an operator looks for first after a change.
    if (const auto pending = entity.find("pending_restart");
        pending != entity.end() && pending->is_array()) {
        std::string list;
        for (const auto& path : *pending) {
            list += (list.empty() ? "" : ", ") + cell(path);
        }
        fields.emplace_back("pending_restart", list.empty() ? "none" : list);
    }
    // A region waiting for a simulator says so next (docs/api.md, "Pending regions").
    if (entity.contains("placement_state")) {
        fields.emplace_back("placement_state", member_text(entity, "placement_state"));
        std::string reasons;
        for (const auto& reason : entity.value("placement_reasons", Json::array())) {
            reasons += (reasons.empty() ? "" : "; ") + cell(reason);
        }
        fields.emplace_back("placement_reasons", reasons.empty() ? "none" : reasons);
    }
    Json rest = entity;
    for (const char* key :
         {"id", "name", "version", "pending_restart", "placement_state", "placement_reasons"}) {
        rest.erase(std::string(key));
    }
    for (auto& field : flatten(rest)) {
        fields.push_back(std::move(field));
    }
    print_fields(out, fields);
}

void print_change_summary(std::ostream& out, const EntityKind& kind, const std::string& verb,
                          const Json& entity) {
    const std::string version = member_text(entity, "version");
    const std::string change = member_text(entity, "change");
    out << verb << ' ' << kind.name << ' ' << label(entity);
    if (change == "none") {
        out << ": nothing changed (version " << version << ")\n";
        return;
    }
    out << " (id " << member_text(entity, "id");
    if (version != "-") {
        out << ", version " << version;
    }
    if (change != "-" && change != "create") {
        out << ", " << change << " change";
    }
    out << ")\n";
    // A region no simulator could take yet (docs/api.md, "Pending regions"): say so, and why.
    if (member_text(entity, "placement_state") == "pending") {
        out << "  placement_state: pending (placed as soon as a simulator can take it)\n";
        const Json reasons = entity.value("placement_reasons", Json());
        if (reasons.is_array()) {
            for (const auto& reason : reasons) {
                out << "  placement_reasons: "
                    << (reason.is_string() ? reason.get<std::string>() : reason.dump()) << '\n';
            }
        }
    }
    const Json changes = entity.is_object() ? entity.value("changes", Json()) : Json();
    if (!changes.is_array()) {
        return;
    }
    std::vector<Field> lines;
    for (const auto& item : changes) {
        lines.emplace_back("  " + member_text(item, "field"), member_text(item, "from") + " -> " +
                                                                  member_text(item, "to") + "  (" +
                                                                  member_text(item, "bump") + ")");
    }
    print_fields(out, lines);
}

}  // namespace vergegrid::cli
