#include "control/api/operation_routes.hpp"
#include "control/api/route_permission.hpp"

#include <charconv>
#include <optional>

#include "control/api/error_mapping.hpp"
#include "control/api/operation_poll.hpp"
#include "control/api/paging.hpp"
#include "control/api/simulator_caller.hpp"
#include "control/common/json_reader.hpp"
#include "control/operations/operation_json.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Operation;

namespace {

int wait_seconds(const Request& request) {
    auto it = request.query.find("wait");
    if (it == request.query.end()) {
        return 0;
    }
    int wait = -1;
    auto [ptr, ec] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), wait);
    if (ec != std::errc{} || ptr != it->second.data() + it->second.size() || wait < 0 ||
        wait > kMaxPullWaitS) {
        throw ApiError::invalid_field(
            "wait", "must be an integer between 0 and " + std::to_string(kMaxPullWaitS));
    }
    return wait;
}

// The poll quota's refusal says when to come back.
Response too_many_polls(const DomainError& refusal) {
    auto refused = Response::error(to_api_error(refusal));
    refused.headers.emplace_back("Retry-After", "1");
    return refused;
}

Response pull(OperationService& operations, const std::shared_ptr<OperationService>& owner,
              const Request& request) {
    const int wait = wait_seconds(request);
    try {
        auto outcome = operations.pull(simulator_caller(request), wait);
        if (auto* answer = std::get_if<PullAnswer>(&outcome)) {
            return pull_response(*answer);
        }
        Response later;
        later.deferred = std::make_shared<OperationPoll>(
            owner, std::move(std::get<ParkedPoll>(outcome)),
            std::chrono::steady_clock::now() + std::chrono::seconds(wait));
        return later;
    } catch (const DomainError& e) {
        if (e.fault() == Fault::too_many) {
            return too_many_polls(e);
        }
        throw;
    }
}

std::int64_t operation_id(const Request& request) {
    const auto& text = request.path_params.at("id");
    std::int64_t id = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || ptr != text.data() + text.size() || id <= 0) {
        throw ApiError::not_found("no operation '" + text + "'");
    }
    return id;
}

OperationResult read_result(const Request& request) {
    OperationResult result;
    result.id = operation_id(request);
    const auto body = request.json_body();
    JsonReader reader(body, "");
    result.state = reader.string("state", 16).value_or("");
    if (const auto* detail = reader.raw("result")) {
        result.result = *detail;
    }
    reader.reject_unknown();
    return result;
}

// GET /api/v1/operations?simulator_id=&region_id=&state=&limit=&before=
OperationQuery read_query(const Request& request) {
    OperationQuery query;
    auto& filter = query.filter;
    for (auto [key, target] :
         {std::pair{"simulator_id", &filter.simulator_id},
          std::pair{"region_id", &filter.region_uuid}, std::pair{"state", &filter.state}}) {
        if (auto it = request.query.find(key); it != request.query.end()) {
            if (it->second.size() > 64) {
                throw ApiError::invalid_field(key, "must be at most 64 bytes");
            }
            *target = it->second;
        }
    }
    const auto page = page_request(request, "before");
    if (!page.after.empty()) {
        auto [ptr, ec] = std::from_chars(page.after.data(), page.after.data() + page.after.size(),
                                         query.before_id);
        if (ec != std::errc{} || query.before_id <= 0) {
            throw ApiError::invalid_field("before", "is not a cursor this server issued");
        }
    }
    query.limit = page.limit;
    return query;
}

// A page of operations with the progress of those that reported one.
Response operation_list(const OperationService& operations, const SnapshotService* snapshots,
                        const OperationQuery& query) {
    auto paged = query;
    paged.limit = query.limit + 1;  // one more says whether there is a next page
    const auto rows = operations.list(paged);
    std::vector<std::int64_t> ids;
    for (const auto& operation : rows) {
        ids.push_back(operation.id);
    }
    const auto progress = snapshots == nullptr
                              ? std::map<std::int64_t, plugin_api::OperationProgress>{}
                              : snapshots->progress_of(ids);
    return Response::json(
        200, paged_json(
                 rows, query.limit, [](const Operation& o) { return std::to_string(o.id); },
                 [&](const Operation& o) {
                     const auto it = progress.find(o.id);
                     return operation_to_json(o, it == progress.end() ? nullptr : &it->second);
                 }));
}

}  // namespace

void add_operation_routes(kernel::http::Router& router,
                          std::shared_ptr<OperationService> operations,
                          std::shared_ptr<const SnapshotService> snapshots) {
    router.add(
        "GET", "/api/v1/sim/operations", Permission::simulator,
        [operations](const Request& request) { return pull(*operations, operations, request); });
    router.add("POST", "/api/v1/sim/operations/{id}/result", Permission::simulator,
               [operations](const Request& request) {
                   return Response::json(
                       200, operation_to_json(operations->record_result(simulator_caller(request),
                                                                        read_result(request))));
               });
    router.add("GET", "/api/v1/operations", Permission::read,
               [operations, snapshots](const Request& request) {
                   return operation_list(*operations, snapshots.get(), read_query(request));
               });
}

}  // namespace vergegrid::control
