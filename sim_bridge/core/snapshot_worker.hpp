// The snapshot and restore operations (docs/snapshots.md, "Operations"): a region's content saved
// by OpenSim into the state dir, checked whole, cut to the snapshot's parts, hashed and uploaded;
// or downloaded, checked against its SHA-256 and loaded. Files are removed whatever the outcome.
// The bridge applies one operation at a time, so a simulator saves at most one region at a time.
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim_bridge/bridge_settings.hpp"
#include "sim_bridge/channel/snapshot_channel.hpp"
#include "sim_bridge/core/operation_result.hpp"
#include "sim_bridge/core/simulator_host.hpp"
#include "sim_bridge/remote_admin/unanswered_calls.hpp"

namespace vergegrid::bridge {

class SnapshotWorker {
  public:
    // Creates <state_dir>/snapshots (mode 0700) and removes archives a crashed bridge left there.
    SnapshotWorker(const SnapshotSettings& settings, const SimulatorSettings& simulator,
                   const std::filesystem::path& state_dir, SimulatorHost& host,
                   SnapshotChannel& channel, std::shared_ptr<spdlog::logger> log);
    // Waits for the admin_save_oar calls still running (each ends by its own timeout at the
    // latest): they use the simulator host.
    ~SnapshotWorker();
    SnapshotWorker(const SnapshotWorker&) = delete;
    SnapshotWorker& operator=(const SnapshotWorker&) = delete;

    // spec {"snapshot_id","region_id","region_name","parts"}: result {"size_bytes","sha256",
    // "save_ms",...}. admin_save_oar runs on its own thread: OpenSim answers after at least 5 s
    // whether or not the archive is finished, so the snapshot goes on as soon as the file is
    // whole (save_ms: from the call until then) and leaves the answer to come in the background.
    OperationResult snapshot(std::int64_t operation_id, const nlohmann::json& spec);
    // spec {"snapshot_id","region_id","region_name","sha256","size_bytes"}.
    OperationResult restore(std::int64_t operation_id, const nlohmann::json& spec);

    const std::filesystem::path& directory() const { return directory_; }

    // Asked while waiting for an archive and between transfer chunks: true makes the operation
    // give up ("the bridge is stopping"), so a stopping bridge is not held for a long save.
    void set_cancelled(std::function<bool()> cancelled) { cancelled_ = std::move(cancelled); }

  private:
    // Waits until OpenSim's archive is whole: false (with `error`) when OpenSim answered an
    // error, the simulator died or the save timeout passed first. `answer` is the running
    // admin_save_oar call; it is taken (made invalid) once it has answered.
    bool wait_until_saved(std::int64_t operation_id, const std::filesystem::path& file,
                          std::chrono::steady_clock::time_point deadline,
                          std::future<AdminAnswer>& answer, std::string& error);

    const SnapshotSettings& settings_;
    const SimulatorSettings& simulator_;
    std::filesystem::path directory_;
    SimulatorHost& host_;
    SnapshotChannel& channel_;
    std::shared_ptr<spdlog::logger> log_;
    std::function<bool()> cancelled_ = [] { return false; };
    // admin_save_oar calls whose snapshot went on without their answer.
    UnansweredCalls running_saves_;
};

}  // namespace vergegrid::bridge
