// A rotated key on its way to the bridge that still calls with the key it replaced. The control
// plane stores only hashes of keys, and an admin who rotates a key does not know the old one, so
// nothing durable can be sealed for the old key's holder: the new key waits here, in memory only,
// for the rotation's overlap (simulators' previous keys stop working then anyway). The next
// pull or heartbeat made with the previous key gets it in its answer (no-store). A restart of the
// control plane forgets it; the bridge then needs the key by hand (docs/bridge.md).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "control/simulators/simulator_caller.hpp"
#include "secrets/secrets.hpp"

namespace vergegrid::control {

class PendingKeys {
  public:
    using Clock = std::chrono::steady_clock;

    // Replaces what was held for the simulator (only the newest key is of use).
    void hold(const std::string& simulator_id, const std::string& key,
              std::chrono::seconds overlap) {
        std::lock_guard lock(mutex_);
        prune_locked();
        if (overlap.count() <= 0) {
            keys_.erase(simulator_id);
            return;
        }
        keys_[simulator_id] = {key, Clock::now() + overlap};
    }

    // For a caller authenticated with the simulator's previous key.
    std::optional<std::string> for_previous_key(const std::string& simulator_id) {
        std::lock_guard lock(mutex_);
        const auto it = keys_.find(simulator_id);
        if (it == keys_.end() || it->second.until <= Clock::now()) {
            return std::nullopt;
        }
        return it->second.key;
    }

    // Forgets the held key once a call was authenticated with it (`authorization` is that
    // call's header): the bridge has it. Not on any call with a current key: one authenticated
    // just before the rotation may be handled just after it.
    void delivered(const std::string& simulator_id, const std::string& authorization) {
        std::lock_guard lock(mutex_);
        const auto it = keys_.find(simulator_id);
        if (it != keys_.end() &&
            secrets::constant_time_equal(authorization, "Bearer " + it->second.key)) {
            keys_.erase(it);
        }
    }

    // The rule of every call a bridge makes: one made with the previous key is handed the key
    // that replaced it (when still held); one made with a current key shows the bridge has that
    // key, so a held key it was authenticated with is forgotten.
    std::optional<std::string> handover(const SimulatorCaller& caller) {
        if (caller.previous_key) {
            return for_previous_key(caller.simulator_id);
        }
        delivered(caller.simulator_id, caller.authorization);
        return std::nullopt;
    }

    // The simulator was revoked.
    void forget(const std::string& simulator_id) {
        std::lock_guard lock(mutex_);
        keys_.erase(simulator_id);
    }

  private:
    void prune_locked() {
        const auto now = Clock::now();
        for (auto it = keys_.begin(); it != keys_.end();) {
            it = it->second.until <= now ? keys_.erase(it) : std::next(it);
        }
    }

    struct Held {
        std::string key;
        Clock::time_point until;
    };
    std::mutex mutex_;
    std::unordered_map<std::string, Held> keys_;
};

}  // namespace vergegrid::control
