// What one control plane tells the others on its database, and what it hears from them
// (docs/ha.md): "an operation for simulator S was committed or fell due", "users or tokens
// changed", "a pending region may fit now" and "the placement policy was swapped". Sent through the
// storage's ClusterCoordination (PostgreSQL NOTIFY) by a thread of its own that takes everything
// queued meanwhile in one statement, so a commit never waits for it. What is lost (a control plane
// killed between its commit and the send, a broken listening session) costs latency only: parked
// polls re-check storage on a timer, and a gap in listening wakes them all at once.
#pragma once

#include <spdlog/fwd.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "vergegrid/plugin_api/storage.hpp"
#include "vergegrid/plugin_api/storage_cluster.hpp"

namespace vergegrid::control {

inline constexpr const char* kOperationsChannel = "vergegrid_operations";
inline constexpr const char* kAccessChannel = "vergegrid_access";
inline constexpr const char* kPlacementChannel = "vergegrid_placement";
inline constexpr const char* kPolicyChannel = "vergegrid_policy";

struct ClusterHandlers {
    std::function<void(const std::string& simulator_id)> operation;  // another's operation news
    std::function<void()> access_changed;                            // users or tokens changed
    std::function<void()> room_made;  // a pending region may fit now (the leader places it)
    std::function<void()> gap;        // news may have been lost
    std::function<void(const std::string& name)> policy_chosen;  // a runtime policy swap
};

class ClusterRelay final : public plugin_api::ClusterListener {
  public:
    // `backend` must implement ClusterCoordination; it is kept alive (with its plugin) as long
    // as this relay. Starts listening and the sending thread.
    ClusterRelay(std::shared_ptr<plugin_api::StorageBackend> backend, ClusterHandlers handlers,
                 std::shared_ptr<spdlog::logger> log);
    ~ClusterRelay() override;
    ClusterRelay(const ClusterRelay&) = delete;
    ClusterRelay& operator=(const ClusterRelay&) = delete;

    // Queue news for the others; returns at once.
    void operation_queued(const std::string& simulator_id);
    void access_changed();
    void room_made();
    void policy_chosen(const std::string& name);

    void on_message(const std::string& channel, const std::string& payload) noexcept override;
    void on_gap() noexcept override;

  private:
    void run_sender();

    std::shared_ptr<plugin_api::StorageBackend> backend_;
    plugin_api::ClusterCoordination& coordination_;
    ClusterHandlers handlers_;
    std::shared_ptr<spdlog::logger> log_;

    std::mutex mutex_;
    std::condition_variable queued_;
    std::set<std::string> simulators_;  // news to send, each once
    bool access_changed_ = false;
    bool room_made_ = false;
    std::string policy_;  // the latest swap not yet sent ("" = none)
    bool stopping_ = false;
    std::thread sender_;
};

}  // namespace vergegrid::control
