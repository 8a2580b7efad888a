// The last desired state the bridge knows for its simulator, persisted in
// <state dir>/desired.json after every change, so that a bridge restarted while the control
// plane is down keeps the simulator as it was and converges once the control plane is back.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim_bridge/estates/estate_spec.hpp"
#include "vergegrid/plugin_api/injection.hpp"

namespace vergegrid::bridge {

struct DesiredRegion {
    plugin_api::RegionPlan plan;
    bool enabled = true;
    std::string version;  // the region's semantic version this state is at
    int max_prims = 0;    // stub-only settings (flags.max_prims, flags.max_agents); 0 = default
    int max_agents = 0;
    EstateSpec estate;  // the OpenSim estate the region joins (sim_bridge/estates)
    // The simulator-facing spec as the operation carried it (the region JSON: environment,
    // permissions, flags, estate, ...): what the settings are applied from and compared with.
    nlohmann::json spec = nlohmann::json::object();
    // Fields whose latest change waits for a restart of the region (docs/region-settings.md).
    std::vector<std::string> pending;
};

// An operation's region spec (the control plane's region JSON) as a plan; throws
// std::invalid_argument naming the field when the spec lacks what the simulator needs.
DesiredRegion desired_from_spec(const nlohmann::json& spec, const std::string& listen_ip,
                                const std::string& default_external_host);

class DesiredCache {
  public:
    // Loads the file when it exists; throws naming it when it is broken.
    explicit DesiredCache(const std::filesystem::path& state_dir);

    std::vector<DesiredRegion> all() const;
    std::optional<DesiredRegion> find(const std::string& region_id) const;
    // Both persist before returning.
    void put(const DesiredRegion& region);
    void erase(const std::string& region_id);

  private:
    void save_locked() const;

    std::filesystem::path path_;
    mutable std::mutex mutex_;
    std::map<std::string, DesiredRegion> regions_;
};

}  // namespace vergegrid::bridge
