// The bridge's side of plugin_api::SimulatorControl: RemoteAdmin calls, the stub files, the
// supervised simulator process and the desired regions, lent to the injection strategy per call.
#pragma once

#include <spdlog/fwd.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sim_bridge/bridge_settings.hpp"
#include "sim_bridge/estates/estate_spec.hpp"
#include "sim_bridge/process/console_output.hpp"
#include "sim_bridge/process/simulator_process.hpp"
#include "sim_bridge/remote_admin/remote_admin_client.hpp"
#include "sim_bridge/state/desired_cache.hpp"
#include "sim_bridge/stubs/stub_directory.hpp"
#include "vergegrid/plugin_api/injection.hpp"

namespace vergegrid::bridge {

// The stub of a region: its plan, plus the settings only the region loader reads (prim and agent
// limits) and the estate it joins.
region_ini::RegionIniSpec stub_spec(const plugin_api::RegionPlan& plan);
region_ini::RegionIniSpec stub_spec(const DesiredRegion& region, const std::string& estate);

// Why a live create is not tried in a simulator that runs no region (OpenSim traps 5 and 11).
inline constexpr std::string_view kNoRegionRunning =
    "the simulator runs no region and cannot create this region's estate live (OpenSim traps 5 "
    "and 11: a new estate needs a running region)";

// Something the bridge repaired or found, for the log and the control plane.
using RepairSink = std::function<void(const std::string& kind, const std::string& region_id,
                                      const std::string& detail)>;

class SimulatorHost final : public plugin_api::SimulatorControl {
  public:
    SimulatorHost(const SimulatorSettings& settings, RemoteAdminClient& admin, StubDirectory& stubs,
                  DesiredCache& cache, SimulatorProcess* process,
                  std::shared_ptr<spdlog::logger> log, RepairSink repairs);
    ~SimulatorHost() override;
    SimulatorHost(const SimulatorHost&) = delete;
    SimulatorHost& operator=(const SimulatorHost&) = delete;

    // admin_create_region into the region's estate (the desired state's, else the default
    // estate), once the stub regions of a fresh start have loaded (trap 10). In a simulator that
    // runs no region it fails at once, without asking OpenSim, unless the estate already exists:
    // the strategy then takes the stub path (the region loader makes the default estate).
    plugin_api::CallResult create_region(const plugin_api::RegionPlan& region,
                                         std::chrono::milliseconds timeout) override;
    int region_health(const plugin_api::RegionPlan& region) override;
    plugin_api::CallResult close_region(const plugin_api::RegionPlan& region,
                                        std::chrono::milliseconds timeout) override;
    plugin_api::CallResult delete_region(const plugin_api::RegionPlan& region,
                                         std::chrono::milliseconds timeout) override;
    void write_stub(const plugin_api::RegionPlan& region) override;
    void remove_stub(const plugin_api::RegionPlan& region) override;
    void clean_failed_create(const plugin_api::RegionPlan& region) override;
    bool restart_simulator() override;
    std::vector<plugin_api::RegionPlan> desired_regions() override;

    // admin_create_region into `estate`: its name (or the default estate when it has none), its
    // owner sent for OpenSim to use when the estate is new (a UUID, or first and last name). An
    // owner-less estate that does not exist yet leaves the region in the default estate.
    plugin_api::CallResult create_region_in(const plugin_api::RegionPlan& region,
                                            const EstateSpec& estate,
                                            std::chrono::milliseconds timeout);
    // The estate the region's latest successful admin_create_region joined, by name (a create
    // succeeds only once OpenSim linked the region to it).
    std::optional<std::string> estate_created_in(const std::string& region_id) const;
    // admin_console_command (answers {} whatever the line did: read the outcome from console()).
    AdminAnswer console_command(const std::string& line);
    // The supervised simulator's console output; nullptr when the simulator is not supervised.
    const ConsoleOutput* console() const { return console_ ? &*console_ : nullptr; }
    // True when a region of this simulator other than `except_id` answers health > 0 (the
    // regions of every file in Regions/ and every desired region are asked, until one answers).
    bool other_region_running(const std::string& except_id);

    // admin_save_oar (see RemoteAdminClient). Safe to call from another thread, and therefore
    // NOT counted as simulator time: the snapshot worker runs it on its own thread and counts
    // the save until the archive was whole itself (add_simulator_time).
    AdminAnswer save_oar(const std::string& region_name, const std::filesystem::path& file,
                         bool noassets, std::chrono::milliseconds timeout);
    // admin_load_oar, counted as simulator time.
    AdminAnswer load_oar(const std::string& region_name, const std::filesystem::path& file,
                         bool skip_assets, std::chrono::milliseconds timeout);
    // admin_get_agents / admin_dialog (see RemoteAdminClient), counted as simulator time.
    AgentsAnswer get_agents(const std::string& region_name, std::chrono::milliseconds timeout);
    AdminAnswer dialog(const std::string& message, const std::string& from,
                       std::chrono::milliseconds timeout);
    // False once the supervised process has exited (or, unsupervised, when RemoteAdmin does not
    // answer). A death noticed here is remembered for take_death_notice().
    bool simulator_alive();
    // True once after simulator_alive() found the supervised process dead: the watch loop then
    // restarts it at once instead of at the next reconcile.
    bool take_death_notice() { return death_noticed_.exchange(false); }

    // Starts the simulator when it is supervised and not running (adopting one a previous bridge
    // left running); true when RemoteAdmin answers.
    bool ensure_running();
    // True when RemoteAdmin answers now.
    bool answering();
    bool supervised() const { return process_ != nullptr; }
    const std::string& default_estate() const { return settings_.default_estate; }
    // True for a while after this bridge started the simulator: regions from the stubs may still
    // be loading (health 0) and must not be created a second time.
    bool loading_regions() const;
    // Removes the bridge's stubs that would make OpenSim halt at start-up (a duplicate name,
    // UUID, location or port with another file): the operator's file wins.
    void fix_conflicting_stubs();
    // Time spent waiting for the simulator (RemoteAdmin calls, restarts) since the last reset:
    // what an operation cost beyond the bridge's own work.
    std::chrono::nanoseconds simulator_time() const { return simulator_time_; }
    void reset_simulator_time() { simulator_time_ = {}; }
    // Simulator time measured by the caller (a call it ran on another thread). Not thread-safe:
    // called from the operation's own thread.
    void add_simulator_time(std::chrono::nanoseconds spent) { simulator_time_ += spent; }

    // What is wrong with the simulator, for the heartbeat's state_detail: a console question it
    // stalled at and the OpenSim.ini setting that avoids it; "" when nothing is. Thread-safe.
    std::string state_detail() const;
    // True while the simulator waits at a console question the bridge will not answer. It is
    // not restarted (it would ask again) until OpenSim's configuration files change
    // (simulator.config_dir) or the bridge itself is restarted.
    bool stalled() const { return !state_detail().empty(); }
    // Runs a RemoteAdmin call that may make OpenSim load a region (a create) while watching the
    // console: a question fails it at once with state_detail() instead of after its timeout.
    AdminAnswer watched(std::function<AdminAnswer()> call);

  private:
    bool start_and_wait();
    // After RemoteAdmin answers: until the stub regions are up (region_load_timeout), a console
    // question stalls the start.
    bool wait_for_stub_regions();
    // The question the supervised simulator waits on since `from`, noted as the stall; false
    // when there is none.
    bool stalled_at_question(ConsoleOutput::Mark from);
    // A stalled simulator whose configuration changed is stopped (to be started again); true
    // when it is still stalled.
    bool still_stalled();
    void stop_process();
    AdminAnswer refused_by_stall() const;
    std::filesystem::path config_dir() const {
        return settings_.config_dir.empty() ? settings_.working_dir : settings_.config_dir;
    }
    // Names of the regions that should be running here: every region file's and every enabled
    // desired region's.
    std::vector<std::string> known_region_names(const std::string& except_id);
    // Trap 10: RemoteAdmin answers before the region loader has finished. While a fresh start's
    // regions may be loading, waits until each known region answers (or the load timeout ends).
    void wait_for_loading_regions(const std::string& except_id);

    const SimulatorSettings& settings_;
    RemoteAdminClient& admin_;
    StubDirectory& stubs_;
    DesiredCache& cache_;
    SimulatorProcess* process_;
    std::optional<ConsoleOutput> console_;
    mutable std::mutex created_mutex_;
    std::map<std::string, std::string> created_in_;  // region id -> estate name
    ConsoleOutput::Mark start_mark_ = 0;  // the console output of the process started last
    mutable std::mutex stall_mutex_;
    std::string stall_detail_;
    std::string stall_fingerprint_;  // OpenSim's configuration when it stalled
    // Calls a console question cut short: still waiting for their answer or timeout, joined on
    // destruction (they use the RemoteAdmin client).
    std::vector<std::thread> abandoned_calls_;
    std::chrono::steady_clock::time_point started_at_{};
    std::chrono::nanoseconds simulator_time_{};
    std::atomic<bool> death_noticed_{false};
    std::shared_ptr<spdlog::logger> log_;
    RepairSink repairs_;
};

}  // namespace vergegrid::bridge
