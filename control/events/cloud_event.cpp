#include "control/events/cloud_event.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

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
    std::string type;  // with the prefix
    std::string subject;
};

std::string prefixed(const std::string& type) {
    return kCloudEventTypePrefix + type;
}

// An operation's result, told as what it did to its region.
Naming operation_naming(const DomainEvent& event) {
    const auto& op = event.after;
    const std::string kind = op.value("kind", "");
    const std::string region = op.value("region_id", "");
    const bool succeeded = event.type == "operation.succeed";
    static const std::set<std::string> brings_live{"create", "update", "restart", "restore"};
    if (!region.empty() && (brings_live.contains(kind) || kind == "delete")) {
        if (!succeeded) {
            return {prefixed("region.failed"), region};
        }
        return {prefixed(kind == "delete" ? "region.removed" : "region.live"), region};
    }
    return {prefixed(succeeded ? "operation.succeeded" : "operation.failed"), event.entity_id};
}

// "region.create" -> "org.vergegrid.region.created". Made once per action and kept (the actions
// are the code's own, a few dozen): every change names its event inside the write lock.
const std::string& type_of_action(const std::string& action) {
    static std::mutex mutex;
    static std::unordered_map<std::string, std::string> made;
    const std::lock_guard lock(mutex);
    auto it = made.find(action);
    if (it == made.end()) {
        const auto dot = action.find('.');
        it = made.emplace(action, prefixed(dot == std::string::npos
                                               ? action
                                               : action.substr(0, dot) + "." +
                                                     past_tense(action.substr(dot + 1))))
                 .first;
    }
    return it->second;
}

std::optional<Naming> naming(const DomainEvent& event) {
    if (!published_entity(event.entity_type)) {
        return std::nullopt;
    }
    if (event.entity_type == "operation") {
        return operation_naming(event);
    }
    return Naming{type_of_action(event.type), event.entity_id};
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
    return named->type;
}

namespace {

struct EnvelopeFields {
    const std::string& id;
    const std::string& source;
    const std::string& type;
    const std::string& subject;
    const std::string& time;
    const std::string& actor;
    const std::string& request_id;
    const std::string* data;  // JSON text; null: `null`
};

// Written as text, not built as a JSON tree: the entity is dumped already (by the audit trail, or
// it is the audit row's document).
std::string envelope(const EnvelopeFields& f) {
    std::string document;
    document.reserve(320 + (f.data ? f.data->size() : 0));
    document += R"({"specversion":"1.0","id":)";
    append_json_string(document, f.id);
    document += R"(,"source":)";
    append_json_string(document, f.source);
    document += R"(,"type":)";
    append_json_string(document, f.type);
    document += R"(,"subject":)";
    append_json_string(document, f.subject);
    document += R"(,"time":)";
    append_json_string(document, f.time);
    document += R"(,"datacontenttype":"application/json")";
    if (!f.actor.empty()) {
        document += R"(,"actor":)";
        append_json_string(document, f.actor);
    }
    if (!f.request_id.empty()) {
        document += R"(,"requestid":)";
        append_json_string(document, f.request_id);
    }
    document += R"(,"data":)";
    document += f.data && !f.data->empty() ? *f.data : "null";
    document += '}';
    return document;
}

// Schema 11 and 12 stored an audited event's envelope whole but for its data.
bool stored_without_data(const std::string& document) {
    return document.starts_with(R"({"specversion")");
}

}  // namespace

std::optional<plugin_api::OutboxEvent> to_outbox_event(const DomainEvent& event, const Actor& actor,
                                                       const std::string& source,
                                                       const std::string& time) {
    auto named = naming(event);
    if (!named) {
        return std::nullopt;
    }
    plugin_api::OutboxEvent row;
    row.id = new_uuid();
    row.type = std::move(named->type);
    row.subject = std::move(named->subject);
    row.time = time;
    row.audit_id = event.audit_id;
    if (row.audit_id != 0) {
        // Every byte here is written inside the write lock, on every change (docs/benchmarks.md).
        row.document = R"({"source":)";
        append_json_string(row.document, source);
        row.document += '}';
        return row;
    }
    const std::string data = entity_text(event);
    row.document = envelope(
        {row.id, source, row.type, row.subject, row.time, actor.subject, actor.request_id, &data});
    return row;
}

std::string whole_event(const plugin_api::OutboxEvent& row, const plugin_api::AuditEntry* audit) {
    if (row.audit_id == 0) {
        return row.document;
    }
    const std::string* data = nullptr;
    if (audit) {
        data = audit->after.empty() ? &audit->before : &audit->after;
    }
    if (stored_without_data(row.document) && row.document.back() == '}') {
        std::string whole = row.document.substr(0, row.document.size() - 1);
        whole += R"(,"data":)";
        whole += data && !data->empty() ? *data : "null";
        whole += '}';
        return whole;
    }
    const auto stored = nlohmann::json::parse(row.document, nullptr, false);
    const std::string source =
        stored.is_object() && stored.contains("source") && stored["source"].is_string()
            ? stored["source"].get<std::string>()
            : std::string();
    static const std::string none;
    return envelope({row.id, source, row.type, row.subject, row.time, audit ? audit->actor : none,
                     audit ? audit->request_id : none, data});
}

}  // namespace vergegrid::control
