// Where configuration values come from, lowest precedence first: built-in defaults, the INI file,
// environment variables, command-line flags. All of them land in one flat map keyed "section.key"
// (top-level keys have no section: "listen", "data_dir").
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vergegrid::config_sources {

struct Value {
    std::string text;
    std::string
        origin;  // "default", "file /etc/vergegrid.ini", "env VERGEGRID_LISTEN", "flag --listen"
};

using ValueMap = std::map<std::string, Value>;

// Looks an environment variable up; injectable so tests need not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

// The names of the process's environment variables that start with VERGEGRID_: what a program
// checks for mistyped keys (a lookup alone cannot see a variable nobody asks for).
std::vector<std::string> process_environment_names();

// Reads an INI file. Throws ConfigError naming the file (and line, where the parser knows it)
// for a missing file, a syntax error or a duplicate key.
ValueMap read_ini_file(const std::filesystem::path& file);

// "log.format" -> "VERGEGRID_LOG_FORMAT"; "storage.sqlite.busy-timeout" ->
// "VERGEGRID_STORAGE_SQLITE_BUSY_TIMEOUT".
std::string env_name_for(const std::string& key);

}  // namespace vergegrid::config_sources
