#include "control/api/audit_routes.hpp"

#include <charconv>

#include "control/api/paging.hpp"
#include "control/api/route_permission.hpp"
#include "control/common/stored_json.hpp"

namespace vergegrid::control {

using kernel::http::Request;
using kernel::http::Response;

namespace {

AuditQuery read_query(const Request& request) {
    AuditQuery query;
    const auto read = [&](const char* key, std::string& out) {
        if (auto it = request.query.find(key); it != request.query.end()) {
            out = it->second;
        }
    };
    read("actor", query.filter.actor);
    read("action", query.filter.action);
    read("entity_type", query.filter.entity_type);
    read("entity_id", query.filter.entity_id);
    read("since", query.filter.since);
    read("until", query.filter.until);
    // Before the page parameters, so a bad filter is named first, as it always was.
    check_audit_filter(query.filter);
    const auto page = page_request(request, "before");
    query.limit = page.limit;
    if (!page.after.empty()) {
        auto [ptr, ec] = std::from_chars(page.after.data(), page.after.data() + page.after.size(),
                                         query.before_id);
        if (ec != std::errc{} || query.before_id <= 0) {
            throw DomainError::invalid_field("before", "is not a cursor this server issued");
        }
    }
    return query;
}

}  // namespace

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

void add_audit_routes(kernel::http::Router& router, AuditLog log, AuditChainCheck chain) {
    router.add("GET", "/api/v1/audit", Permission::read, [log](const Request& request) {
        const auto query = read_query(request);
        return Response::json(
            200, paged_json(
                     log.list(query), query.limit,
                     [](const plugin_api::AuditEntry& e) { return std::to_string(e.id); },
                     audit_to_json));
    });
    // Walks the whole chain: admin only, as it reads every row.
    router.add("GET", "/api/v1/audit/verify", Permission::admin, [chain](const Request&) {
        const auto report = chain.verify();
        nlohmann::json broken = nullptr;
        if (report.broken) {
            broken = {{"id", report.broken->id}, {"reason", report.broken->reason}};
        }
        return Response::json(200, {{"ok", !report.broken},
                                    {"checked", report.checked},
                                    {"unchained", report.unchained},
                                    {"last_id", report.last_id},
                                    {"last_hash", report.last_hash},
                                    {"broken", broken}});
    });
    router.add("GET", "/api/v1/audit/checkpoint", Permission::admin, [chain](const Request&) {
        const auto head = chain.head();
        if (!head) {
            throw DomainError::not_found("no chained audit row yet");
        }
        return Response::json(200, {{"id", head->id}, {"hash", head->hash}, {"at", head->at}});
    });
}

}  // namespace vergegrid::control
