// vergegrid-bridge at run time: registers once, supervises the simulator, and runs three loops:
// pull (long poll; a doorbell makes it pull at once) applying operations and reporting their
// results, heartbeats, and the watch loop (notices the simulator died, reconciles periodically).
// Operations and reconciles are serialised: one change to the simulator at a time.
#pragma once

#include <spdlog/fwd.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>
#include <vector>

#include "sim_bridge/bridge_settings.hpp"
#include "sim_bridge/core/operation_result.hpp"
#include "vergegrid/plugin_api/injection.hpp"

namespace vergegrid::bridge {

// Registration refused (a used or unknown token): the bridge cannot work without an identity.
class RegistrationRefused : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Bridge {
  public:
    Bridge(BridgeSettings settings, std::shared_ptr<plugin_api::InjectionStrategy> strategy,
           std::shared_ptr<spdlog::logger> log);
    ~Bridge();

    // Registers if needed, starts the loops and returns; throws RegistrationRefused or
    // std::runtime_error for what makes running impossible. May run on its own thread while
    // another calls request_stop().
    void start();
    // Makes a start() in progress give up (registration is retried until the control plane
    // answers) and the loops end. Thread-safe.
    void request_stop();
    // Stops the loops (and the simulator when simulator.stop_on_exit). Not concurrent with
    // start().
    void stop();

  private:
    struct Parts;
    void pull_loop();
    void name_the_stall(OperationResult& result) const;
    void heartbeat_loop();
    void watch_loop();
    void ring();
    bool wait_or_stop(std::chrono::milliseconds delay, bool wake_on_doorbell = false);
    void repair(const std::string& kind, const std::string& region_id, const std::string& detail);
    void send_repairs();
    // Saves identity.json (atomically) with `key`, then calls with it.
    void adopt_key(const std::string& key, const char* why);
    // Rotates the key once channel.key_rotation_interval has passed since identity.json was
    // written (by registration or the last rotation).
    void rotate_key_when_due();

    BridgeSettings settings_;
    std::shared_ptr<plugin_api::InjectionStrategy> strategy_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<Parts> parts_;

    std::mutex action_mutex_;  // one change to the simulator at a time
    std::mutex key_mutex_;     // one key change at a time
    std::mutex repairs_mutex_;
    std::vector<std::tuple<std::string, std::string, std::string>> repairs_;  // not yet sent
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool doorbell_ = false;
    std::atomic<bool> stopping_{false};
    bool stopped_ = false;
    std::thread pull_thread_;
    std::thread heartbeat_thread_;
    std::thread watch_thread_;
};

}  // namespace vergegrid::bridge
