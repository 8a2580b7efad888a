#include "control/audit/audit_trail.hpp"

#include <charconv>

#include "control/common/clock.hpp"
#include "control/common/paging.hpp"
#include "control/common/stored_json.hpp"
#include "control/domain/store.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Permission;
using kernel::http::Request;
using kernel::http::Response;

namespace {
std::string document(const nlohmann::json& value) {
    return value.is_null() ? "" : value.dump();
}
}  // namespace

void record_audit(plugin_api::StorageTransaction& tx, const Request& request,
                  const std::string& action, const std::string& entity_type,
                  const std::string& entity_id, const nlohmann::json& before,
                  const nlohmann::json& after) {
    plugin_api::AuditEntry entry;
    entry.at = now_iso8601();
    entry.actor = request.caller.subject;
    entry.action = action;
    entry.entity_type = entity_type;
    entry.entity_id = entity_id;
    entry.request_id = request.request_id;
    entry.before = document(before);
    entry.after = document(after);
    tx.append_audit(entry);
}

void AuditTrail::consume(plugin_api::StorageTransaction& tx, const Actor& actor,
                         const DomainEvent& event) {
    plugin_api::AuditEntry entry;
    entry.at = now_iso8601();
    entry.actor = actor.subject;
    entry.action = event.type;
    entry.entity_type = event.entity_type;
    entry.entity_id = event.entity_id;
    entry.request_id = actor.request_id;
    entry.before = document(event.before);
    entry.after = document(event.after);
    tx.append_audit(entry);
}

nlohmann::json audit_to_json(const plugin_api::AuditEntry& entry) {
    return {{"id", entry.id},
            {"at", entry.at},
            {"actor", entry.actor},
            {"action", entry.action},
            {"entity_type", entry.entity_type},
            {"entity_id", entry.entity_id},
            {"request_id", entry.request_id},
            {"before", stored_document_or_null(entry.before)},
            {"after", stored_document_or_null(entry.after)}};
}

void add_audit_routes(kernel::http::Router& router, Store store) {
    router.add("GET", "/api/v1/audit", Permission::read, [store](const Request& request) {
        plugin_api::AuditFilter filter;
        auto query = [&](const char* key, std::string& out) {
            if (auto it = request.query.find(key); it != request.query.end()) {
                if (it->second.size() > 256) {
                    throw ApiError::invalid_field(key, "must be at most 256 bytes");
                }
                out = it->second;
            }
        };
        query("actor", filter.actor);
        query("action", filter.action);
        query("entity_type", filter.entity_type);
        query("entity_id", filter.entity_id);
        query("since", filter.since);
        query("until", filter.until);
        const auto page = page_request(request, "before");
        std::int64_t before_id = 0;
        if (!page.after.empty()) {
            auto [ptr, ec] = std::from_chars(page.after.data(),
                                             page.after.data() + page.after.size(), before_id);
            if (ec != std::errc{} || before_id <= 0) {
                throw ApiError::invalid_field("before", "is not a cursor this server issued");
            }
        }
        auto entries = store.read([&](plugin_api::StorageTransaction& tx) {
            return tx.list_audit(filter, before_id, page.limit + 1);
        });
        return Response::json(
            200, paged_json(
                     entries, page.limit,
                     [](const plugin_api::AuditEntry& e) { return std::to_string(e.id); },
                     audit_to_json));
    });
}

}  // namespace vergegrid::control
