#include "sim_bridge/core/simulator_host.hpp"

#include "sim_bridge/preflight/opensim_config.hpp"
#include "sim_bridge/process/console_questions.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

namespace vergegrid::bridge {

namespace {

// Adds the time of a call into the simulator to the running total.
class Timed {
  public:
    explicit Timed(std::chrono::nanoseconds& total)
        : total_(total), start_(std::chrono::steady_clock::now()) {}
    ~Timed() { total_ += std::chrono::steady_clock::now() - start_; }
    Timed(const Timed&) = delete;
    Timed& operator=(const Timed&) = delete;

  private:
    std::chrono::nanoseconds& total_;
    std::chrono::steady_clock::time_point start_;
};

plugin_api::CallResult to_call_result(const AdminAnswer& answer) {
    return {answer.ok, answer.timed_out, answer.error};
}

}  // namespace

region_ini::RegionIniSpec stub_spec(const plugin_api::RegionPlan& plan) {
    region_ini::RegionIniSpec spec;
    spec.name = plan.name;
    spec.uuid = plan.id;
    spec.loc_x = plan.loc_x;
    spec.loc_y = plan.loc_y;
    spec.size_x = plan.size_x;
    spec.size_y = plan.size_y;
    spec.internal_address = plan.listen_ip;
    spec.internal_port = plan.port;
    spec.external_host_name = plan.external_host;
    return spec;
}

region_ini::RegionIniSpec stub_spec(const DesiredRegion& region, const std::string& estate) {
    auto spec = stub_spec(region.plan);
    spec.max_prims = region.max_prims;
    spec.max_agents = region.max_agents;
    // The loader joins a region without an estate to TargetEstate when that estate exists, else
    // to the default estate; a region already linked keeps its estate (EstateSync moves it).
    spec.target_estate = region.estate.name.empty() ? estate : region.estate.name;
    return spec;
}

SimulatorHost::SimulatorHost(const SimulatorSettings& settings, RemoteAdminClient& admin,
                             StubDirectory& stubs, DesiredCache& cache, SimulatorProcess* process,
                             std::shared_ptr<spdlog::logger> log, RepairSink repairs)
    : settings_(settings),
      admin_(admin),
      stubs_(stubs),
      cache_(cache),
      process_(process),
      log_(std::move(log)),
      repairs_(std::move(repairs)) {
    if (process_ != nullptr) {
        console_.emplace(process_->log_file());
    }
}

std::vector<std::string> SimulatorHost::known_region_names(const std::string& except_id) {
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const auto& entry : stubs_.scan()) {
        if (entry.uuid != except_id && seen.insert(entry.name).second) {
            names.push_back(entry.name);
        }
    }
    for (const auto& region : cache_.all()) {
        if (region.enabled && region.plan.id != except_id && seen.insert(region.plan.name).second) {
            names.push_back(region.plan.name);
        }
    }
    return names;
}

void SimulatorHost::wait_for_loading_regions(const std::string& except_id) {
    if (!loading_regions()) {
        return;
    }
    const auto deadline = started_at_ + settings_.region_load_timeout;
    for (const auto& name : known_region_names(except_id)) {
        while (std::chrono::steady_clock::now() < deadline) {
            const int health = admin_.region_health(name, settings_.call_timeout);
            if (health != 0) {
                break;  // loaded, or the simulator does not answer (the create will say so)
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
}

bool SimulatorHost::other_region_running(const std::string& except_id) {
    const Timed timed(simulator_time_);
    for (const auto& name : known_region_names(except_id)) {
        if (admin_.region_health(name, settings_.call_timeout) > 0) {
            return true;
        }
    }
    return false;
}

plugin_api::CallResult SimulatorHost::create_region(const plugin_api::RegionPlan& region,
                                                    std::chrono::milliseconds timeout) {
    {
        const Timed timed(simulator_time_);
        wait_for_loading_regions(region.id);
    }
    const auto desired = cache_.find(region.id);
    const EstateSpec estate = desired ? desired->estate : EstateSpec{};
    if (other_region_running(region.id)) {
        return create_region_in(region, estate, timeout);
    }
    // No region runs: OpenSim can only join an estate its database already holds (a new one
    // needs a scene to look its owner up, trap 5). Asking without owner costs one quick call and
    // answers "Estate owner details not provided." for an estate that does not exist.
    const auto created = create_region_in(region, EstateSpec{estate.id, estate.name, ""}, timeout);
    if (!created.ok &&
        created.error.find("Estate owner details not provided.") != std::string::npos) {
        return {false, false, std::string(kNoRegionRunning)};
    }
    return created;
}

AdminAnswer SimulatorHost::console_command(const std::string& line) {
    log_->info("admin_console_command {}", line);
    const Timed timed(simulator_time_);
    return admin_.console_command(line, settings_.call_timeout);
}

plugin_api::CallResult SimulatorHost::create_region_in(const plugin_api::RegionPlan& region,
                                                       const EstateSpec& estate,
                                                       std::chrono::milliseconds timeout) {
    CreateRegionRequest request;
    request.region_id = region.id;
    request.region_name = region.name;
    request.region_x = region.loc_x;
    request.region_y = region.loc_y;
    request.listen_port = region.port;
    request.listen_ip = region.listen_ip;
    request.external_address = region.external_host;
    request.estate_name = estate.name.empty() ? settings_.default_estate : estate.name;
    EstateOwner owner;
    try {
        owner = parse_estate_owner(estate.owner);
    } catch (const std::invalid_argument&) {
        // Refused when the spec was read; a hand-edited cache only loses the owner.
    }
    // OpenSim reads the owner only when the estate is new (and then needs one, trap 11).
    request.estate_owner_uuid = owner.uuid;
    request.estate_owner_first = owner.first;
    request.estate_owner_last = owner.last;
    log_->info("admin_create_region {} ({}) at {},{} port {} in estate {}", region.name, region.id,
               region.loc_x, region.loc_y, region.port, request.estate_name);
    const Timed timed(simulator_time_);
    auto answer =
        watched([this, request, timeout] { return admin_.create_region(request, timeout); });
    if (!answer.ok && owner.empty() && request.estate_name != settings_.default_estate &&
        answer.error == "Estate owner details not provided.") {
        // An estate without owner cannot be created: the region joins the default estate, as
        // OpenSim's region loader does for a region whose TargetEstate does not exist.
        log_->warn(
            "estate {} is not in the simulator and the create carries no owner to make it: "
            "region {} joins the default estate {} (the estate follows once a region runs)",
            request.estate_name, region.name, settings_.default_estate);
        request.estate_name = settings_.default_estate;
        answer =
            watched([this, request, timeout] { return admin_.create_region(request, timeout); });
    }
    if (!answer.ok && answer.error.find("Specified user was not found.") != std::string::npos) {
        answer.error = "estate " + request.estate_name +
                       " does not exist in the simulator and its owner " + owner.text() +
                       " is not a user of the simulator's user service (OpenSim: Specified user "
                       "was not found.)";
    }
    if (answer.ok) {
        const std::lock_guard lock(created_mutex_);
        created_in_[region.id] = request.estate_name;
    }
    return to_call_result(answer);
}

std::optional<std::string> SimulatorHost::estate_created_in(const std::string& region_id) const {
    const std::lock_guard lock(created_mutex_);
    const auto it = created_in_.find(region_id);
    return it == created_in_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

int SimulatorHost::region_health(const plugin_api::RegionPlan& region) {
    const Timed timed(simulator_time_);
    return admin_.region_health(region.name, settings_.call_timeout);
}

plugin_api::CallResult SimulatorHost::close_region(const plugin_api::RegionPlan& region,
                                                   std::chrono::milliseconds timeout) {
    log_->info("admin_close_region {}", region.name);
    const Timed timed(simulator_time_);
    return to_call_result(admin_.close_region(region.name, timeout));
}

plugin_api::CallResult SimulatorHost::delete_region(const plugin_api::RegionPlan& region,
                                                    std::chrono::milliseconds timeout) {
    log_->info("admin_delete_region {}", region.name);
    const Timed timed(simulator_time_);
    return to_call_result(admin_.delete_region(region.name, timeout));
}

AdminAnswer SimulatorHost::save_oar(const std::string& region_name,
                                    const std::filesystem::path& file, bool noassets,
                                    std::chrono::milliseconds timeout) {
    log_->info("admin_save_oar {} into {}{}", region_name, file.string(),
               noassets ? " (noassets)" : "");
    return admin_.save_oar(region_name, file.string(), noassets, timeout);
}

AdminAnswer SimulatorHost::load_oar(const std::string& region_name,
                                    const std::filesystem::path& file, bool skip_assets,
                                    std::chrono::milliseconds timeout) {
    log_->info("admin_load_oar {} from {}{}", region_name, file.string(),
               skip_assets ? " (skip-assets)" : "");
    const Timed timed(simulator_time_);
    return admin_.load_oar(region_name, file.string(), skip_assets, timeout);
}

AgentsAnswer SimulatorHost::get_agents(const std::string& region_name,
                                       std::chrono::milliseconds timeout) {
    const Timed timed(simulator_time_);
    return admin_.get_agents(region_name, timeout);
}

AdminAnswer SimulatorHost::dialog(const std::string& message, const std::string& from,
                                  std::chrono::milliseconds timeout) {
    log_->info("admin_dialog from {}: {}", from, message);
    const Timed timed(simulator_time_);
    return admin_.dialog(message, from, timeout);
}

bool SimulatorHost::simulator_alive() {
    if (process_ == nullptr) {
        return answering();
    }
    if (process_->running()) {
        return true;
    }
    death_noticed_ = true;
    return false;
}

void SimulatorHost::write_stub(const plugin_api::RegionPlan& region) {
    DesiredRegion desired = cache_.find(region.id).value_or(DesiredRegion{});
    desired.plan = region;
    if (stubs_.write(stub_spec(desired, settings_.default_estate))) {
        log_->info("wrote stub {}", stubs_.stub_path(region.id).string());
    }
}

void SimulatorHost::remove_stub(const plugin_api::RegionPlan& region) {
    if (stubs_.remove(region.id)) {
        log_->info("removed stub {}", stubs_.stub_path(region.id).string());
    }
}

void SimulatorHost::clean_failed_create(const plugin_api::RegionPlan& region) {
    for (const auto& file : stubs_.remove_foreign_files_of(region.id)) {
        repairs_("removed-leftover-file", region.id,
                 "removed " + file.string() + ", left behind by a failed create");
    }
}

void SimulatorHost::fix_conflicting_stubs() {
    const auto entries = stubs_.scan();
    std::set<std::string> removed;
    for (const auto& mine : entries) {
        if (!mine.ours || removed.count(mine.file.string()) != 0) {
            continue;
        }
        for (const auto& other : entries) {
            if (&other == &mine || other.file == mine.file ||
                removed.count(other.file.string()) != 0) {
                continue;
            }
            // Between two of our own stubs the later file yields; the operator's always wins.
            if (other.ours && other.file > mine.file) {
                continue;
            }
            const bool clash = other.uuid == mine.uuid || other.name == mine.name ||
                               regions_overlap(other.loc_x, other.loc_y, other.size_x, other.size_y,
                                               mine.loc_x, mine.loc_y, mine.size_x, mine.size_y) ||
                               other.port == mine.port;
            if (clash) {
                std::error_code ignored;
                std::filesystem::remove(mine.file, ignored);
                removed.insert(mine.file.string());
                repairs_("removed-conflicting-stub", mine.uuid,
                         "removed " + mine.file.filename().string() + " (region " + mine.name +
                             "): it clashes with region " + other.name + " in " +
                             other.file.filename().string() +
                             " and would halt the simulator's start-up");
                break;
            }
        }
    }
}

bool SimulatorHost::answering() {
    return admin_.version(settings_.call_timeout).ok;
}

std::string SimulatorHost::state_detail() const {
    std::lock_guard lock(stall_mutex_);
    return stall_detail_;
}

bool SimulatorHost::stalled_at_question(ConsoleOutput::Mark from) {
    if (!console_) {
        return false;
    }
    const auto question = console_->pending_question(from);
    if (!question) {
        return false;
    }
    const auto detail = describe_console_question(*question);
    const auto fingerprint = opensim_config_fingerprint(config_dir());
    {
        std::lock_guard lock(stall_mutex_);
        if (stall_detail_ == detail) {
            return true;
        }
        stall_detail_ = detail;
        stall_fingerprint_ = fingerprint;
    }
    log_->error(
        "the simulator waits at a {}; it is not restarted until OpenSim's configuration in {} "
        "changes or the bridge is restarted",
        detail, config_dir().string());
    repairs_("simulator-stalled", "", detail);
    return true;
}

bool SimulatorHost::still_stalled() {
    std::string fingerprint;
    {
        std::lock_guard lock(stall_mutex_);
        if (stall_detail_.empty()) {
            return false;
        }
        fingerprint = stall_fingerprint_;
    }
    if (config_dir().empty() || opensim_config_fingerprint(config_dir()) == fingerprint) {
        return true;
    }
    log_->info("OpenSim's configuration in {} changed: starting the stalled simulator again",
               config_dir().string());
    repairs_("simulator-unstalled", "", "OpenSim's configuration changed; simulator restarted");
    {
        std::lock_guard lock(stall_mutex_);
        stall_detail_.clear();
        stall_fingerprint_.clear();
    }
    if (process_ != nullptr && process_->running()) {
        stop_process();
    }
    return false;
}

void SimulatorHost::stop_process() {
    // A simulator blocked at a question may still take admin_shutdown; the stop escalates anyway.
    admin_.shutdown(kShutdownDelayMs, settings_.call_timeout);
    log_->info("simulator {}", process_->stop(settings_.stop_timeout));
}

AdminAnswer SimulatorHost::refused_by_stall() const {
    AdminAnswer answer;
    answer.error = state_detail();
    return answer;
}

AdminAnswer SimulatorHost::watched(std::function<AdminAnswer()> call) {
    if (stalled()) {
        return refused_by_stall();
    }
    if (!console_) {
        return call();
    }
    const auto from = console_->mark();
    struct Shared {
        std::mutex mutex;
        std::optional<AdminAnswer> answer;
    };
    auto shared = std::make_shared<Shared>();
    std::thread worker([shared, call = std::move(call)] {
        auto answer = call();
        std::lock_guard lock(shared->mutex);
        shared->answer = std::move(answer);
    });
    for (;;) {
        {
            std::lock_guard lock(shared->mutex);
            if (shared->answer) {
                worker.join();
                return *shared->answer;
            }
        }
        if (stalled_at_question(from)) {
            // The call holds on until OpenSim is answered or its timeout: left to finish alone.
            abandoned_calls_.push_back(std::move(worker));
            return refused_by_stall();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
}

SimulatorHost::~SimulatorHost() {
    for (auto& call : abandoned_calls_) {
        call.join();
    }
}

bool SimulatorHost::start_and_wait() {
    fix_conflicting_stubs();
    start_mark_ = console_ ? console_->mark() : 0;
    try {
        process_->start();
    } catch (const std::exception& e) {
        log_->error("cannot start the simulator: {}", e.what());
        return false;
    }
    log_->info("started the simulator (pid {})", process_->pid());
    started_at_ = std::chrono::steady_clock::now();
    const auto deadline = std::chrono::steady_clock::now() + settings_.start_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!process_->running()) {
            log_->error("the simulator {} while starting", process_->last_exit());
            return false;
        }
        if (stalled_at_question(start_mark_)) {
            return false;
        }
        if (admin_.version(std::chrono::milliseconds(1000)).ok) {
            return wait_for_stub_regions();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    log_->error("the simulator's RemoteAdmin did not answer within {} ms",
                settings_.start_timeout.count());
    return false;
}

bool SimulatorHost::wait_for_stub_regions() {
    // RemoteAdmin answers before the region loader has run (trap 10), and the loader is where
    // OpenSim asks its estate questions (trap 12): the start is only done once the stub regions
    // are up, and a question on the way fails it at once.
    const auto deadline = started_at_ + settings_.region_load_timeout;
    auto waiting = desired_regions();
    while (!waiting.empty() && std::chrono::steady_clock::now() < deadline) {
        if (!process_->running()) {
            log_->error("the simulator {} while loading its regions", process_->last_exit());
            return false;
        }
        if (stalled_at_question(start_mark_)) {
            return false;
        }
        waiting.erase(std::remove_if(waiting.begin(), waiting.end(),
                                     [&](const plugin_api::RegionPlan& region) {
                                         return admin_.region_health(region.name,
                                                                     settings_.call_timeout) > 0;
                                     }),
                      waiting.end());
        if (!waiting.empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    return true;  // a region that did not come up is the caller's to report
}

bool SimulatorHost::loading_regions() const {
    return started_at_ != std::chrono::steady_clock::time_point{} &&
           std::chrono::steady_clock::now() - started_at_ < settings_.region_load_timeout;
}

bool SimulatorHost::ensure_running() {
    if (process_ == nullptr) {
        return answering();
    }
    if (still_stalled()) {
        return false;  // it would only ask the same question again
    }
    if (process_->running()) {
        return !stalled_at_question(start_mark_) && answering();
    }
    if (process_->adopt()) {
        log_->info("adopted the simulator a previous bridge started (pid {})", process_->pid());
        // Its output before the adoption counts: it may have stalled while no bridge watched.
        start_mark_ = 0;
        return !stalled_at_question(start_mark_) && answering();
    }
    return start_and_wait();
}

bool SimulatorHost::restart_simulator() {
    const Timed timed(simulator_time_);
    if (process_ == nullptr) {
        log_->error("a simulator restart is needed but simulator.command is not configured");
        return false;
    }
    if (still_stalled() || stalled_at_question(start_mark_)) {
        log_->error("not restarting the simulator: it would stop at the same {}", state_detail());
        return false;
    }
    if (process_->running()) {
        log_->warn("restarting the simulator (pid {})", process_->pid());
        stop_process();
    }
    return start_and_wait();
}

std::vector<plugin_api::RegionPlan> SimulatorHost::desired_regions() {
    std::vector<plugin_api::RegionPlan> plans;
    // Only regions with a stub can come back from a restart: one whose stub had to give way to an
    // operator's file is the reconciler's to report, not a reason to call a restart failed.
    for (const auto& region : cache_.all()) {
        if (region.enabled && !stubs_.current(region.plan.id).empty()) {
            plans.push_back(region.plan);
        }
    }
    return plans;
}

}  // namespace vergegrid::bridge
