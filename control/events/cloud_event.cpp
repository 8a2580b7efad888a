#include "control/events/cloud_event.hpp"

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
    nlohmann::json document{{"specversion", "1.0"},
                            {"id", row.id},
                            {"source", source},
                            {"type", row.type},
                            {"subject", row.subject},
                            {"time", row.time},
                            {"datacontenttype", "application/json"},
                            {"data", event.after.is_null() ? event.before : event.after}};
    if (!actor.subject.empty()) {
        document["actor"] = actor.subject;
    }
    if (!actor.request_id.empty()) {
        document["requestid"] = actor.request_id;
    }
    row.document = document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return row;
}

}  // namespace vergegrid::control
