#include "control/cluster/replica_heartbeat.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "control/common/clock.hpp"

namespace vergegrid::control {

namespace {

// Rows of replicas gone this long are deleted by the leader.
constexpr long kForgetAfterS = 24 * 3600;

plugin_api::ClusterCoordination* coordination_of(plugin_api::StorageBackend* backend) {
    return dynamic_cast<plugin_api::ClusterCoordination*>(backend);
}

}  // namespace

plugin_api::ReplicaStore* replica_store(plugin_api::StorageTransaction& tx) {
    return dynamic_cast<plugin_api::ReplicaStore*>(&tx);
}

ReplicaHeartbeat::ReplicaHeartbeat(
    Store store, kernel::services::ActiveSlot<plugin_api::StorageBackend>& storage,
    ReplicaIdentity identity, std::chrono::seconds failover, std::shared_ptr<Leadership> leadership,
    std::shared_ptr<spdlog::logger> log)
    : store_(std::move(store)),
      storage_(storage),
      identity_(std::move(identity)),
      period_(std::max<std::chrono::milliseconds>(failover / 3, std::chrono::seconds(1))),
      leadership_(std::move(leadership)),
      log_(std::move(log)),
      thread_([this] { run(); }) {}

ReplicaHeartbeat::~ReplicaHeartbeat() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_requested_.notify_all();
    thread_.join();
    leadership_->set(false);
    try {
        if (auto backend = storage_.get()) {
            if (auto* coordination = coordination_of(backend.get())) {
                coordination->resign_leadership();
            }
            store_.write([&](plugin_api::StorageTransaction& tx) {
                if (auto* replicas = replica_store(tx)) {
                    replicas->delete_replica(identity_.id);
                }
            });
        }
    } catch (const std::exception& e) {
        log_->warn("could not remove this control plane's replica row: {}", e.what());
    }
}

void ReplicaHeartbeat::run() {
    std::unique_lock lock(mutex_);
    do {
        lock.unlock();
        beat();
        lock.lock();
    } while (!stop_requested_.wait_for(lock, period_, [this] { return stopping_; }));
}

plugin_api::Replica ReplicaHeartbeat::row(bool leading) const {
    return {identity_.id,
            identity_.name ? identity_.name() : "",
            identity_.url ? identity_.url() : "",
            identity_.version,
            identity_.started_at,
            now_iso8601(),
            leading};
}

bool ReplicaHeartbeat::beat() {
    bool leading = false;
    try {
        auto backend = storage_.get();
        auto* coordination = backend ? coordination_of(backend.get()) : nullptr;
        leading = backend && (coordination == nullptr || coordination->hold_leadership());
        const bool was_leading = leadership_->leading();
        if (leading != was_leading) {
            log_->info(leading ? "this control plane now leads the grid's background jobs"
                               : "this control plane no longer leads the grid's background jobs");
        }
        leadership_->set(leading);
        if (!backend) {
            return false;
        }
        store_.write([&](plugin_api::StorageTransaction& tx) {
            auto* replicas = replica_store(tx);
            if (replicas == nullptr) {
                return;
            }
            const auto mine = row(leading);
            replicas->save_replica(mine);
            if (leading) {
                replicas->delete_replicas_seen_before(
                    iso8601_plus_seconds(mine.seen_at, -kForgetAfterS));
            }
        });
        if (row_failed_) {
            log_->info("this control plane's replica row is written again");
        }
        row_failed_ = false;
    } catch (const std::exception& e) {
        if (!row_failed_) {
            log_->warn("could not write this control plane's replica row: {}", e.what());
        }
        row_failed_ = true;
    }
    return leading;
}

}  // namespace vergegrid::control
