#include "sim_bridge/settings/region_reader.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>
#include <algorithm>
#include <cctype>

#include <thread>

#include "oar_archive/completeness.hpp"
#include "oar_archive/region_settings_archive.hpp"

namespace vergegrid::bridge::settings {

namespace {

// `region get` labels (OpenSim 0.9.2.2's RegionCommandsModule, lower-cased) and their elements.
constexpr std::pair<std::string_view, std::string_view> kLabels[] = {
    {"agent limit", "AgentLimit"},
    {"max agent limit", "MaxAgents"},
    {"prim capacity", "MaxPrims"},
    {"allow damage", "AllowDamage"},
    {"block fly", "BlockFly"},
    {"block terraform", "BlockTerraform"},
    {"disable scripts", "DisableScripts"},
    {"terrain lower limit", "TerrainLowerLimit"},
    {"terrain raise limit", "TerrainRaiseLimit"},
    {"water height", "WaterHeight"},
};

// Elements an archive's settings/<region>.xml holds (the region file's limits are not there).
bool in_archive(const std::string& element) {
    return element != "MaxAgents" && element != "MaxPrims";
}

std::string trim(std::string text) {
    const auto first = text.find_first_not_of(" \t\r");
    const auto last = text.find_last_not_of(" \t\r");
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

}  // namespace

SettingTexts parse_region_get(const std::vector<std::string>& lines) {
    SettingTexts values;
    for (const auto& line : lines) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string label = trim(line.substr(0, colon));
        std::transform(label.begin(), label.end(), label.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        for (const auto& [known, element] : kLabels) {
            if (label == known) {
                values[std::string(element)] = trim(line.substr(colon + 1));
            }
        }
    }
    return values;
}

RegionReader::RegionReader(RemoteAdminClient& admin, const ConsoleOutput* console,
                           std::filesystem::path temp_dir, std::chrono::milliseconds call_timeout,
                           std::chrono::milliseconds save_timeout,
                           std::shared_ptr<spdlog::logger> log)
    : admin_(admin),
      console_(console),
      temp_dir_(std::move(temp_dir)),
      call_timeout_(call_timeout),
      save_timeout_(save_timeout),
      log_(std::move(log)) {}

SettingTexts RegionReader::read_console(const std::string& region_name) {
    if (console_ == nullptr) {
        return {};
    }
    const auto mark = console_->mark();
    admin_.console_command("change region " + region_name, call_timeout_);
    const auto answer = admin_.console_command("region get", call_timeout_);
    admin_.console_command("change region root", call_timeout_);
    if (!answer.ok) {
        // OpenSim throws for a region without a region file (made by admin_create_region).
        log_->debug("region get {}: {}", region_name, answer.error);
        return {};
    }
    // OpenSim prints the block before it answers; the wait covers a simulator whose output
    // reaches the file a little later.
    console_->wait_for_line(
        mark,
        [](std::string_view line) {
            return line.find("Water height") != std::string_view::npos ||
                   line.find("Max agent limit") != std::string_view::npos ||
                   line.find("Exception") != std::string_view::npos;
        },
        std::chrono::milliseconds(2000));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto values = parse_region_get(console_->lines_since(mark));
    log_->debug("region get {}: {} value(s) on the console", region_name, values.size());
    return values;
}

SettingTexts RegionReader::read_archive(const std::string& region_name, std::string& error) {
    std::filesystem::create_directories(temp_dir_);
    const auto file = temp_dir_ / ("readback-" + std::to_string(::getpid()) + ".oar");
    std::error_code ignored;
    // The file says when the archive is done; OpenSim's answer comes >= 5 s later whatever it did.
    error = save_whole_archive(
        unanswered_,
        [&admin = admin_, region_name, path = file.string(), timeout = save_timeout_] {
            return admin.save_oar(region_name, path, true, timeout);
        },
        file, std::chrono::steady_clock::now() + save_timeout_);
    if (!error.empty()) {
        std::filesystem::remove(file, ignored);
        return {};
    }
    SettingTexts values;
    try {
        values = oar::read_region_content(file).settings;
    } catch (const std::exception& e) {
        error = e.what();
    }
    std::filesystem::remove(file, ignored);
    return values;
}

SettingTexts RegionReader::read(const std::string& region_name,
                                const std::set<std::string>& elements, std::string& error) {
    auto values = read_console(region_name);
    const bool archive_needed = std::any_of(elements.begin(), elements.end(), [&](const auto& e) {
        return values.count(e) == 0 && in_archive(e);
    });
    if (archive_needed) {
        log_->info("reading the settings of {} back from a saved archive", region_name);
        for (auto& [element, text] : read_archive(region_name, error)) {
            values.emplace(element, text);  // the console's reading wins where both have one
        }
    }
    return values;
}

}  // namespace vergegrid::bridge::settings
