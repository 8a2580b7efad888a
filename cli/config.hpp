// Where vergegridctl finds the server URL and the token, first match wins: the flags, the
// environment (VERGEGRID_SERVER, VERGEGRID_TOKEN), the [cli] section of
// $XDG_CONFIG_HOME/vergegrid/cli.ini (~/.config/vergegrid/cli.ini when XDG_CONFIG_HOME is unset),
// then the default server. Empty environment variables and empty file values count as unset.
#pragma once

#include <filesystem>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vergegrid::cli {

using Environment = std::map<std::string, std::string>;

inline constexpr std::string_view kDefaultServer = "http://127.0.0.1:9800";

Environment process_environment();

struct ConnectionFlags {
    std::optional<std::string> server;
    std::optional<std::string> token;
};

struct FileSettings {
    std::optional<std::string> server;
    std::optional<std::string> token;
};

struct Settings {
    std::string server;
    std::string token;  // empty: send no Authorization header
};

// The configuration file's path, or nullopt when neither XDG_CONFIG_HOME nor HOME is usable.
std::optional<std::filesystem::path> config_file_path(const Environment& env);

// Reads the INI text; `origin` names it in errors. Malformed lines and unknown keys of [cli] are
// usage errors; other sections are ignored.
FileSettings parse_config(std::istream& in, const std::string& origin);

// A missing file gives no settings; an unreadable one is a usage error.
FileSettings read_config_file(const std::filesystem::path& path);

// The file is read only when the flags and the environment leave something unset.
Settings resolve_settings(const ConnectionFlags& flags, const Environment& env);

}  // namespace vergegrid::cli
