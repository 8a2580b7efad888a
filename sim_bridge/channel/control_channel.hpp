// The bridge's calls to the control plane (docs/api.md, "Simulators and the operation channel"):
// registration, long-poll pull, results, heartbeats. Every call but registration carries the
// simulator's API key.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim_bridge/channel/snapshot_channel.hpp"
#include "sim_bridge/state/identity.hpp"
#include "sim_channel_client/channel_client.hpp"

namespace vergegrid::bridge {

// The control plane answered with an error status; `status` and the body's message are kept.
class ControlPlaneError : public std::runtime_error {
  public:
    ControlPlaneError(int status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    int status() const noexcept { return status_; }

  private:
    int status_;
};

struct Registration {
    std::string token;
    std::string hostname;
    std::vector<std::string> labels;
    int capacity = 0;
    std::string push_url;
};

struct Heartbeat {
    double cpu_load = 0;
    double memory_load = 0;
    std::vector<std::string> regions;  // ids of the regions the simulator runs
    // What is wrong with the simulator ("" = nothing): the control plane shows it as the
    // simulator's state_detail until a beat without it.
    std::string state_detail;
};

// Something the bridge repaired or found by itself (POST /api/v1/sim/repairs).
struct RepairEvent {
    std::string kind;
    std::string region_id;
    std::string detail;
};

class ControlChannel final : public SnapshotChannel {
  public:
    // Every call goes through `client` (a sim_channel::FailoverClient in the daemon).
    explicit ControlChannel(std::unique_ptr<sim_channel::ChannelRequester> client,
                            sim_channel::TransferSettings transfer = {});

    // Throws ControlPlaneError (403 for a used/unknown token) or sim_channel::ChannelError.
    Identity register_simulator(const Registration& registration) const;
    // The key every later call carries. Thread-safe.
    void set_identity(const Identity& identity);
    // Called (on the calling thread) when a pull or heartbeat answer hands over the key that
    // replaced the one it was made with; the listener saves it and calls set_identity().
    void on_new_key(std::function<void(const std::string& key)> listener);

    // POST /api/v1/sim/rotate-key with the current key: the new key (the current one stays valid
    // for the control plane's overlap).
    std::string rotate_key() const;

    // The operations due, oldest first (each the control plane's operation JSON).
    std::vector<nlohmann::json> pull(int wait_s) const;
    void report(std::int64_t operation_id, bool succeeded, const nlohmann::json& result) const;
    void heartbeat(const Heartbeat& heartbeat) const;
    void report_repairs(const std::vector<RepairEvent>& events) const;

    // The snapshot wire (sim_channel::SnapshotTransfer with the current key).
    void upload_snapshot(const std::string& snapshot_id, const std::filesystem::path& file,
                         const std::string& sha256,
                         const sim_channel::TransferProgress& progress) override;
    void download_snapshot(const std::string& snapshot_id, const std::filesystem::path& file,
                           std::uint64_t size,
                           const sim_channel::TransferProgress& progress) override;
    void report_progress(std::int64_t operation_id,
                         const sim_channel::OperationProgress& progress) override;

  private:
    nlohmann::json call(const std::string& method, const std::string& path,
                        std::optional<nlohmann::json> body,
                        std::optional<std::chrono::milliseconds> timeout = std::nullopt) const;

    std::string api_key() const;
    void take_new_key(const nlohmann::json& answer) const;

    std::unique_ptr<sim_channel::ChannelRequester> client_;
    sim_channel::SnapshotTransfer transfer_;
    mutable std::mutex key_mutex_;
    std::string api_key_;
    std::function<void(const std::string&)> new_key_listener_;
};

}  // namespace vergegrid::bridge
