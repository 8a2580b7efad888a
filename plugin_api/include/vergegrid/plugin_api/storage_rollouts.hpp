// ABI 1.11 extension of StorageTransaction: template rollouts (docs/rollouts.md). One row per
// rollout of a template version to many regions in waves, and one per region it plans to upgrade.
// A transaction of an older storage plugin does not implement it (dynamic_cast gives null): the
// control plane then refuses rollouts (503 rollouts_unavailable) and says so.
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vergegrid::plugin_api {

// IN/OUT. Frozen. Since 1.11. A template version rolled out to a set of regions, wave by wave.
struct Rollout {
    std::string id;  // UUID
    std::string template_id;
    std::string to_version;  // the template version the regions get, "1.4.0"
    // planned, running, paused, succeeded, failed, rolled_back, cancelled.
    std::string state;
    // JSON object text: {"waves":[1,"10%","100%"], "max_unavailable", "failure_threshold",
    // "pause_between_s", "deadline_s", "canaries":[...], "regions":{filter}}.
    std::string spec;
    int current_wave = 0;      // 0-based; the wave running or the next to start
    std::string next_wave_at;  // the current wave starts then ("" = at once)
    std::string error;         // why it stopped; "" otherwise
    std::string actor;
    std::string created_at;
    std::string updated_at;
};

// IN/OUT. Frozen. Since 1.11. One region of a rollout.
struct RolloutRegion {
    std::string rollout_id;
    std::string region_id;
    std::string region_name;  // when the rollout was planned
    int wave = 0;             // 0-based
    // waiting, upgrading, upgraded, failed, rolling_back, rolled_back, skipped.
    std::string state;
    std::string from_version;       // the region's version before the rollout changed it
    std::string to_version;         // its version after the upgrade ("" until then)
    std::int64_t operation_id = 0;  // the operation the region waits for; 0 = none
    std::string started_at;         // "" until its upgrade began
    std::string finished_at;        // "" until it ended
    std::string error;
};

// Since 1.11 (every method below). Implemented by the transaction object; the host finds it with
// dynamic_cast and never deletes it through this interface.
class BOOST_SYMBOL_VISIBLE RolloutLedger {
  public:
    virtual ~RolloutLedger() = default;

    virtual void insert_rollout(const Rollout& rollout) = 0;
    virtual void update_rollout(const Rollout& rollout) = 0;  // StorageError when none
    virtual std::optional<Rollout> find_rollout(const std::string& id) = 0;
    // Newest first (created_at, then id, both descending); "" template_id = every template;
    // keyset cursor as for migrations ("" = from the newest).
    virtual std::vector<Rollout> list_rollouts(const std::string& template_id,
                                               const std::string& before_created_at,
                                               const std::string& before_id, int limit) = 0;
    // Every rollout in state planned, running or paused, oldest first (created_at, id).
    virtual std::vector<Rollout> list_active_rollouts() = 0;

    virtual void insert_rollout_region(const RolloutRegion& region) = 0;
    // Keyed by (rollout_id, region_id); StorageError when none.
    virtual void update_rollout_region(const RolloutRegion& region) = 0;
    // By wave, then region name, then region id.
    virtual std::vector<RolloutRegion> list_rollout_regions(const std::string& rollout_id) = 0;
    // The rollout region waiting for that operation (the latest to start, should two name it).
    virtual std::optional<RolloutRegion> find_rollout_region_by_operation(
        std::int64_t operation_id) = 0;
};

}  // namespace vergegrid::plugin_api
