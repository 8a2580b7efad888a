// How many long polls each simulator holds parked: one bridge needs one, so a simulator holding
// many is a leaked key or a broken bridge, and must not fill the parking lot every simulator
// shares. Thread-safe; a Slot gives its place back when destroyed.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace vergegrid::control {

class PollQuota : public std::enable_shared_from_this<PollQuota> {
  public:
    explicit PollQuota(int per_simulator) : per_simulator_(per_simulator) {}

    class Slot {
      public:
        Slot(std::shared_ptr<PollQuota> quota, std::string simulator_id)
            : quota_(std::move(quota)), simulator_id_(std::move(simulator_id)) {}
        ~Slot() { quota_->release(simulator_id_); }
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;

      private:
        std::shared_ptr<PollQuota> quota_;
        std::string simulator_id_;
    };

    // A slot, or null when the simulator already holds its share.
    std::unique_ptr<Slot> take(const std::string& simulator_id) {
        {
            std::lock_guard lock(mutex_);
            auto& held = held_[simulator_id];
            if (held >= per_simulator_) {
                return nullptr;
            }
            ++held;
        }
        return std::make_unique<Slot>(shared_from_this(), simulator_id);
    }

  private:
    void release(const std::string& simulator_id) {
        std::lock_guard lock(mutex_);
        const auto it = held_.find(simulator_id);
        if (it != held_.end() && --it->second <= 0) {
            held_.erase(it);
        }
    }

    const int per_simulator_;
    std::mutex mutex_;
    std::unordered_map<std::string, int> held_;
};

}  // namespace vergegrid::control
