// The operations channel's rules: a simulator pulls its deliverable operations (marking them
// delivered) and reports their results; operators list them. A pull that finds nothing may wait
// (a long poll): the service decides whether it answers now, may wait (the poll quota), and what
// a woken poll answers; the waiting itself (parking, waking) is the HTTP adapter's.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "control/domain/store.hpp"
#include "control/operations/operation_signals.hpp"
#include "control/operations/poll_quota.hpp"
#include "control/simulators/pending_keys.hpp"
#include "control/simulators/simulator_caller.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"

namespace vergegrid::control {

inline constexpr int kMaxPullWaitS = 60;
inline constexpr int kMaxOperationsPerPull = 100;

// What a pull answers: the operations now delivered, and for a pull made with a key a rotation
// replaced, the key that replaced it.
struct PullAnswer {
    std::vector<plugin_api::Operation> operations;
    std::optional<std::string> new_api_key;
};

// A pull waiting for its simulator's next notification.
struct ParkedPoll {
    std::string simulator_id;
    std::uint64_t seen = 0;     // the simulator's notification count when it last looked
    bool previous_key = false;  // made with a rotated key: a rotation's new key answers it
    std::unique_ptr<PollQuota::Slot> slot;  // its place in the poll quota, held while it waits
};

struct OperationResult {
    std::int64_t id = 0;
    std::string state;                     // succeeded or failed
    std::optional<nlohmann::json> result;  // the bridge's report, stored as given
};

struct OperationQuery {
    plugin_api::OperationFilter filter;
    std::int64_t before_id = 0;  // 0 = from the newest
    int limit = 0;
};

class OperationService {
  public:
    // `signals` and `pending_keys` must outlive the service. `max_parked_polls`: pulls one
    // simulator may hold waiting at once (simulators.max_parked_polls).
    OperationService(Store store, OperationSignals& signals, PendingKeys& pending_keys,
                     int max_parked_polls = 4);

    // `wait_s` 0: answer now. Otherwise an empty pull waits: the ParkedPoll to hand to resume()
    // on each notification. Throws DomainError too_many "too_many_polls" (field "wait") when the
    // simulator already holds its share of waiting pulls.
    std::variant<PullAnswer, ParkedPoll> pull(const SimulatorCaller& caller, int wait_s);
    // A waiting pull was notified (`final` = false) or its wait ended (true): its answer, or
    // nullopt to wait for the next notification since `poll.seen`.
    std::optional<PullAnswer> resume(ParkedPoll& poll, bool final);

    // Throws DomainError not_found for an operation of another simulator (as invisible as a
    // missing one), conflict "not_delivered" for one not pulled yet. Reporting again is
    // harmless: the last report wins.
    plugin_api::Operation record_result(const SimulatorCaller& caller,
                                        const OperationResult& result);

    // Newest first, at most `limit`.
    std::vector<plugin_api::Operation> list(const OperationQuery& query) const;

    OperationSignals& signals() const { return *signals_; }

    // Another area's reaction to a reported result (a failed snapshot operation fails its
    // snapshot), run inside the transaction that records the result, so both are stored together
    // or not at all. Registered by the composition before the service is used; operations knows
    // nothing of the areas that observe it.
    using ResultObserver = std::function<void(Changes&, const plugin_api::Operation&)>;
    void on_result(ResultObserver observer) { observers_.push_back(std::move(observer)); }

  private:
    std::vector<plugin_api::Operation> deliver(const std::string& simulator_id) const;

    Store store_;
    OperationSignals* signals_;
    PendingKeys* pending_keys_;
    std::shared_ptr<PollQuota> quota_;
    std::vector<ResultObserver> observers_;
};

}  // namespace vergegrid::control
