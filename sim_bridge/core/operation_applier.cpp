#include "sim_bridge/core/operation_applier.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vergegrid::bridge {

namespace {

OperationResult from_outcome(const plugin_api::InjectionOutcome& outcome) {
    if (outcome.ok) {
        return {true, {{"path", outcome.path}, {"detail", outcome.detail}}};
    }
    return {false, {{"path", outcome.path}, {"error", outcome.detail}}};
}

bool same_placement(const plugin_api::RegionPlan& a, const plugin_api::RegionPlan& b) {
    return a.name == b.name && a.loc_x == b.loc_x && a.loc_y == b.loc_y && a.port == b.port &&
           a.size_x == b.size_x && a.size_y == b.size_y && a.listen_ip == b.listen_ip &&
           a.external_host == b.external_host;
}

}  // namespace

bool udp_port_free(const std::string& host, int port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return true;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
        address.sin_addr.s_addr = htonl(INADDR_ANY);
    }
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    ::close(fd);
    return free;
}

OperationApplier::OperationApplier(const SimulatorSettings& settings, DesiredCache& cache,
                                   StubDirectory& stubs, SimulatorHost& host,
                                   plugin_api::InjectionStrategy& strategy,
                                   std::shared_ptr<spdlog::logger> log, SnapshotWorker* snapshots,
                                   settings::SettingsApplier* settings_applier)
    : settings_(settings),
      cache_(cache),
      stubs_(stubs),
      host_(host),
      strategy_(strategy),
      log_(std::move(log)),
      snapshots_(snapshots),
      applier_(settings_applier),
      agents_(host, settings.call_timeout, log_) {}

std::optional<OperationApplier::Hazard> OperationApplier::unsafe(const DesiredRegion& region) {
    const auto& plan = region.plan;
    for (const auto& other : cache_.all()) {
        if (other.plan.id == plan.id || !other.enabled) {
            continue;
        }
        if (other.plan.port == plan.port) {
            return Hazard{"port " + std::to_string(plan.port) + " is already used by region " +
                              other.plan.name + " on this simulator",
                          "port_in_use"};
        }
        if (other.plan.name == plan.name) {
            return Hazard{"region name " + plan.name + " is already used on this simulator", ""};
        }
        if (regions_overlap(other.plan.loc_x, other.plan.loc_y, other.plan.size_x,
                            other.plan.size_y, plan.loc_x, plan.loc_y, plan.size_x, plan.size_y)) {
            return Hazard{"location " + std::to_string(plan.loc_x) + "," +
                              std::to_string(plan.loc_y) + " overlaps region " + other.plan.name,
                          ""};
        }
    }
    if (auto clash = stubs_.conflict(stub_spec(plan))) {
        return Hazard{"Regions/ conflict: " + *clash, ""};
    }
    // OpenSim never checks ports (trap 3): a second region on a bound port would silently share
    // it. Our own region already live holds its port legitimately.
    if (host_.region_health(plan) <= 0 && !udp_port_free(plan.listen_ip, plan.port)) {
        return Hazard{"UDP port " + std::to_string(plan.port) + " is already in use on this host",
                      "port_in_use"};
    }
    return std::nullopt;
}

OperationResult OperationApplier::bring_up(const DesiredRegion& region) {
    if (auto hazard = unsafe(region)) {
        log_->warn("refusing region {} ({}): {}", region.plan.name, region.plan.id, hazard->why);
        return OperationResult::refused(hazard->why, hazard->reason);
    }
    const auto previous = cache_.find(region.plan.id);
    cache_.put(region);
    plugin_api::InjectionOutcome outcome;
    try {
        outcome = strategy_.inject(region.plan, host_);
    } catch (const std::exception& e) {
        // E.g. the stub could not be written (a symbolic link planted in Regions/): undone below
        // like any failed injection, so the bridge never keeps a half-applied region.
        outcome = {false, "failed", e.what()};
    }
    if (!outcome.ok) {
        // Never leave a half-applied region: forget it, drop its stub, unload what may be live.
        log_->error("region {} could not be brought up: {}", region.plan.name, outcome.detail);
        if (previous) {
            cache_.put(*previous);
        } else {
            cache_.erase(region.plan.id);
        }
        host_.remove_stub(region.plan);
        if (host_.region_health(region.plan) > 0) {
            host_.close_region(region.plan, settings_.call_timeout);
        }
    }
    return from_outcome(outcome);
}

OperationResult OperationApplier::take_down(const DesiredRegion& region, bool erase) {
    auto outcome = strategy_.teardown(region.plan, erase, host_);
    return from_outcome(outcome);
}

OperationResult OperationApplier::update(const DesiredRegion& region) {
    const auto previous = cache_.find(region.plan.id);
    if (!region.enabled) {
        DesiredRegion disabled = previous.value_or(region);
        disabled.enabled = false;
        disabled.version = region.version;
        cache_.put(disabled);
        return take_down(disabled, false);
    }
    if (previous && previous->enabled && !same_placement(previous->plan, region.plan)) {
        // Name, location, size or port changed: the running region must be re-created.
        DesiredRegion old = *previous;
        old.enabled = false;
        cache_.put(old);
        auto down = take_down(old, false);
        if (!down.succeeded) {
            cache_.put(*previous);
            return down;
        }
    }
    return bring_up(region);
}

OperationResult OperationApplier::restart(const DesiredRegion& region,
                                          const std::optional<DesiredRegion>& previous) {
    if (applier_ == nullptr) {
        return from_outcome(strategy_.restart_region(region.plan, host_));
    }
    // close + `create region` from the stub: the stub's MaxPrims/MaxAgents reach OpenSim only
    // when it reads the file (admin_create_region never does).
    settings::ApplyRequest request;
    request.kind = "restart";
    request.previous = previous ? &previous->spec : nullptr;
    request.apply_restart = true;
    request.region_up = true;
    const auto done = applier_->apply(region, request);
    OperationResult result;
    if (done.restarted) {
        result = {true,
                  {{"path", "restart-from-stub"},
                   {"detail", "closed and loaded again from its region file"}}};
    } else if (host_.region_health(region.plan) > 0) {
        result = {true,
                  {{"path", "re-created"},
                   {"detail", "closed and created again without its region file"}}};
    } else {
        result = {false, {{"path", "failed"}, {"error", "the region did not come back"}}};
    }
    apply_settings("restart", region, previous, true, result, &done);
    return result;
}

void OperationApplier::apply_settings(const std::string& kind, const DesiredRegion& region,
                                      const std::optional<DesiredRegion>& previous,
                                      bool apply_restart, OperationResult& result,
                                      const settings::ApplyOutcome* done) {
    if (applier_ == nullptr || result.detail.value("refused", false)) {
        return;
    }
    settings::ApplyOutcome outcome;
    if (done != nullptr) {
        outcome = *done;
    } else {
        settings::ApplyRequest request;
        request.kind = kind;
        // A create (or a region this bridge did not hold) carries every field.
        request.previous = kind != "create" && previous ? &previous->spec : nullptr;
        request.fresh = kind == "create" && !(previous && previous->enabled) &&
                        result.detail.value("path", "") != "already-live";
        request.apply_restart = apply_restart;
        request.region_up = result.succeeded;
        outcome = applier_->apply(region, request);
    }
    result.detail["fields"] = settings::to_json(outcome.fields);
    if (auto cached = cache_.find(region.plan.id)) {
        cached->pending = outcome.pending;
        cache_.put(*cached);
    }
    if (const auto failure = settings::first_failure(outcome.fields);
        !failure.empty() && result.succeeded) {
        result.succeeded = false;
        result.detail["error"] = "field " + failure;
    }
}

OperationResult OperationApplier::apply(const nlohmann::json& operation) {
    host_.reset_simulator_time();
    const auto started = std::chrono::steady_clock::now();
    auto result = apply_kind(operation);
    // What the operation cost, and how much of it was the simulator's own time.
    auto ms = [](std::chrono::nanoseconds d) {
        return std::chrono::duration<double, std::milli>(d).count();
    };
    result.detail["elapsed_ms"] = ms(std::chrono::steady_clock::now() - started);
    result.detail["simulator_ms"] = ms(host_.simulator_time());
    return result;
}

OperationResult OperationApplier::apply_kind(const nlohmann::json& operation) {
    const std::string kind = operation.value("kind", "");
    const std::string region_id = operation.value("region_id", "");
    const auto spec = operation.contains("spec") ? operation["spec"] : nlohmann::json(nullptr);
    if (kind == "snapshot" || kind == "restore") {
        // A region's content, not its desired state: the cache and the stubs are not touched.
        log_->info("operation {} {} region {}", operation.value("id", 0), kind, region_id);
        if (snapshots_ == nullptr) {
            return OperationResult::refused("this bridge has no snapshot channel");
        }
        const auto id = operation.value("id", std::int64_t{0});
        return kind == "snapshot" ? snapshots_->snapshot(id, spec) : snapshots_->restore(id, spec);
    }
    if (kind == "agents") {
        // Who is on the region before it moves: asks and warns, never changes the region.
        log_->info("operation {} agents region {}", operation.value("id", 0), region_id);
        return agents_.run(spec);
    }
    std::optional<DesiredRegion> region;
    if (spec.is_object()) {
        try {
            region = desired_from_spec(spec, settings_.listen_ip, settings_.external_host);
        } catch (const std::invalid_argument& e) {
            return OperationResult::refused(e.what());
        }
    } else if (auto cached = cache_.find(region_id)) {
        region = cached;
    }
    log_->info("operation {} {} region {}", operation.value("id", 0), kind,
               region ? region->plan.name : region_id);
    const bool apply_restart = spec.is_object() && spec.value("apply_restart", false);
    const auto previous = region ? cache_.find(region->plan.id) : std::nullopt;
    if (region && previous && !spec.is_object()) {
        region->spec = previous->spec;
    }
    if (region && previous) {
        region->pending = previous->pending;
    }

    if (kind == "delete") {
        if (!region) {
            return {true, {{"path", "not-present"}, {"detail", "the region was not here"}}};
        }
        cache_.erase(region->plan.id);
        return take_down(*region, true);
    }
    if (!region) {
        return OperationResult::refused("operation " + kind +
                                        " carries no region spec and the region is unknown here");
    }
    if (kind == "create" || kind == "enable") {
        region->enabled = true;
        auto result = bring_up(*region);
        apply_settings(kind, *region, previous, apply_restart, result);
        return result;
    }
    if (kind == "update") {
        auto result = update(*region);
        apply_settings(kind, *region, previous, apply_restart, result);
        return result;
    }
    if (kind == "disable") {
        region->enabled = false;
        cache_.put(*region);
        auto result = take_down(*region, false);
        apply_settings(kind, *region, previous, apply_restart, result);
        return result;
    }
    if (kind == "restart") {
        if (!region->enabled) {
            return OperationResult::refused("region " + region->plan.name + " is disabled");
        }
        cache_.put(*region);
        return restart(*region, previous);
    }
    return OperationResult::refused("unknown operation kind '" + kind + "'");
}

}  // namespace vergegrid::bridge
