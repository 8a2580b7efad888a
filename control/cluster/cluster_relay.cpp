#include "control/cluster/cluster_relay.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace vergegrid::control {

namespace {

plugin_api::ClusterCoordination& required_coordination(plugin_api::StorageBackend* backend) {
    auto* coordination = dynamic_cast<plugin_api::ClusterCoordination*>(backend);
    if (coordination == nullptr) {
        throw std::logic_error("ClusterRelay needs a storage backend with ClusterCoordination");
    }
    return *coordination;
}

// NOTIFY payloads stay far below PostgreSQL's 8,000 bytes: one simulator id each, sent this many
// per statement.
constexpr std::size_t kPerStatement = 500;

}  // namespace

ClusterRelay::ClusterRelay(std::shared_ptr<plugin_api::StorageBackend> backend,
                           ClusterHandlers handlers, std::shared_ptr<spdlog::logger> log)
    : backend_(std::move(backend)),
      coordination_(required_coordination(backend_.get())),
      handlers_(std::move(handlers)),
      log_(std::move(log)) {
    coordination_.listen({kOperationsChannel, kAccessChannel, kPlacementChannel, kPolicyChannel},
                         *this);
    sender_ = std::thread([this] { run_sender(); });
}

ClusterRelay::~ClusterRelay() {
    coordination_.stop_listening();
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    queued_.notify_one();
    sender_.join();
}

void ClusterRelay::operation_queued(const std::string& simulator_id) {
    {
        const std::lock_guard lock(mutex_);
        simulators_.insert(simulator_id);
    }
    queued_.notify_one();
}

void ClusterRelay::access_changed() {
    {
        const std::lock_guard lock(mutex_);
        access_changed_ = true;
    }
    queued_.notify_one();
}

void ClusterRelay::room_made() {
    {
        const std::lock_guard lock(mutex_);
        room_made_ = true;
    }
    queued_.notify_one();
}

void ClusterRelay::policy_chosen(const std::string& name) {
    {
        const std::lock_guard lock(mutex_);
        policy_ = name;
    }
    queued_.notify_one();
}

void ClusterRelay::on_message(const std::string& channel, const std::string& payload) noexcept {
    try {
        if (channel == kOperationsChannel && handlers_.operation) {
            handlers_.operation(payload);
        } else if (channel == kAccessChannel && handlers_.access_changed) {
            handlers_.access_changed();
        } else if (channel == kPlacementChannel && handlers_.room_made) {
            handlers_.room_made();
        } else if (channel == kPolicyChannel && handlers_.policy_chosen) {
            handlers_.policy_chosen(payload);
        }
    } catch (const std::exception& e) {
        log_->warn("a notification on {} could not be handled: {}", channel, e.what());
    }
}

void ClusterRelay::on_gap() noexcept {
    try {
        if (handlers_.gap) {
            handlers_.gap();
        }
        if (handlers_.access_changed) {
            handlers_.access_changed();
        }
        if (handlers_.room_made) {
            handlers_.room_made();
        }
    } catch (const std::exception& e) {
        log_->warn("catching up after a gap in notifications failed: {}", e.what());
    }
}

void ClusterRelay::run_sender() {
    std::unique_lock lock(mutex_);
    for (;;) {
        queued_.wait(lock, [this] {
            return stopping_ || access_changed_ || room_made_ || !policy_.empty() ||
                   !simulators_.empty();
        });
        if (stopping_) {
            return;  // what is still queued is covered by the others' re-check timers
        }
        std::vector<std::string> simulators(simulators_.begin(), simulators_.end());
        simulators_.clear();
        const bool access = std::exchange(access_changed_, false);
        const bool room = std::exchange(room_made_, false);
        const std::string policy = std::exchange(policy_, std::string());
        lock.unlock();
        try {
            for (std::size_t from = 0; from < simulators.size(); from += kPerStatement) {
                const auto to = std::min(simulators.size(), from + kPerStatement);
                coordination_.publish(
                    kOperationsChannel,
                    std::vector<std::string>(simulators.begin() + static_cast<std::ptrdiff_t>(from),
                                             simulators.begin() + static_cast<std::ptrdiff_t>(to)));
            }
            if (access) {
                coordination_.publish(kAccessChannel, {""});
            }
            if (room) {
                coordination_.publish(kPlacementChannel, {""});
            }
            if (!policy.empty()) {
                coordination_.publish(kPolicyChannel, {policy});
            }
        } catch (const std::exception& e) {
            // The others' parked polls find the operations on their re-check timer; their
            // credential caches expire on their own (auth.cache_ttl_ms).
            log_->warn("could not tell the other control planes: {}", e.what());
        }
        lock.lock();
    }
}

}  // namespace vergegrid::control
