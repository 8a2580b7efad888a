#include "sim_bridge/core/agent_check.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>
#include <thread>

namespace vergegrid::bridge {

namespace {

using Clock = std::chrono::steady_clock;

// A day: a longer wait for avatars to leave is a mistake in the request, not a plan.
constexpr std::int64_t kMaxDeadlineS = 86400;

struct AgentSpec {
    std::string region_name;
    bool when_empty = false;
    std::int64_t deadline_s = 0;
    std::string message;
};

AgentSpec parse(const nlohmann::json& spec) {
    if (!spec.is_object()) {
        throw std::invalid_argument("the agents operation carries no spec");
    }
    AgentSpec parsed;
    const auto name = spec.find("region_name");
    if (name == spec.end() || !name->is_string() || name->get<std::string>().empty()) {
        throw std::invalid_argument("spec.region_name must be a non-empty string");
    }
    parsed.region_name = name->get<std::string>();
    if (const auto it = spec.find("when_empty"); it != spec.end()) {
        if (!it->is_boolean()) {
            throw std::invalid_argument("spec.when_empty must be true or false");
        }
        parsed.when_empty = it->get<bool>();
    }
    if (const auto it = spec.find("deadline_s"); it != spec.end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
            it->get<std::int64_t>() > kMaxDeadlineS) {
            throw std::invalid_argument("spec.deadline_s must be an integer from 0 to " +
                                        std::to_string(kMaxDeadlineS));
        }
        parsed.deadline_s = it->get<std::int64_t>();
    }
    if (const auto it = spec.find("message"); it != spec.end() && !it->is_null()) {
        if (!it->is_string()) {
            throw std::invalid_argument("spec.message must be a string");
        }
        parsed.message = it->get<std::string>();
    }
    return parsed;
}

// OpenSim shows a dialog on every region of the simulator: a text that does not name the region
// would alarm the avatars of the others.
std::string dialog_text(const AgentSpec& spec) {
    if (spec.message.empty()) {
        return "Region " + spec.region_name +
               " is about to move to another simulator: please leave it or expect to be "
               "disconnected.";
    }
    if (spec.message.find(spec.region_name) != std::string::npos) {
        return spec.message;
    }
    return "Region " + spec.region_name + ": " + spec.message;
}

}  // namespace

AgentCheck::AgentCheck(SimulatorHost& host, std::chrono::milliseconds call_timeout,
                       std::shared_ptr<spdlog::logger> log)
    : host_(host), call_timeout_(call_timeout), log_(std::move(log)) {}

OperationResult AgentCheck::run(const nlohmann::json& spec) {
    AgentSpec request;
    try {
        request = parse(spec);
    } catch (const std::invalid_argument& e) {
        return OperationResult::refused(e.what());
    }
    const auto started = Clock::now();
    auto waited_ms = [&started] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)
            .count();
    };
    auto look = host_.get_agents(request.region_name, call_timeout_);
    if (!look.answer.ok) {
        return OperationResult::failed("admin_get_agents: " + look.answer.error);
    }
    const auto first_count = look.agents.size();
    nlohmann::json detail = {{"agents", first_count}, {"warned", false}};
    if (first_count == 0) {
        detail["waited_ms"] = 0;
        detail["path"] = "empty";
        detail["detail"] = "no avatar on region " + request.region_name;
        return {true, detail};
    }
    if (!request.when_empty) {
        const auto sent = host_.dialog(dialog_text(request), kDialogSender, call_timeout_);
        detail["waited_ms"] = 0;
        if (!sent.ok) {
            detail["error"] = "admin_dialog: " + sent.error;
            return {false, detail};
        }
        detail["warned"] = true;
        detail["path"] = "warned";
        detail["detail"] =
            std::to_string(first_count) + " avatar(s) on region " + request.region_name + " warned";
        return {true, detail};
    }
    const auto deadline = started + std::chrono::seconds(request.deadline_s);
    auto count = first_count;
    while (count > 0) {
        if (Clock::now() >= deadline) {
            detail["waited_ms"] = waited_ms();
            detail["error"] = std::to_string(count) + " avatar(s) still on region " +
                              request.region_name + " after " + std::to_string(request.deadline_s) +
                              " s (when_empty)";
            return {false, detail};
        }
        if (cancelled_()) {
            detail["waited_ms"] = waited_ms();
            detail["error"] = "the bridge is stopping";
            return {false, detail};
        }
        std::this_thread::sleep_for(
            std::min<Clock::duration>(poll_interval_, deadline - Clock::now()));
        look = host_.get_agents(request.region_name, call_timeout_);
        if (!look.answer.ok) {
            detail["waited_ms"] = waited_ms();
            detail["error"] = "admin_get_agents: " + look.answer.error;
            return {false, detail};
        }
        count = look.agents.size();
    }
    log_->info("region {} is empty after {} ms", request.region_name, waited_ms());
    detail["waited_ms"] = waited_ms();
    detail["path"] = "emptied";
    detail["detail"] = "the " + std::to_string(first_count) + " avatar(s) on region " +
                       request.region_name + " left";
    return {true, detail};
}

}  // namespace vergegrid::bridge
