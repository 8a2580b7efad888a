#include "sim_bridge/preflight/preflight.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "sim_bridge/preflight/opensim_config.hpp"

namespace vergegrid::bridge {

namespace {

bool is_true(const std::optional<std::string>& value) {
    return value && lower(*value) == "true";
}

bool is_uuid(const std::string& text) {
    static const std::regex uuid(
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    return std::regex_match(text, uuid);
}

// A number OpenSim would read, or `fallback` when the key is unset or not a number.
int number_or(const std::optional<std::string>& value, int fallback) {
    try {
        return value && !value->empty() ? std::stoi(*value) : fallback;
    } catch (const std::exception&) {
        return fallback;
    }
}

// The port of "http://host:port[/...]", or 0.
int url_port(const std::string& url) {
    static const std::regex pattern(R"(^[a-zA-Z]+://[^/:]+:(\d+))");
    std::smatch match;
    return std::regex_search(url, match, pattern) ? std::stoi(match[1]) : 0;
}

class Checks {
  public:
    Checks(const SimulatorSettings& settings, PreflightReport& report)
        : settings_(settings), report_(report) {}

    void problem(std::string what, std::string fix) {
        report_.problems.push_back({std::move(what), std::move(fix)});
    }
    void ok(std::string what) { report_.passed.push_back(std::move(what)); }

    void remote_admin_section(const OpenSimConfig& config) {
        if (!is_true(config.get("RemoteAdmin", "enabled"))) {
            problem("RemoteAdmin is not enabled",
                    "set [RemoteAdmin] enabled = true in OpenSim.ini");
        } else {
            ok("[RemoteAdmin] enabled = true");
        }
        // Port 0 (or none): RemoteAdmin shares the main HTTP port ([Network] http_listener_port).
        int port = number_or(config.get("RemoteAdmin", "port"), 0);
        if (port == 0) {
            port = number_or(config.get("Network", "http_listener_port"), 9000);
        }
        const int wanted = url_port(settings_.remoteadmin_url);
        if (wanted != 0 && wanted != port) {
            problem("RemoteAdmin listens on port " + std::to_string(port) +
                        " but simulator.remoteadmin_url is " + settings_.remoteadmin_url,
                    "set [RemoteAdmin] port = " + std::to_string(wanted) +
                        " in OpenSim.ini, or simulator.remoteadmin_url to port " +
                        std::to_string(port));
        } else {
            ok("RemoteAdmin port " + std::to_string(port));
        }
        const auto password = config.get("RemoteAdmin", "access_password").value_or("");
        if (password != settings_.remoteadmin_password) {
            problem("[RemoteAdmin] access_password is not simulator.remoteadmin_password",
                    "set [RemoteAdmin] access_password in OpenSim.ini to the bridge's "
                    "simulator.remoteadmin_password");
        } else {
            ok("[RemoteAdmin] access_password matches");
        }
        const auto methods = config.get("RemoteAdmin", "enabled_methods").value_or("all");
        if (lower(methods) != "all" && !methods.empty()) {
            std::vector<std::string> missing;
            for (const auto& method : methods_the_bridge_needs()) {
                // OpenSim registers a method when the '|'-separated list contains its name.
                if (methods.find(method) == std::string::npos) {
                    missing.push_back(method);
                }
            }
            if (!missing.empty()) {
                std::string list;
                for (const auto& m : missing) {
                    list += (list.empty() ? "" : "|") + m;
                }
                problem(
                    "[RemoteAdmin] enabled_methods lacks " + list,
                    "set [RemoteAdmin] enabled_methods = all in OpenSim.ini (or add " + list + ")");
            } else {
                ok("[RemoteAdmin] enabled_methods has every method the bridge calls");
            }
        } else {
            ok("[RemoteAdmin] enabled_methods = all");
        }
    }

    void startup_section(const OpenSimConfig& config) {
        if (!is_true(config.get("Startup", "allow_regionless"))) {
            problem(
                "[Startup] allow_regionless is not true: an empty simulator asks for a region on "
                "its console",
                "set [Startup] allow_regionless = true in OpenSim.ini");
        } else {
            ok("[Startup] allow_regionless = true");
        }
    }

    void estates_section(const OpenSimConfig& config) {
        const char* keys[] = {"DefaultEstateName", "DefaultEstateOwnerName",
                              "DefaultEstateOwnerUUID", "DefaultEstateOwnerEMail",
                              "DefaultEstateOwnerPassword"};
        std::string missing;
        for (const auto* key : keys) {
            if (config.get("Estates", key).value_or("").empty()) {
                missing += (missing.empty() ? "" : ", ") + std::string(key);
            }
        }
        if (!missing.empty()) {
            problem("[Estates] lacks " + missing +
                        ": OpenSim asks for the estate owner on its console while loading a "
                        "region (trap 12)",
                    "set [Estates] DefaultEstateName, DefaultEstateOwnerName, "
                    "DefaultEstateOwnerUUID, DefaultEstateOwnerEMail and "
                    "DefaultEstateOwnerPassword in OpenSim.ini");
            return;
        }
        const auto uuid = *config.get("Estates", "DefaultEstateOwnerUUID");
        const auto name = *config.get("Estates", "DefaultEstateOwnerName");
        if (!is_uuid(uuid)) {
            problem("[Estates] DefaultEstateOwnerUUID '" + uuid + "' is not a UUID",
                    "set it to the owner's UUID (00000000-0000-0000-0000-000000000000 lets "
                    "OpenSim make one)");
        } else if (std::count(name.begin(), name.end(), ' ') != 1) {
            problem("[Estates] DefaultEstateOwnerName '" + name + "' is not \"First Last\"",
                    "set it to the owner's avatar name, two words");
        } else {
            ok("[Estates] Default* complete");
        }
        const auto estate = *config.get("Estates", "DefaultEstateName");
        if (estate != settings_.default_estate) {
            problem("[Estates] DefaultEstateName is '" + estate +
                        "' but simulator.default_estate is '" + settings_.default_estate + "'",
                    "make them the same estate name");
        }
    }

    void regions_dir(const OpenSimConfig* config, const std::filesystem::path& config_dir) {
        const auto& dir = settings_.regions_dir;
        const auto probe = dir / (".vergegrid-check-" + std::to_string(::getpid()));
        std::ofstream out(probe);
        const bool writable = static_cast<bool>(out << "x\n");
        out.close();
        std::error_code ignored;
        std::filesystem::remove(probe, ignored);
        if (!std::filesystem::is_directory(dir)) {
            problem("the regions folder " + dir.string() + " does not exist",
                    "create it, or set simulator.regions_dir to OpenSim's [Startup] "
                    "regionload_regionsdir");
        } else if (!writable) {
            problem("the regions folder " + dir.string() + " is not writable by the bridge",
                    "give the bridge's user write access to it (the stubs are written there)");
        } else {
            ok("regions folder " + dir.string() + " is writable");
        }
        if (config == nullptr) {
            return;
        }
        const auto loader = config->get("Startup", "regionload_regionsdir").value_or("Regions");
        std::error_code error;
        const auto theirs = std::filesystem::weakly_canonical(config_dir / loader, error);
        const auto ours = std::filesystem::weakly_canonical(dir, error);
        if (!error && theirs != ours) {
            problem("OpenSim loads regions from " + theirs.string() +
                        " but simulator.regions_dir is " + ours.string(),
                    "make simulator.regions_dir OpenSim's [Startup] regionload_regionsdir");
        }
    }

  private:
    const SimulatorSettings& settings_;
    PreflightReport& report_;
};

}  // namespace

const std::vector<std::string>& methods_the_bridge_needs() {
    static const std::vector<std::string> methods = {"admin_get_opensim_version",
                                                     "admin_region_query",
                                                     "admin_create_region",
                                                     "admin_modify_region",
                                                     "admin_close_region",
                                                     "admin_delete_region",
                                                     "admin_shutdown",
                                                     "admin_console_command",
                                                     "admin_save_oar",
                                                     "admin_load_oar",
                                                     "admin_get_agents",
                                                     "admin_dialog"};
    return methods;
}

PreflightReport run_preflight(const SimulatorSettings& settings, const RemoteAdminClient& admin) {
    PreflightReport report;
    Checks checks(settings, report);
    const auto dir = settings.config_dir.empty() ? settings.working_dir : settings.config_dir;
    std::optional<OpenSimConfig> config;
    if (dir.empty()) {
        report.notes.push_back(
            "OpenSim's configuration not checked: set simulator.config_dir (or working_dir) to "
            "OpenSim's bin folder");
    } else {
        config = OpenSimConfig::load(dir);
        for (const auto& problem : config->problems()) {
            checks.problem("OpenSim's configuration: " + problem,
                           "fix the file (OpenSim stops at it too)");
        }
        if (!config->files().empty()) {
            checks.remote_admin_section(*config);
            checks.startup_section(*config);
            checks.estates_section(*config);
        }
    }
    checks.regions_dir(config ? &*config : nullptr, dir);

    const auto answer = admin.version(settings.call_timeout);
    if (answer.ok) {
        checks.ok("RemoteAdmin at " + settings.remoteadmin_url + " answers with the password");
    } else if (answer.transport_failed && !settings.command.empty()) {
        report.notes.push_back("RemoteAdmin at " + settings.remoteadmin_url +
                               " not checked: the simulator is not running (the bridge starts it)");
    } else if (answer.transport_failed) {
        checks.problem("RemoteAdmin at " + settings.remoteadmin_url + " does not answer (" +
                           answer.error + ")",
                       "start the simulator, or correct simulator.remoteadmin_url");
    } else {
        checks.problem(
            "RemoteAdmin at " + settings.remoteadmin_url + " refuses the bridge: " + answer.error,
            answer.error.find("password") != std::string::npos
                ? "make simulator.remoteadmin_password [RemoteAdmin] access_password"
                : "set [RemoteAdmin] enabled_methods = all in OpenSim.ini");
    }
    return report;
}

}  // namespace vergegrid::bridge
