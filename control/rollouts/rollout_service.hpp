// Template rollouts (docs/rollouts.md): plan one (or only show the plan: a dry run), list and
// show them with their progress, pause, resume and cancel one; and the engine's two ways in: an
// operation's result (in the transaction that records it) and the periodic tick (leader only,
// control/rollouts/rollout_engine). Every state lives in storage (RolloutLedger, ABI 1.11), so a
// restarted control plane carries on where the last one stopped.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/domain/store.hpp"
#include "control/regions/region_service.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"
#include "vergegrid/plugin_api/storage_rollouts.hpp"

namespace vergegrid::control {

inline constexpr const char* kRolloutEngineActor = "system:rollouts";

// A create's answer: the rollout (created) or, for a dry run, its plan (nothing written).
struct RolloutAnswer {
    nlohmann::json body;
    bool created = false;
};

class RolloutService {
  public:
    RolloutService(Store store, std::shared_ptr<const RegionService> regions)
        : store_(std::move(store)), regions_(std::move(regions)) {}

    Committed<RolloutAnswer> create(const Actor& actor, const std::string& template_id,
                                    const nlohmann::json& body) const;
    nlohmann::json get(const std::string& id) const;
    // Newest first, `limit` rows from just after `cursor` (newest_first_cursor of the last row
    // of the page before; "" = from the newest); "" template_id = every template's.
    std::vector<plugin_api::Rollout> list(const std::string& template_id, const std::string& cursor,
                                          int limit) const;
    Committed<nlohmann::json> pause(const Actor& actor, const std::string& id) const;
    Committed<nlohmann::json> resume(const Actor& actor, const std::string& id) const;
    // Stops starting regions; regions already upgraded keep their new version.
    Committed<nlohmann::json> cancel(const Actor& actor, const std::string& id) const;

    void on_operation_result(Changes& changes, const plugin_api::Operation& operation) const;
    // The engine's round: every running rollout moved on, each in a command of its own.
    // Returns how many were running.
    int advance_all() const;

  private:
    Committed<nlohmann::json> change_state(const Actor& actor, const std::string& id,
                                           const std::string& verb) const;

    Store store_;
    std::shared_ptr<const RegionService> regions_;
};

}  // namespace vergegrid::control
