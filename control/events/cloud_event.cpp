#include "control/events/cloud_event.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "control/common/clock.hpp"

namespace vergegrid::control {

namespace {

// Verbs whose past tense is not "<verb>d" / "<verb>ed"; the state words (online, offline) are
// already what happened.
const std::map<std::string, std::string>& irregular() {
    static const std::map<std::string, std::string> verbs{
        {"rollback", "rolled_back"},
        {"apply", "applied"},
        {"rotate_key", "key_rotated"},
        {"state_detail", "state_detail_changed"},
        {"policy", "policy_changed"},
        {"online", "online"},
        {"offline", "offline"},
        {"succeed", "succeeded"},
        {"fail", "failed"},
        {"cancel", "cancelled"},
        {"drain", "draining"},
        {"checkpoint", "checkpoint"},
    };
    return verbs;
}

std::string past_tense(const std::string& verb) {
    if (const auto it = irregular().find(verb); it != irregular().end()) {
        return it->second;
    }
    if (!verb.empty() && verb.back() == 'e') {
        return verb + "d";
    }
    return verb + "ed";
}

bool published_entity(const std::string& entity_type) {
    static const std::set<std::string> hidden{"user", "token", "registration_token", "webhook"};
    return !hidden.contains(entity_type);
}

struct Naming {
    std::string type;  // without the prefix
    std::string subject;
};

// An operation's result, told as what it did to its region.
Naming operation_naming(const DomainEvent& event) {
    const auto& op = event.after;
    const std::string kind = op.value("kind", "");
    const std::string region = op.value("region_id", "");
    const bool succeeded = event.type == "operation.succeed";
    static const std::set<std::string> brings_live{"create", "update", "restart", "restore"};
    if (!region.empty() && (brings_live.contains(kind) || kind == "delete")) {
        if (!succeeded) {
            return {"region.failed", region};
        }
        return {kind == "delete" ? "region.removed" : "region.live", region};
    }
    return {succeeded ? "operation.succeeded" : "operation.failed", event.entity_id};
}

std::optional<Naming> naming(const DomainEvent& event) {
    if (!published_entity(event.entity_type)) {
        return std::nullopt;
    }
    if (event.entity_type == "operation") {
        return operation_naming(event);
    }
    const auto dot = event.type.find('.');
    if (dot == std::string::npos) {
        return Naming{event.type, event.entity_id};
    }
    return Naming{event.type.substr(0, dot) + "." + past_tense(event.type.substr(dot + 1)),
                  event.entity_id};
}

// The envelope's strings are ids, types and times: printable ASCII that JSON takes as it is,
// quoted without building a JSON value; anything else goes through the library's escaping.
void append_json_string(std::string& out, const std::string& text) {
    const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (!plain) {
        out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
    }
    out += '"';
    out += text;
    out += '"';
}

// The entity after the change (as it was, for a deletion), as JSON text.
std::string entity_text(const DomainEvent& event) {
    const bool after = !event.after.is_null();
    const std::string& cached = after ? event.after_text : event.before_text;
    if (!cached.empty()) {
        return cached;
    }
    return (after ? event.after : event.before)
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::optional<std::string> cloud_event_type(const DomainEvent& event) {
    const auto named = naming(event);
    if (!named) {
        return std::nullopt;
    }
    return kCloudEventTypePrefix + named->type;
}

std::optional<plugin_api::OutboxEvent> to_outbox_event(const DomainEvent& event, const Actor& actor,
                                                       const std::string& source,
                                                       const std::string& time) {
    const auto named = naming(event);
    if (!named) {
        return std::nullopt;
    }
    plugin_api::OutboxEvent row;
    row.id = new_uuid();
    row.type = kCloudEventTypePrefix + named->type;
    row.subject = named->subject;
    row.time = time;
    row.audit_id = event.audit_id;
    // Written as text, not built as a JSON tree: the entity is already dumped (by the audit
    // trail), and with an audit row to refer to it is not stored again at all.
    std::string& document = row.document;
    document.reserve(512);
    document += R"({"specversion":"1.0","id":)";
    append_json_string(document, row.id);
    document += R"(,"source":)";
    append_json_string(document, source);
    document += R"(,"type":)";
    append_json_string(document, row.type);
    document += R"(,"subject":)";
    append_json_string(document, row.subject);
    document += R"(,"time":)";
    append_json_string(document, row.time);
    document += R"(,"datacontenttype":"application/json")";
    if (!actor.subject.empty()) {
        document += R"(,"actor":)";
        append_json_string(document, actor.subject);
    }
    if (!actor.request_id.empty()) {
        document += R"(,"requestid":)";
        append_json_string(document, actor.request_id);
    }
    if (row.audit_id == 0) {
        document += R"(,"data":)";
        document += entity_text(event);
    }
    document += '}';
    return row;
}

std::string with_data(const std::string& document, const std::string& data) {
    if (document.empty() || document.back() != '}') {
        return document;
    }
    std::string whole = document.substr(0, document.size() - 1);
    whole += R"(,"data":)";
    whole += data.empty() ? "null" : data;
    whole += '}';
    return whole;
}

}  // namespace vergegrid::control
