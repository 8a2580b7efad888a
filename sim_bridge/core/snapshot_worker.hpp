// The snapshot and restore operations (docs/snapshots.md, "Operations"): a region's content saved
// by OpenSim into the state dir, checked whole, cut to the snapshot's parts, hashed and uploaded;
// or downloaded, checked against its SHA-256 and loaded. Files are removed whatever the outcome.
// The bridge applies one operation at a time, so a simulator saves at most one region at a time.
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "sim_bridge/bridge_settings.hpp"
#include "sim_bridge/channel/snapshot_channel.hpp"
#include "sim_bridge/core/operation_result.hpp"
#include "sim_bridge/core/simulator_host.hpp"

namespace vergegrid::bridge {

class SnapshotWorker {
  public:
    // Creates <state_dir>/snapshots (mode 0700) and removes archives a crashed bridge left there.
    SnapshotWorker(const SnapshotSettings& settings, const SimulatorSettings& simulator,
                   const std::filesystem::path& state_dir, SimulatorHost& host,
                   SnapshotChannel& channel, std::shared_ptr<spdlog::logger> log);

    // spec {"snapshot_id","region_id","region_name","parts"}: result {"size_bytes","sha256",...}.
    OperationResult snapshot(std::int64_t operation_id, const nlohmann::json& spec);
    // spec {"snapshot_id","region_id","region_name","sha256","size_bytes"}.
    OperationResult restore(std::int64_t operation_id, const nlohmann::json& spec);

    const std::filesystem::path& directory() const { return directory_; }

  private:
    // Waits until OpenSim's archive is whole: false (with `error`) when the simulator died or
    // the save timeout passed first.
    bool wait_until_saved(std::int64_t operation_id, const std::filesystem::path& file,
                          std::chrono::steady_clock::time_point deadline, std::string& error);

    const SnapshotSettings& settings_;
    const SimulatorSettings& simulator_;
    std::filesystem::path directory_;
    SimulatorHost& host_;
    SnapshotChannel& channel_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace vergegrid::bridge
