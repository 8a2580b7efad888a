#include "control/operations/operation_routes.hpp"

#include <charconv>
#include <optional>

#include "control/api/route_permission.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/common/json_reader.hpp"
#include "control/common/paging.hpp"
#include "control/common/stored_json.hpp"
#include "control/operations/poll_quota.hpp"
#include "kernel/http/deferred.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Operation;
using plugin_api::StorageTransaction;

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

// Hands the simulator its deliverable operations and marks them delivered, in one transaction.
// Most polls find nothing: a read says so without taking the write lock.
std::vector<Operation> deliver(const Store& store, const std::string& simulator_id) {
    const bool any = store.read([&](StorageTransaction& tx) {
        return !operation_store(tx)
                    .list_deliverable_operations(simulator_id, now_iso8601(), 1)
                    .empty();
    });
    if (!any) {
        return {};
    }
    return store.write([&](StorageTransaction& tx) {
        auto& operations = operation_store(tx);
        const std::string now = now_iso8601();
        auto due = operations.list_deliverable_operations(simulator_id, now, kMaxOperationsPerPull);
        for (auto& operation : due) {
            operation.state = "delivered";
            operation.attempts += 1;
            operation.updated_at = now;
            operations.update_operation(operation);
        }
        return due;
    });
}

// `new_key`: the key that replaced the one the bridge pulled with (no-store then).
Response operations_response(const std::vector<Operation>& operations,
                             const std::optional<std::string>& new_key = std::nullopt) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& operation : operations) {
        items.push_back(operation_to_json(operation));
    }
    if (new_key) {
        return Response::secret_json(200, {{"items", items}, {"new_api_key", *new_key}});
    }
    return Response::json(200, {{"items", items}});
}

// A long poll that found nothing: answered when the simulator is notified (a new eager
// operation, a lazy one falling due) or when its wait ends.
class OperationPoll final : public kernel::http::Deferred {
  public:
    OperationPoll(Store store, OperationSignals& signals, std::string simulator_id,
                  std::chrono::steady_clock::time_point deadline, std::uint64_t seen,
                  std::unique_ptr<PollQuota::Slot> slot, PendingKeys* pending_keys)
        : slot_(std::move(slot)),
          pending_keys_(pending_keys),
          store_(store),
          signals_(signals),
          simulator_id_(std::move(simulator_id)),
          deadline_(deadline),
          seen_(seen) {}
    ~OperationPoll() override { signals_.unsubscribe(simulator_id_, subscription_); }
    OperationPoll(const OperationPoll&) = delete;
    OperationPoll& operator=(const OperationPoll&) = delete;

    std::chrono::steady_clock::time_point deadline() const override { return deadline_; }

    void arm(std::function<void()> wake) override {
        wake_ = std::move(wake);
        subscription_ = signals_.subscribe(simulator_id_, seen_, wake_);
    }

    std::optional<Response> resume(bool final) override {
        signals_.unsubscribe(simulator_id_, subscription_);
        subscription_ = 0;
        const auto now_seen = signals_.generation(simulator_id_);
        if (now_seen == seen_) {
            // Not notified since the last look found nothing (the wait ended, or a stale
            // wake-up): nothing new to find, so no storage round trip. Ten thousand polls ending
            // together stay cheap.
            if (final) {
                return operations_response({});
            }
            subscription_ = signals_.subscribe(simulator_id_, seen_, wake_);
            return std::nullopt;
        }
        seen_ = now_seen;
        auto operations = deliver(store_, simulator_id_);
        // Woken by a rotation of the key this poll was made with: the new key goes back now.
        auto new_key = pending_keys_ == nullptr ? std::nullopt
                                                : pending_keys_->for_previous_key(simulator_id_);
        if (!operations.empty() || final || new_key) {
            return operations_response(operations, new_key);
        }
        // Woken for another request's operations (already taken) or a lazy one not due yet.
        subscription_ = signals_.subscribe(simulator_id_, seen_, wake_);
        return std::nullopt;
    }

  private:
    std::unique_ptr<PollQuota::Slot> slot_;  // held while parked
    PendingKeys* pending_keys_;              // set when polled with a previous key
    Store store_;
    OperationSignals& signals_;
    std::string simulator_id_;
    std::chrono::steady_clock::time_point deadline_;
    std::uint64_t seen_;
    std::function<void()> wake_;
    OperationSignals::Subscription subscription_ = 0;
};

std::int64_t operation_id(const Request& request) {
    const auto& text = request.path_params.at("id");
    std::int64_t id = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || ptr != text.data() + text.size() || id <= 0) {
        throw ApiError::not_found("no operation '" + text + "'");
    }
    return id;
}

}  // namespace

nlohmann::json operation_to_json(const Operation& o) {
    return {{"id", o.id},
            {"simulator_id", o.simulator_id},
            {"region_id", o.region_uuid},
            {"kind", o.kind},
            {"class", o.op_class},
            {"region_version", o.region_version.to_string()},
            {"spec", stored_document_or_null(o.spec)},
            {"state", o.state},
            {"attempts", o.attempts},
            {"result", stored_document_or_null(o.result)},
            {"created_at", o.created_at},
            {"updated_at", o.updated_at},
            {"due_at", o.due_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.due_at)}};
}

void add_operation_routes(kernel::http::Router& router, Store store, OperationSignals& signals,
                          PendingKeys& pending_keys, int max_parked_polls) {
    auto quota = std::make_shared<PollQuota>(max_parked_polls);
    router.add("GET", "/api/v1/sim/operations", Permission::simulator,
               [store, &signals, &pending_keys, quota](const Request& request) {
                   const int wait = wait_seconds(request);
                   const auto& simulator = request.caller.simulator_id;
                   const bool previous_key = request.caller.previous_key;
                   const auto seen = signals.generation(simulator);
                   auto operations = deliver(store, simulator);
                   std::optional<std::string> new_key;
                   if (previous_key) {
                       new_key = pending_keys.for_previous_key(simulator);
                   } else {
                       pending_keys.delivered(simulator, request.header("authorization"));
                   }
                   if (!operations.empty() || wait == 0 || new_key) {
                       return operations_response(operations, new_key);
                   }
                   // Nothing yet: the connection waits in the server's parking lot, without a
                   // thread, until an operation is queued for this simulator or the wait ends.
                   auto slot = quota->take(simulator);
                   if (!slot) {
                       auto refused = Response::error(
                           ApiError(429, "too_many_polls",
                                    "this simulator already holds its share of waiting polls "
                                    "(simulators.max_parked_polls)",
                                    "wait"));
                       refused.headers.emplace_back("Retry-After", "1");
                       return refused;
                   }
                   Response later;
                   later.deferred = std::make_shared<OperationPoll>(
                       store, signals, simulator,
                       std::chrono::steady_clock::now() + std::chrono::seconds(wait), seen,
                       std::move(slot), previous_key ? &pending_keys : nullptr);
                   return later;
               });

    router.add("POST", "/api/v1/sim/operations/{id}/result", Permission::simulator,
               [store](const Request& request) {
                   const auto id = operation_id(request);
                   const auto body = request.json_body();
                   JsonReader reader(body, "");
                   const auto state = reader.string("state", 16).value_or("");
                   const auto* detail = reader.raw("result");
                   reader.reject_unknown();
                   if (state != "succeeded" && state != "failed") {
                       throw ApiError::invalid_field("state", "must be succeeded or failed");
                   }
                   return store.write([&](StorageTransaction& tx) {
                       auto& operations = operation_store(tx);
                       auto operation = operations.find_operation(id);
                       // Another simulator's operation is as invisible as a missing one.
                       if (!operation || operation->simulator_id != request.caller.simulator_id) {
                           throw ApiError::not_found("no operation '" + std::to_string(id) +
                                                     "' for this simulator");
                       }
                       if (operation->state == "pending") {
                           throw ApiError(409, "not_delivered",
                                          "the operation was not delivered yet", "id");
                       }
                       // Reporting again is harmless: the last report wins.
                       operation->state = state;
                       operation->result = detail == nullptr ? "" : detail->dump();
                       operation->updated_at = now_iso8601();
                       operations.update_operation(*operation);
                       return Response::json(200, operation_to_json(*operation));
                   });
               });

    router.add("GET", "/api/v1/operations", Permission::read, [store](const Request& request) {
        plugin_api::OperationFilter filter;
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
        std::int64_t before_id = 0;
        if (!page.after.empty()) {
            auto [ptr, ec] = std::from_chars(page.after.data(),
                                             page.after.data() + page.after.size(), before_id);
            if (ec != std::errc{} || before_id <= 0) {
                throw ApiError::invalid_field("before", "is not a cursor this server issued");
            }
        }
        auto rows = store.read([&](StorageTransaction& tx) {
            return operation_store(tx).list_operations(filter, before_id, page.limit + 1);
        });
        return Response::json(
            200, paged_json(
                     rows, page.limit, [](const Operation& o) { return std::to_string(o.id); },
                     operation_to_json));
    });
}

}  // namespace vergegrid::control
