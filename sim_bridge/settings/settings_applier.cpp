#include "sim_bridge/settings/settings_applier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <thread>

#include "oar_archive/completeness.hpp"
#include "oar_archive/region_settings_archive.hpp"
#include "region_settings/region_settings.hpp"
#include "sim_bridge/settings/setting_values.hpp"

namespace vergegrid::bridge::settings {

namespace rs = region_settings;

namespace {

enum class Route {
    placement,  // re-create or close/create: the injection did it
    estate,     // the estates helper's seam
    modify,     // admin_modify_region
    console,    // console lines, read back
    archive,    // RegionSettings through a settings archive
    stub,       // a region file key, read when the region loads
    unsupported
};

Route route_of(const std::string& path) {
    if (path == "name" || path == "loc_x" || path == "loc_y" || path == "size_x" ||
        path == "size_y" || path == "port" || path == "host" || path == "flags.enabled") {
        return Route::placement;
    }
    if (path == "estate_id") {
        return Route::estate;
    }
    if (path == "permissions.public_access" || path == "flags.allow_voice") {
        return Route::modify;
    }
    if (path == "environment.water_height" || path == "flags.max_agents") {
        return Route::console;
    }
    if (path == "flags.max_prims") {
        return Route::stub;
    }
    const auto field = rs::find_setting_field(path);
    if (field && field->application == rs::Application::unsupported) {
        return Route::unsupported;
    }
    if (region_setting_key(path)) {
        return Route::archive;
    }
    return Route::unsupported;
}

std::string mechanism_of(const std::string& path) {
    const auto field = rs::find_setting_field(path);
    return field ? std::string(field->mechanism) : std::string();
}

FieldReport report(const std::string& path, std::string_view status, nlohmann::json value,
                   std::string reason = {}) {
    return {std::string(status), mechanism_of(path), std::move(value), std::move(reason)};
}

std::string number_text(double value) {
    std::ostringstream text;
    text.imbue(std::locale::classic());
    text << value;
    return text.str();
}

}  // namespace

SettingsApplier::SettingsApplier(SimulatorHost& host, RemoteAdminClient& admin,
                                 const ConsoleOutput* console, StubDirectory& stubs,
                                 std::filesystem::path temp_dir,
                                 std::chrono::milliseconds call_timeout,
                                 std::shared_ptr<spdlog::logger> log)
    : host_(host),
      admin_(admin),
      stubs_(stubs),
      reader_(admin, console, temp_dir, call_timeout, std::chrono::minutes(5), log),
      temp_dir_(std::move(temp_dir)),
      call_timeout_(call_timeout),
      log_(std::move(log)) {}

ApplyOutcome SettingsApplier::apply(const DesiredRegion& region, const ApplyRequest& request) {
    const auto& spec = region.spec;
    std::vector<std::string> paths = changed_fields(request.previous, spec);
    for (const auto& pending : region.pending) {
        if (std::find(paths.begin(), paths.end(), pending) == paths.end()) {
            paths.push_back(pending);
        }
    }
    ApplyOutcome outcome;
    const bool restart = request.apply_restart || request.kind == "restart";
    const bool enabled = region.enabled;
    std::vector<std::string> modify, console, archive, stub;
    for (const auto& path : paths) {
        const auto value = value_at(spec, path);
        switch (route_of(path)) {
            case Route::placement:
                // The injection re-created or closed the region: its health is the read-back.
                if (!request.region_up) {
                    outcome.fields[path] =
                        report(path, rs::kFailed, nullptr, "the region is not running");
                } else {
                    outcome.fields[path] = report(path, rs::kApplied, value);
                }
                break;
            case Route::estate:
                outcome.fields[path] =
                    estate_ ? estate_(region)
                            : report(path, rs::kUnsupported, nullptr,
                                     "this bridge applies no estates (sim_bridge/estates)");
                break;
            case Route::unsupported:
                outcome.fields[path] = report(path, rs::kUnsupported, nullptr,
                                              "OpenSim 0.9.2.2 offers no way to apply it");
                break;
            case Route::modify:
                modify.push_back(path);
                break;
            case Route::console:
                console.push_back(path);
                break;
            case Route::archive:
                archive.push_back(path);
                break;
            case Route::stub:
                stub.push_back(path);
                break;
        }
    }
    if (!enabled || !request.region_up) {
        // A disabled (or failed) region has nothing running to apply to: what it carried waits
        // for the region to come up again.
        for (const auto* group : {&modify, &console, &archive, &stub}) {
            for (const auto& path : *group) {
                outcome.fields[path] = report(path, rs::kPendingRestart, nullptr,
                                              enabled ? "the region is not running"
                                                      : "the region is disabled; applied when it "
                                                        "is enabled");
                outcome.pending.push_back(path);
            }
        }
        return outcome;
    }

    // A restart that reloads the stub: MaxPrims (and MaxAgents) only reach OpenSim this way.
    bool restarted = false;
    if (restart && (!stub.empty() || request.kind == "restart")) {
        restarted = restart_from_stub(region);
        outcome.restarted = restarted;
        if (!restarted) {
            // The region runs again, but not from its file: the stub's values still wait.
            for (const auto& path : stub) {
                outcome.fields[path] =
                    report(path, rs::kPendingRestart, nullptr,
                           "the simulator did not load the region from its region file "
                           "(console: create region); a restart of the simulator reads it");
                outcome.pending.push_back(path);
            }
            stub.clear();
        }
    } else {
        for (const auto& path : stub) {
            outcome.fields[path] =
                report(path, rs::kPendingRestart, nullptr,
                       "written to the region file; read when the region restarts");
            outcome.pending.push_back(path);
        }
        stub.clear();
    }

    apply_modify(region, modify, outcome.fields);
    apply_console(region, console);

    // RegionSettings-only fields: free on a region created empty just now; on a region with
    // content the archive round trip re-rezzes every object, so only when a restart is asked.
    std::string archive_status(rs::kApplied);
    if (!archive.empty()) {
        if (request.fresh || restart) {
            std::string error;
            if (!load_settings_archive(region, archive, !request.fresh, error)) {
                for (const auto& path : archive) {
                    outcome.fields[path] = report(path, rs::kFailed, nullptr, error);
                }
                archive.clear();
            }
            archive_status = request.fresh ? rs::kApplied : rs::kAppliedOnRestart;
        } else {
            for (const auto& path : archive) {
                outcome.fields[path] =
                    report(path, rs::kPendingRestart, nullptr,
                           "a settings archive would re-rez every object of the region: applied on "
                           "restart (\"restart\": true)");
                outcome.pending.push_back(path);
            }
            archive.clear();
        }
    }

    confirm(region, console, std::string(rs::kApplied), outcome.fields);
    confirm(region, archive, archive_status, outcome.fields);
    confirm(region, stub, std::string(rs::kAppliedOnRestart), outcome.fields);
    return outcome;
}

bool SettingsApplier::restart_from_stub(const DesiredRegion& region) {
    host_.write_stub(region.plan);
    const auto stub = stubs_.stub_path(region.plan.id);
    log_->info("restarting region {} from its region file {}", region.plan.name, stub.string());
    if (host_.region_health(region.plan) > 0) {
        const auto closed = host_.close_region(region.plan, std::chrono::seconds(30));
        if (!closed.ok) {
            log_->error("admin_close_region {}: {}", region.plan.name, closed.error);
            return false;
        }
    }
    admin_.console_command(
        "create region \"" + region.plan.name + "\" " + std::filesystem::absolute(stub).string(),
        std::chrono::seconds(30));
    // OpenSim answers the console line once the region is up (1.5 s measured): a short wait.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        if (host_.region_health(region.plan) > 0) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // The console line did not bring it back (a simulator without the command): bring the
    // region back without its file so it is not left down; the stub fields stay unapplied.
    log_->error("region {} did not come back from `create region`; creating it again",
                region.plan.name);
    host_.create_region(region.plan, std::chrono::seconds(15));
    return false;
}

void SettingsApplier::apply_modify(const DesiredRegion& region,
                                   const std::vector<std::string>& paths, FieldReports& out) {
    if (paths.empty()) {
        return;
    }
    std::optional<bool> public_access, voice;
    for (const auto& path : paths) {
        const bool value = value_at(region.spec, path).get<bool>();
        (path == "flags.allow_voice" ? voice : public_access) = value;
    }
    const auto answer = admin_.modify_region(region.plan.name, public_access, voice, call_timeout_);
    for (const auto& path : paths) {
        // admin_modify_region answers success only once it set the value: its answer is the
        // read-back (the contract's "RemoteAdmin answers that say success").
        out[path] =
            answer.ok ? report(path, rs::kApplied, value_at(region.spec, path))
                      : report(path, rs::kFailed, nullptr, "admin_modify_region: " + answer.error);
    }
}

void SettingsApplier::apply_console(const DesiredRegion& region,
                                    const std::vector<std::string>& paths) {
    for (const auto& path : paths) {
        const auto value = value_at(region.spec, path);
        if (path == "environment.water_height") {
            // By grid location: `set water height` has no region name, and acts on every region
            // at the location given.
            admin_.console_command("set water height " + number_text(value.get<double>()) + " " +
                                       std::to_string(region.plan.loc_x) + " " +
                                       std::to_string(region.plan.loc_y),
                                   call_timeout_);
        } else if (path == "flags.max_agents") {
            // The ceiling first: agent-limit is refused above it (0 for a region made by
            // admin_create_region).
            const auto n = std::to_string(value.get<int>());
            admin_.console_command("change region " + region.plan.name, call_timeout_);
            admin_.console_command("region set max-agent-limit " + n, call_timeout_);
            admin_.console_command("region set agent-limit " + n, call_timeout_);
            admin_.console_command("change region root", call_timeout_);
        }
    }
}

bool SettingsApplier::load_settings_archive(const DesiredRegion& region,
                                            const std::vector<std::string>& paths, bool round_trip,
                                            std::string& error) {
    oar::RegionSettingValues values;
    // Every RegionSettings field of the spec, not only the changed ones: a fresh archive would
    // otherwise put OpenSim's defaults back for the others.
    for (const auto& field : rs::kSettingFields) {
        if (auto key = region_setting_key(field.path)) {
            const auto value = value_at(region.spec, field.path);
            if (!value.is_null()) {
                values[std::string(key->element)] = element_text(*key, value);
            }
        }
    }
    (void)paths;
    std::filesystem::create_directories(temp_dir_);
    const auto archive = temp_dir_ / ("settings-" + region.plan.id + ".oar");
    const auto saved = temp_dir_ / ("content-" + region.plan.id + ".oar");
    std::error_code ignored;
    try {
        if (round_trip) {
            constexpr auto kSaveTimeout = std::chrono::minutes(30);
            error = save_whole_archive(
                unanswered_,
                [&host = host_, name = region.plan.name, saved, kSaveTimeout] {
                    return host.save_oar(name, saved, true, kSaveTimeout);
                },
                saved, std::chrono::steady_clock::now() + kSaveTimeout);
            if (!error.empty()) {
                std::filesystem::remove(saved, ignored);
                return false;
            }
            oar::rewrite_settings(saved, archive, values);
            std::filesystem::remove(saved, ignored);
        } else {
            oar::write_settings_archive(archive, region.plan.id, region.plan.size_x,
                                        region.plan.size_y, region.plan.name, values);
        }
    } catch (const std::exception& e) {
        error = e.what();
        std::filesystem::remove(saved, ignored);
        return false;
    }
    const auto answer = host_.load_oar(region.plan.name, archive, true, std::chrono::minutes(30));
    std::filesystem::remove(archive, ignored);
    if (!answer.ok) {
        error = "admin_load_oar: " + answer.error;
        return false;
    }
    return true;
}

void SettingsApplier::confirm(const DesiredRegion& region, const std::vector<std::string>& paths,
                              const std::string& status, FieldReports& out) {
    if (paths.empty()) {
        return;
    }
    std::set<std::string> elements;
    for (const auto& path : paths) {
        if (path == "flags.max_prims") {
            elements.insert("MaxPrims");
        } else if (auto key = region_setting_key(path)) {
            elements.insert(std::string(key->element));
        }
    }
    std::string error;
    const auto shown = reader_.read(region.plan.name, elements, error);
    for (const auto& path : paths) {
        const auto wanted = value_at(region.spec, path);
        if (path == "flags.max_prims") {
            const auto it = shown.find("MaxPrims");
            if (it == shown.end()) {
                // OpenSim prints Prim capacity only in `region get`: the region came back from a
                // stub that holds the value, which is all that can be seen.
                out[path] = report(path, status, nullptr,
                                   "loaded from the region file; the simulator did not show "
                                   "its prim capacity");
                continue;
            }
            const auto read = std::atoll(it->second.c_str());
            out[path] = read == wanted.get<long long>()
                            ? report(path, status, read)
                            : report(path, rs::kFailed, read,
                                     "read back " + it->second + ", expected " + wanted.dump());
            continue;
        }
        const auto key = region_setting_key(path);
        const auto it = shown.find(std::string(key->element));
        if (it == shown.end()) {
            out[path] = report(path, rs::kFailed, nullptr,
                               "could not read " + std::string(key->element) + " back" +
                                   (error.empty() ? std::string() : ": " + error));
            continue;
        }
        const auto read = field_value(*key, it->second);
        if (!read || !same_value(*read, wanted)) {
            out[path] = report(path, rs::kFailed, read ? *read : nlohmann::json(it->second),
                               "read back " + std::string(key->element) + " = " + it->second +
                                   ", expected " + wanted.dump());
        } else {
            out[path] = report(path, status, *read);
        }
    }
}

}  // namespace vergegrid::bridge::settings
