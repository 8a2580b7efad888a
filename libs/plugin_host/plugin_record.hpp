// What the host knows about one plugin file, loaded or not: the row of GET /api/v1/plugins and
// of `vergegrid-control --list-plugins`.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/abi.hpp"

namespace vergegrid::plugin_host {

enum class PluginStatus {
    loaded,   // descriptor accepted; objects can be created
    refused,  // the file loaded but the host will not use it (ABI, kind, name, entry point)
    failed,   // the dynamic loader could not load the file (missing dependency, not an ELF, ...)
    skipped,  // a plugin of a kind this program does not use: listed, never kept loaded
};

std::string to_string(PluginStatus status);

struct PluginRecord {
    std::filesystem::path file;
    PluginStatus status = PluginStatus::failed;
    std::string reason;  // empty when loaded
    // Known once the descriptor could be read:
    std::string kind;
    std::string name;
    std::string version;
    std::string summary;
    std::optional<plugin_api::AbiVersion> abi;
    std::vector<std::string> config_keys;
};

}  // namespace vergegrid::plugin_host
