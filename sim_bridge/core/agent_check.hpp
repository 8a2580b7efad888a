// The `agents` operation (issue 13, before a region moves): who is on the region, and either
// wait until nobody is (when_empty, within deadline_s) or warn them with admin_dialog. It only
// asks and tells: the region, the cache and the stubs are never touched.
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "sim_bridge/core/operation_result.hpp"
#include "sim_bridge/core/simulator_host.hpp"

namespace vergegrid::bridge {

// Who the warning says it is from (admin_dialog's `from`, shown to the avatars as the sender).
inline constexpr const char* kDialogSender = "VergeGrid";

class AgentCheck {
  public:
    AgentCheck(SimulatorHost& host, std::chrono::milliseconds call_timeout,
               std::shared_ptr<spdlog::logger> log);

    // spec {"region_id","region_name","when_empty":bool,"deadline_s":int,"message":"text"}:
    // result detail {"agents": count at the first look, "warned": bool, "waited_ms": int}. A
    // spec it cannot carry out is refused (`refused: true`) before the simulator is asked.
    OperationResult run(const nlohmann::json& spec);

    // How often an occupied region is asked again while waiting for it to empty (1 s).
    void set_poll_interval(std::chrono::milliseconds interval) { poll_interval_ = interval; }
    // Asked between two looks: true gives the wait up ("the bridge is stopping").
    void set_cancelled(std::function<bool()> cancelled) { cancelled_ = std::move(cancelled); }

  private:
    SimulatorHost& host_;
    std::chrono::milliseconds call_timeout_;
    std::shared_ptr<spdlog::logger> log_;
    std::chrono::milliseconds poll_interval_{1000};
    std::function<bool()> cancelled_ = [] { return false; };
};

}  // namespace vergegrid::bridge
