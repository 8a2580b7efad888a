// Carries a move out inside the caller's transaction (docs/migration.md): starts it on a target,
// runs its steps one after the other (each simulator step waits for its operation's result),
// ends it (succeeded, failed or cancelled, rolling the target back before the switch) and, for a
// move of a batch, starts the batch's next queued move. Every service command and every
// operation result builds one driver for its transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "control/domain/store.hpp"
#include "control/migrations/migration_service.hpp"
#include "control/regions/region_delivery.hpp"
#include "control/snapshots/snapshot_service.hpp"

namespace vergegrid::control {

class MoveDriver {
  public:
    MoveDriver(Changes& changes, const MigrationDependencies& deps);

    plugin_api::MigrationLedger& ledger() const;

    // A new running move of `region` (inserted), or the queued `migration` (updated) started:
    // target chosen (`target` or the policy's choice; refusals throw), plan made, first step
    // queued. Returns placement's decision.
    Decision start(plugin_api::Migration& migration, bool queued, const std::string& target) const;

    // The step after the current one, and the ones after it that need no simulator.
    void advance(plugin_api::Migration migration) const;
    // The result of the operation the move's current step waits for.
    void on_result(plugin_api::Migration migration, const plugin_api::Operation& operation) const;
    // Ends a move: "succeeded", or "failed"/"cancelled" with the target rolled back (a delete
    // on it when its create was queued). Then the next move of its batch.
    void end(plugin_api::Migration migration, const std::string& state,
             const std::string& error) const;
    // Starts queued moves of the batch while fewer than max_parallel run; marks it finished when
    // none is left.
    void fill_batch(const std::string& batch_id) const;

  private:
    // What each step queues (migration_steps.cpp): the operation's id, 0 for none.
    std::int64_t queue_step(plugin_api::Migration& migration, plugin_api::MigrationStep step,
                            nlohmann::json& detail) const;
    // What a succeeded step's result means; an error text when it is no success after all.
    std::optional<std::string> accept_result(plugin_api::Migration& migration,
                                             plugin_api::MigrationStep step,
                                             const plugin_api::Operation& operation,
                                             nlohmann::json& detail) const;
    void switch_over(plugin_api::Migration& migration, nlohmann::json& detail) const;
    // After a create_target the target refused for its port ("port_in_use"): the create again on
    // another free port of the target host. False when no port is left to try.
    bool retarget_port(plugin_api::Migration& migration, const plugin_api::Operation& operation,
                       nlohmann::json& detail) const;
    void save(plugin_api::Migration& migration, const nlohmann::json& detail,
              const std::string& verb) const;

    Changes* changes_;
    const MigrationDependencies* deps_;
    SnapshotDependencies snapshots_;
    std::shared_ptr<QueuedNotifications> notify_;
    mutable bool filling_ = false;
};

// The step named `name`, or nullopt.
std::optional<plugin_api::MigrationStep> step_named(const std::string& name);

}  // namespace vergegrid::control
