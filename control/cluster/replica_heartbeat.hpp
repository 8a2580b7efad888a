// This control plane's part in the cluster (docs/ha.md): on a thread of its own, three times per
// ha.failover_s, it takes or keeps the grid's leadership (ClusterCoordination) and writes its
// replica row (ReplicaStore), which GET /api/v1/cluster lists. The leader also forgets rows not
// seen for a day. A storage without ClusterCoordination (SQLite, a plugin before ABI 1.9) has one
// control plane, which leads. On a clean stop the row is deleted and the leadership given up, so
// another replica leads at its next beat.
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "control/common/leadership.hpp"
#include "control/domain/store.hpp"
#include "vergegrid/plugin_api/storage_cluster.hpp"

namespace vergegrid::control {

// What this process says about itself; `name` and `url` hold the port, known once the server
// listens.
struct ReplicaIdentity {
    std::string id;
    std::function<std::string()> name;
    std::function<std::string()> url;
    std::string version;
    std::string started_at;
};

// Null for a storage plugin built before ABI 1.9 (no replica rows).
plugin_api::ReplicaStore* replica_store(plugin_api::StorageTransaction& tx);

class ReplicaHeartbeat {
  public:
    ReplicaHeartbeat(Store store, kernel::services::ActiveSlot<plugin_api::StorageBackend>& storage,
                     ReplicaIdentity identity, std::chrono::seconds failover,
                     std::shared_ptr<Leadership> leadership, std::shared_ptr<spdlog::logger> log);
    ~ReplicaHeartbeat();
    ReplicaHeartbeat(const ReplicaHeartbeat&) = delete;
    ReplicaHeartbeat& operator=(const ReplicaHeartbeat&) = delete;

    // One beat now (the thread's work); returns whether this process leads.
    bool beat();

  private:
    void run();
    plugin_api::Replica row(bool leading) const;

    Store store_;
    kernel::services::ActiveSlot<plugin_api::StorageBackend>& storage_;
    ReplicaIdentity identity_;
    std::chrono::milliseconds period_;
    std::shared_ptr<Leadership> leadership_;
    std::shared_ptr<spdlog::logger> log_;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stopping_ = false;
    bool row_failed_ = false;  // said once, not every beat
    std::thread thread_;       // last: started after the members it uses
};

}  // namespace vergegrid::control
