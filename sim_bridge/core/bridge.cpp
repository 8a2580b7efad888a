#include "sim_bridge/core/bridge.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "sim_bridge/channel/control_channel.hpp"
#include "sim_bridge/channel/doorbell_listener.hpp"
#include "sim_bridge/core/operation_applier.hpp"
#include "sim_bridge/core/reconciler.hpp"
#include "sim_bridge/core/simulator_host.hpp"
#include "sim_bridge/estates/estate_sync.hpp"
#include "sim_bridge/preflight/preflight.hpp"
#include "sim_bridge/process/host_load.hpp"
#include "sim_channel_client/failover_client.hpp"

namespace vergegrid::bridge {

struct Bridge::Parts {
    std::string simulator_id;
    std::unique_ptr<ControlChannel> channel;
    std::unique_ptr<DoorbellListener> doorbell;
    std::unique_ptr<RemoteAdminClient> admin;
    std::unique_ptr<StubDirectory> stubs;
    std::unique_ptr<DesiredCache> cache;
    std::unique_ptr<SimulatorProcess> process;
    std::unique_ptr<SimulatorHost> host;
    std::unique_ptr<SnapshotWorker> snapshots;
    std::unique_ptr<ConsoleOutput> console;  // the supervised simulator's output, read back
    std::unique_ptr<settings::SettingsApplier> settings;
    std::unique_ptr<EstateSync> estates;  // the settings' estate_id (sim_bridge/estates)
    std::unique_ptr<OperationApplier> applier;
    std::unique_ptr<Reconciler> reconciler;
    HostLoad load;
};

Bridge::Bridge(BridgeSettings settings, std::shared_ptr<plugin_api::InjectionStrategy> strategy,
               std::shared_ptr<spdlog::logger> log)
    : settings_(std::move(settings)), strategy_(std::move(strategy)), log_(std::move(log)) {}

Bridge::~Bridge() {
    stop();
}

void Bridge::repair(const std::string& kind, const std::string& region_id,
                    const std::string& detail) {
    if (kind == "operator-region") {
        log_->info("reconcile: {}", detail);
    } else {
        log_->warn("repair {} (region {}): {}", kind, region_id, detail);
    }
    std::lock_guard lock(repairs_mutex_);
    // Bounded while the control plane is away: the oldest reports give way, the log keeps all.
    if (repairs_.size() >= 1000) {
        repairs_.erase(repairs_.begin());
    }
    repairs_.emplace_back(kind, region_id, detail);
}

void Bridge::send_repairs() {
    std::vector<RepairEvent> batch;
    {
        std::lock_guard lock(repairs_mutex_);
        for (std::size_t i = 0; i < repairs_.size() && i < 100; ++i) {
            const auto& [kind, region_id, detail] = repairs_[i];
            batch.push_back({kind, region_id, detail});
        }
    }
    if (batch.empty()) {
        return;
    }
    try {
        parts_->channel->report_repairs(batch);
    } catch (const ControlPlaneError& e) {
        log_->error("repair reports refused, dropped: {}", e.what());
    } catch (const std::exception& e) {
        log_->warn("reporting repairs failed, will retry: {}", e.what());
        return;
    }
    std::lock_guard lock(repairs_mutex_);
    repairs_.erase(repairs_.begin(), repairs_.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                            batch.size(), repairs_.size())));
}

void Bridge::adopt_key(const std::string& key, const char* why) {
    std::lock_guard lock(key_mutex_);
    // Saved first: a bridge that dies right after still has the key that works.
    IdentityFile(settings_.state_dir).save(Identity{parts_->simulator_id, key});
    parts_->channel->set_identity(Identity{parts_->simulator_id, key});
    log_->info("API key replaced ({}); {} updated", why,
               IdentityFile(settings_.state_dir).path().string());
}

void Bridge::rotate_key_when_due() {
    if (settings_.key_rotation_interval.count() <= 0) {
        return;
    }
    const IdentityFile file(settings_.state_dir);
    struct stat info {};
    if (::stat(file.path().c_str(), &info) != 0) {
        return;
    }
    const auto written = std::chrono::system_clock::from_time_t(info.st_mtime);
    if (std::chrono::system_clock::now() < written + settings_.key_rotation_interval) {
        return;
    }
    try {
        adopt_key(parts_->channel->rotate_key(), "scheduled rotation");
    } catch (const std::exception& e) {
        // Retried at the next heartbeat; the control plane hands a key whose answer got lost
        // to the next call made with the old one.
        log_->warn("scheduled key rotation failed: {}", e.what());
    }
}

void Bridge::start() {
    std::filesystem::create_directories(settings_.state_dir);
    ::chmod(settings_.state_dir.c_str(), 0700);
    auto parts = std::make_unique<Parts>();

    sim_channel::ChannelClientSettings client;
    client.allow_insecure_http = settings_.allow_insecure_http;
    if (settings_.ca_file) {
        client.ca_file = *settings_.ca_file;
    }
    client.user_agent = "vergegrid-bridge";
    sim_channel::TransferSettings transfer;
    transfer.chunk_bytes = settings_.snapshots.chunk_bytes;
    transfer.max_retries = settings_.snapshots.transfer_retries;
    transfer.retry_delay = settings_.retry_interval;
    auto control = std::make_unique<sim_channel::FailoverClient>(
        settings_.control_endpoints, client,
        [log = log_](const std::string& from, const std::string& to, const std::string& why) {
            log->warn("control plane: switching from {} to {} ({})", from, to, why);
        });
    std::string urls;
    for (const auto& endpoint : control->endpoints().all()) {
        urls += (urls.empty() ? "" : ", ") + endpoint.url();
    }
    log_->info("control plane {}; using {}", urls, control->current_url());
    parts->channel = std::make_unique<ControlChannel>(std::move(control), transfer);

    // The push listener first: its address is part of the registration.
    parts->doorbell = std::make_unique<DoorbellListener>(settings_.push_host, settings_.push_port,
                                                         [this] { ring(); });

    const IdentityFile identity_file(settings_.state_dir);
    auto identity = identity_file.load();
    if (identity) {
        log_->info("simulator {} (identity from {})", identity->simulator_id,
                   identity_file.path().string());
    } else {
        if (settings_.registration_token.empty()) {
            throw RegistrationRefused(
                "not registered yet and no control.registration_token is "
                "configured");
        }
        Registration registration{settings_.registration_token, settings_.hostname,
                                  settings_.labels, settings_.capacity, settings_.push_url};
        for (;;) {
            try {
                identity = parts->channel->register_simulator(registration);
                break;
            } catch (const ControlPlaneError& e) {
                if (e.status() >= 400 && e.status() < 500) {
                    throw RegistrationRefused(std::string("registration refused: ") + e.what());
                }
                log_->warn("registration failed, retrying: {}", e.what());
            } catch (const sim_channel::ChannelError& e) {
                log_->warn("registration failed, retrying: {}", e.what());
            }
            if (wait_or_stop(settings_.retry_interval)) {
                throw std::runtime_error("stopped before registration completed");
            }
        }
        identity_file.save(*identity);
        log_->info("registered as simulator {}; identity saved to {}", identity->simulator_id,
                   identity_file.path().string());
    }
    parts->channel->set_identity(*identity);
    parts->simulator_id = identity->simulator_id;
    // An admin rotated the key: the next pull or heartbeat made with the old one brings the new.
    parts->channel->on_new_key(
        [this](const std::string& key) { adopt_key(key, "handed over after a rotation"); });

    const auto& sim = settings_.simulator;
    parts->admin = std::make_unique<RemoteAdminClient>(
        XmlRpcEndpoint::parse(sim.remoteadmin_url), sim.remoteadmin_password,
        XmlRpcLimits{sim.max_response_bytes, XmlRpcLimits{}.max_depth});
    // `vergegrid-bridge --check` at every start: problems are logged, the bridge goes on (it may
    // be the simulator's configuration the operator is about to fix).
    const auto preflight = run_preflight(sim, *parts->admin);
    for (const auto& problem : preflight.problems) {
        log_->warn("simulator configuration: {} — fix: {}", problem.problem, problem.fix);
    }
    for (const auto& note : preflight.notes) {
        log_->info("simulator configuration: {}", note);
    }
    parts->stubs = std::make_unique<StubDirectory>(sim.regions_dir);
    parts->cache = std::make_unique<DesiredCache>(settings_.state_dir);
    if (!sim.command.empty()) {
        parts->process = std::make_unique<SimulatorProcess>(ProcessSpec{
            sim.command, sim.working_dir, sim.environment, settings_.state_dir / "simulator.log",
            settings_.state_dir / "simulator.pid"});
    }
    auto repairs = [this](const std::string& kind, const std::string& id, const std::string& d) {
        repair(kind, id, d);
    };
    parts->host = std::make_unique<SimulatorHost>(sim, *parts->admin, *parts->stubs, *parts->cache,
                                                  parts->process.get(), log_, repairs);
    parts->snapshots = std::make_unique<SnapshotWorker>(
        settings_.snapshots, sim, settings_.state_dir, *parts->host, *parts->channel, log_);
    // A stop must not wait for a long save: the operation gives up, is not reported, and comes
    // again after the restart.
    parts->snapshots->set_cancelled([this] { return stopping_.load(); });
    if (parts->process) {
        parts->console = std::make_unique<ConsoleOutput>(settings_.state_dir / "simulator.log");
    }
    parts->settings = std::make_unique<settings::SettingsApplier>(
        *parts->host, *parts->admin, parts->console.get(), *parts->stubs,
        settings_.state_dir / "settings", sim.call_timeout, log_);
    parts->estates = std::make_unique<EstateSync>(sim, *parts->host, log_);
    parts->settings->set_estate_seam([estates = parts->estates.get()](const DesiredRegion& region) {
        return estates->report(region);
    });
    parts->applier = std::make_unique<OperationApplier>(
        sim, *parts->cache, *parts->stubs, *parts->host, *strategy_, log_, parts->snapshots.get(),
        parts->settings.get());
    // Nor for avatars to leave a region (an `agents` operation with when_empty).
    parts->applier->agent_check().set_cancelled([this] { return stopping_.load(); });
    parts->reconciler = std::make_unique<Reconciler>(*parts->cache, *parts->stubs, *parts->host,
                                                     *strategy_, log_, repairs);
    parts_ = std::move(parts);

    log_->info("push listener on {}:{} ({})", settings_.push_host, parts_->doorbell->port(),
               settings_.push_url);
    // The simulator as the cache left it, before the first operation is applied: a bridge
    // restarted while the control plane is down keeps the simulator as it was.
    const auto first = parts_->reconciler->run();
    if (first.simulator_down && parts_->host->stalled()) {
        log_->error("the simulator is stalled: {}", parts_->host->state_detail());
    } else if (first.simulator_down) {
        log_->error("the simulator is not answering at {}", sim.remoteadmin_url);
    } else {
        log_->info("simulator up: {} desired region(s) live, {} repair(s)", first.live.size(),
                   first.repairs);
    }
    if (stopping_) {
        return;
    }
    watch_thread_ = std::thread([this] { watch_loop(); });
    pull_thread_ = std::thread([this] { pull_loop(); });
    heartbeat_thread_ = std::thread([this] { heartbeat_loop(); });
}

void Bridge::request_stop() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
}

void Bridge::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    request_stop();
    for (auto* thread : {&heartbeat_thread_, &watch_thread_}) {
        if (thread->joinable()) {
            thread->join();
        }
    }
    if (parts_ && parts_->process && settings_.simulator.stop_on_exit) {
        std::lock_guard lock(action_mutex_);  // after the operation in progress, if any
        if (parts_->process->running()) {
            parts_->admin->shutdown(kShutdownDelayMs, settings_.simulator.call_timeout);
            log_->info("simulator {}", parts_->process->stop(settings_.simulator.stop_timeout));
        }
    }
    // A long poll in flight cannot be cut short: the pull loop ends when it returns (at most
    // channel.pull_wait_s); its operation, if any, stays deliverable.
    if (pull_thread_.joinable()) {
        pull_thread_.join();
    }
    if (parts_) {
        parts_->doorbell.reset();
    }
}

void Bridge::ring() {
    {
        std::lock_guard lock(wake_mutex_);
        doorbell_ = true;
    }
    wake_.notify_all();
}

bool Bridge::wait_or_stop(std::chrono::milliseconds delay, bool wake_on_doorbell) {
    std::unique_lock lock(wake_mutex_);
    wake_.wait_for(lock, delay,
                   [&] { return stopping_.load() || (wake_on_doorbell && doorbell_); });
    if (wake_on_doorbell) {
        doorbell_ = false;
    }
    return stopping_.load();
}

void Bridge::name_the_stall(OperationResult& result) const {
    // Whatever path the strategy took, an operation that failed while the simulator waits at a
    // console question failed because of it: the question and its fix lead the error.
    const auto stall = parts_->host->state_detail();
    if (result.succeeded || stall.empty()) {
        return;
    }
    const auto before = result.detail.value("error", std::string());
    result.detail["error"] = "the simulator waits at a " + stall;
    if (!before.empty() && !result.detail.contains("detail")) {
        result.detail["detail"] = before;  // what the strategy saw of it
    }
}

void Bridge::pull_loop() {
    while (!stopping_) {
        std::vector<nlohmann::json> operations;
        {
            std::lock_guard lock(wake_mutex_);
            doorbell_ = false;  // this pull answers every ring before it
        }
        try {
            operations = parts_->channel->pull(settings_.pull_wait_s);
        } catch (const std::exception& e) {
            log_->warn("pull failed: {}", e.what());
            wait_or_stop(settings_.retry_interval, true);
            continue;
        }
        for (const auto& operation : operations) {
            if (stopping_) {
                return;  // not reported: it stays deliverable and comes again
            }
            OperationResult result;
            {
                std::lock_guard lock(action_mutex_);
                try {
                    result = parts_->applier->apply(operation);
                } catch (const std::exception& e) {
                    result = OperationResult::failed(std::string("bridge error: ") + e.what());
                }
                name_the_stall(result);
            }
            const auto id = operation.value("id", std::int64_t{0});
            log_->info("operation {} {}: {}", id, result.succeeded ? "succeeded" : "failed",
                       result.detail.dump());
            while (!stopping_) {
                try {
                    parts_->channel->report(id, result.succeeded, result.detail);
                    break;
                } catch (const ControlPlaneError& e) {
                    log_->error("result of operation {} refused: {}", id, e.what());
                    break;  // retrying cannot change the answer
                } catch (const std::exception& e) {
                    log_->warn("reporting operation {} failed, retrying: {}", id, e.what());
                    wait_or_stop(settings_.retry_interval);
                }
            }
        }
        if (settings_.pull_wait_s == 0 && operations.empty()) {
            wait_or_stop(settings_.retry_interval, true);
        }
    }
}

void Bridge::heartbeat_loop() {
    while (!wait_or_stop(settings_.heartbeat_interval)) {
        Heartbeat heartbeat;
        heartbeat.cpu_load = parts_->load.cpu_load();
        heartbeat.memory_load = HostLoad::memory_load();
        heartbeat.state_detail = parts_->host->state_detail();
        for (const auto& region : parts_->cache->all()) {
            // The RemoteAdmin client directly: the host's bookkeeping belongs to the thread
            // applying operations.
            if (region.enabled && parts_->admin->region_health(
                                      region.plan.name, settings_.simulator.call_timeout) > 0) {
                heartbeat.regions.push_back(region.plan.id);
            }
        }
        try {
            parts_->channel->heartbeat(heartbeat);
        } catch (const std::exception& e) {
            log_->warn("heartbeat failed: {}", e.what());
        }
        send_repairs();
        rotate_key_when_due();
    }
}

void Bridge::watch_loop() {
    auto next_reconcile = std::chrono::steady_clock::now();
    while (!stopping_) {
        bool died = false;
        {
            std::lock_guard lock(action_mutex_);
            if (parts_->process && parts_->process->pid() > 0 && !parts_->process->running()) {
                log_->error("the simulator {}; starting it again", parts_->process->last_exit());
                died = true;
            } else if (parts_->host->take_death_notice()) {
                // An operation (a snapshot waiting for its archive) saw it die first.
                log_->error("the simulator {}; starting it again", parts_->process->last_exit());
                died = true;
            }
        }
        if (died || std::chrono::steady_clock::now() >= next_reconcile) {
            ReconcileReport report;
            {
                std::lock_guard lock(action_mutex_);
                try {
                    report = parts_->reconciler->run();
                } catch (const std::exception& e) {
                    log_->error("reconcile failed: {}", e.what());
                }
            }
            if (report.simulator_down && !parts_->host->stalled()) {
                log_->warn("the simulator is not answering");
            }
            const bool soon = report.simulator_down || report.still_loading;
            next_reconcile =
                std::chrono::steady_clock::now() +
                (soon ? std::min(settings_.retry_interval, settings_.reconcile_interval)
                      : settings_.reconcile_interval);
        }
        wait_or_stop(std::chrono::milliseconds(200));
    }
}

}  // namespace vergegrid::bridge
