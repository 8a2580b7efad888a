// What each simulator's bridge last said is wrong with it (the heartbeat's "state_detail", e.g. a
// simulator stalled at a console question). Kept in memory only: every heartbeat carries it again,
// so a restarted control plane knows it again within one heartbeat interval, and no storage schema
// change is needed for a value that is only ever as fresh as the last beat.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

namespace vergegrid::control {

class StateDetails {
  public:
    // Records `detail` ("" = nothing wrong) and returns what was held before.
    std::string set(const std::string& simulator_id, const std::string& detail) {
        std::lock_guard lock(mutex_);
        auto& held = details_[simulator_id];
        auto before = std::move(held);
        held = detail;
        if (detail.empty()) {
            details_.erase(simulator_id);
        }
        return before;
    }

    std::string get(const std::string& simulator_id) const {
        std::lock_guard lock(mutex_);
        const auto it = details_.find(simulator_id);
        return it == details_.end() ? std::string() : it->second;
    }

  private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::string> details_;
};

}  // namespace vergegrid::control
