#include "control/operations/operation_service.hpp"

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/operations/operation_json.hpp"

namespace vergegrid::control {

using plugin_api::Operation;
using plugin_api::StorageTransaction;

OperationService::OperationService(Store store, OperationSignals& signals,
                                   PendingKeys& pending_keys, int max_parked_polls)
    : store_(store),
      signals_(&signals),
      pending_keys_(&pending_keys),
      quota_(std::make_shared<PollQuota>(max_parked_polls)) {}

// Hands the simulator its deliverable operations and marks them delivered, in one transaction.
// Most polls find nothing: a read says so without taking the write lock.
std::vector<Operation> OperationService::deliver(const std::string& simulator_id) const {
    const bool any = store_.read([&](StorageTransaction& tx) {
        return !operation_store(tx)
                    .list_deliverable_operations(simulator_id, now_iso8601(), 1)
                    .empty();
    });
    if (!any) {
        return {};
    }
    // Delivery is bookkeeping of the channel, not a change anyone audits.
    return store_.write([&](StorageTransaction& tx) {
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

std::variant<PullAnswer, ParkedPoll> OperationService::pull(const SimulatorCaller& caller,
                                                            int wait_s) {
    const auto& simulator = caller.simulator_id;
    // Read before looking, so that a notification between the look and the wait is not lost.
    const auto seen = signals_->generation(simulator);
    PullAnswer answer{deliver(simulator), pending_keys_->handover(caller)};
    if (!answer.operations.empty() || wait_s == 0 || answer.new_api_key) {
        return answer;
    }
    auto slot = quota_->take(simulator);
    if (!slot) {
        throw DomainError(Fault::too_many, "too_many_polls",
                          "this simulator already holds its share of waiting polls "
                          "(simulators.max_parked_polls)",
                          "wait");
    }
    return ParkedPoll{simulator, seen, caller.previous_key, std::move(slot)};
}

std::optional<PullAnswer> OperationService::resume(ParkedPoll& poll, bool final) {
    const auto now_seen = signals_->generation(poll.simulator_id);
    if (now_seen == poll.seen) {
        // Not notified since the last look found nothing (the wait ended, or a stale wake-up):
        // nothing new to find, so no storage round trip. Ten thousand polls ending together stay
        // cheap.
        return final ? std::optional<PullAnswer>(PullAnswer{}) : std::nullopt;
    }
    poll.seen = now_seen;
    PullAnswer answer{deliver(poll.simulator_id), std::nullopt};
    if (poll.previous_key) {
        // Woken by a rotation of the key this poll was made with: the new key goes back now.
        answer.new_api_key = pending_keys_->for_previous_key(poll.simulator_id);
    }
    if (!answer.operations.empty() || final || answer.new_api_key) {
        return answer;
    }
    // Woken for another request's operations (already taken) or a lazy one not due yet.
    return std::nullopt;
}

Operation OperationService::record_result(const SimulatorCaller& caller,
                                          const OperationResult& result) {
    if (result.state != "succeeded" && result.state != "failed") {
        throw DomainError::invalid_field("state", "must be succeeded or failed");
    }
    // Results are the channel's bookkeeping: no audit row of their own, as ever, but an event
    // for the outbox (a region came live, or failed); an observer's changes (a snapshot that
    // failed) are audited under the simulator's name.
    const Actor actor{caller.subject, caller.request_id};
    return store_
        .command(actor,
                 [&](Changes& changes) {
                     auto& operations = operation_store(changes.tx());
                     auto operation = operations.find_operation(result.id);
                     // Another simulator's operation is as invisible as a missing one.
                     if (!operation || operation->simulator_id != caller.simulator_id) {
                         throw DomainError::not_found("no operation '" + std::to_string(result.id) +
                                                      "' for this simulator");
                     }
                     if (operation->state == "pending") {
                         throw DomainError::conflict("not_delivered",
                                                     "the operation was not delivered yet", "id");
                     }
                     operation->state = result.state;
                     operation->result = result.result ? result.result->dump() : "";
                     operation->updated_at = now_iso8601();
                     operations.update_operation(*operation);
                     changes.record(
                         {result.state == "succeeded" ? "operation.succeed" : "operation.fail",
                          "operation", std::to_string(operation->id), nullptr,
                          operation_to_json(*operation), false});
                     for (const auto& observer : observers_) {
                         observer(changes, *operation);
                     }
                     return *operation;
                 })
        .value;
}

std::vector<Operation> OperationService::list(const OperationQuery& query) const {
    return store_.read([&](StorageTransaction& tx) {
        return operation_store(tx).list_operations(query.filter, query.before_id, query.limit);
    });
}

}  // namespace vergegrid::control
