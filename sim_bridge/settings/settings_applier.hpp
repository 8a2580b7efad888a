// Applies the simulator-facing fields of a region's spec to the running region, each by the
// mechanism of the table (libs/region_settings, docs/region-settings.md), and confirms each by
// reading it back (RegionReader). Never reports a field applied that it did not read back.
#pragma once

#include <spdlog/fwd.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim_bridge/core/simulator_host.hpp"
#include "sim_bridge/remote_admin/unanswered_calls.hpp"
#include "sim_bridge/settings/field_report.hpp"
#include "sim_bridge/settings/region_reader.hpp"
#include "sim_bridge/state/desired_cache.hpp"
#include "sim_bridge/stubs/stub_directory.hpp"

namespace vergegrid::bridge::settings {

struct ApplyRequest {
    std::string kind;                          // create, update, enable, restart
    const nlohmann::json* previous = nullptr;  // the spec the region had here; null on create
    bool fresh = false;          // created empty by this operation: a settings archive is free
    bool apply_restart = false;  // the change asked for on-restart fields now (or kind restart)
    bool region_up = false;      // the injection left the region running
};

struct ApplyOutcome {
    FieldReports fields;
    std::vector<std::string> pending;  // fields still waiting for a restart of the region
    bool restarted = false;            // the region was closed and loaded from its stub
};

// The estates helper's one call (sim_bridge/estates/): applies the region's estate_id and says
// how it went. Unset: the field is reported unsupported.
using EstateSeam = std::function<FieldReport(const DesiredRegion& region)>;

class SettingsApplier {
  public:
    SettingsApplier(SimulatorHost& host, RemoteAdminClient& admin, const ConsoleOutput* console,
                    StubDirectory& stubs, std::filesystem::path temp_dir,
                    std::chrono::milliseconds call_timeout, std::shared_ptr<spdlog::logger> log);

    void set_estate_seam(EstateSeam seam) { estate_ = std::move(seam); }

    // `region` carries the spec (and the fields still pending from earlier operations).
    ApplyOutcome apply(const DesiredRegion& region, const ApplyRequest& request);

    // Close + `create region "<name>" <stub>` on the console, so OpenSim reads the stub's
    // MaxPrims/MaxAgents again (admin_create_region never reads a file); true once healthy.
    bool restart_from_stub(const DesiredRegion& region);

  private:
    void apply_modify(const DesiredRegion& region, const std::vector<std::string>& paths,
                      FieldReports& out);
    void apply_console(const DesiredRegion& region, const std::vector<std::string>& paths);
    bool load_settings_archive(const DesiredRegion& region, const std::vector<std::string>& paths,
                               bool round_trip, std::string& error);
    void confirm(const DesiredRegion& region, const std::vector<std::string>& paths,
                 const std::string& status, FieldReports& out);

    SimulatorHost& host_;
    RemoteAdminClient& admin_;
    StubDirectory& stubs_;
    RegionReader reader_;
    std::filesystem::path temp_dir_;
    std::chrono::milliseconds call_timeout_;
    std::shared_ptr<spdlog::logger> log_;
    EstateSeam estate_;
    UnansweredCalls unanswered_;  // last: destroyed first, while host_ is still there
};

}  // namespace vergegrid::bridge::settings
