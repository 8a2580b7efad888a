// Reads a running region's settings back from the simulator, the only proof a console line
// worked (admin_console_command answers {} whatever happens). First the console: `change region
// <name>` + `region get`, whose block OpenSim 0.9.2.2 prints to its console (agent limit, max agent
// limit, prim capacity, damage, fly, terraform, scripts, terrain limits, water height; verified).
// A region made by admin_create_region without a region file makes `region get` throw (verified:
// "Object reference not set to an instance of an object"), so whatever the console did not print
// comes from the region's settings in an archive saved with admin_save_oar noassets (read as soon
// as the file is whole, not after OpenSim's >= 5 s answer).
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim_bridge/process/console_output.hpp"
#include "sim_bridge/remote_admin/remote_admin_client.hpp"
#include "sim_bridge/remote_admin/unanswered_calls.hpp"

namespace vergegrid::bridge::settings {

// Values by RegionSettings element name (WaterHeight, AgentLimit, BlockFly, ...) plus MaxAgents
// and MaxPrims, the region file's limits that only `region get` shows.
using SettingTexts = std::map<std::string, std::string>;

// The "Label : value" lines of `region get` (OpenSim's "Agent limit : 33", "Water height : 22 m";
// "Agent limit: 33" also reads) by element name; other lines are ignored.
SettingTexts parse_region_get(const std::vector<std::string>& lines);

class RegionReader {
  public:
    RegionReader(RemoteAdminClient& admin, const ConsoleOutput* console,
                 std::filesystem::path temp_dir, std::chrono::milliseconds call_timeout,
                 std::chrono::milliseconds save_timeout, std::shared_ptr<spdlog::logger> log);

    // The values of `elements` the simulator shows for the region: the console first, one saved
    // archive for the rest (only when an element the archive holds is still missing). An element
    // nobody showed is absent; `error` says why the archive could not be read.
    SettingTexts read(const std::string& region_name, const std::set<std::string>& elements,
                      std::string& error);

    // `region get` alone (empty when the console is not captured or the command failed).
    SettingTexts read_console(const std::string& region_name);

  private:
    SettingTexts read_archive(const std::string& region_name, std::string& error);

    RemoteAdminClient& admin_;
    const ConsoleOutput* console_;
    std::filesystem::path temp_dir_;
    std::chrono::milliseconds call_timeout_;
    std::chrono::milliseconds save_timeout_;
    std::shared_ptr<spdlog::logger> log_;
    UnansweredCalls unanswered_;  // last: destroyed first, while admin_ is still there
};

}  // namespace vergegrid::bridge::settings
