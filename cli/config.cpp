#include "cli/config.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "cli/exit_codes.hpp"

namespace vergegrid::cli {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> non_empty(const Environment& env, const char* name) {
    if (auto it = env.find(name); it != env.end() && !it->second.empty()) {
        return it->second;
    }
    return std::nullopt;
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::string unquote(std::string value) {
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
        return value.substr(1, value.size() - 2);
    }
    return value;
}

std::optional<std::string> value_or_unset(std::string value) {
    if (value.empty()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

Environment process_environment() {
    Environment env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text = *entry;
        const auto eq = text.find('=');
        if (eq != std::string_view::npos) {
            env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
        }
    }
    return env;
}

std::optional<fs::path> config_file_path(const Environment& env) {
    if (auto xdg = non_empty(env, "XDG_CONFIG_HOME"); xdg && fs::path(*xdg).is_absolute()) {
        return fs::path(*xdg) / "vergegrid" / "cli.ini";
    }
    if (auto home = non_empty(env, "HOME")) {
        return fs::path(*home) / ".config" / "vergegrid" / "cli.ini";
    }
    return std::nullopt;
}

FileSettings parse_config(std::istream& in, const std::string& origin) {
    FileSettings settings;
    std::string section;
    std::string line;
    int number = 0;
    const auto fail = [&](const std::string& why) {
        throw CliError(ExitCode::usage, origin + ":" + std::to_string(number) + ": " + why);
    };
    while (std::getline(in, line)) {
        ++number;
        if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) {
            line.erase(0, 3);  // a UTF-8 byte order mark
        }
        const std::string text = trim(line);
        if (text.empty() || text.front() == '#' || text.front() == ';') {
            continue;
        }
        if (text.front() == '[') {
            if (text.back() != ']') {
                fail("a section header needs a closing ']'");
            }
            section = trim(std::string_view(text).substr(1, text.size() - 2));
            continue;
        }
        const auto eq = text.find('=');
        if (eq == std::string::npos) {
            fail("expected 'key = value', got '" + text + "'");
        }
        const std::string key = trim(std::string_view(text).substr(0, eq));
        std::string value = unquote(trim(std::string_view(text).substr(eq + 1)));
        if (key.empty()) {
            fail("a key is missing before '='");
        }
        if (section.empty()) {
            fail("'" + key + "' is outside any section; put it under [cli]");
        }
        if (section != "cli") {
            continue;
        }
        if (key == "server") {
            settings.server = value_or_unset(std::move(value));
        } else if (key == "token") {
            settings.token = value_or_unset(std::move(value));
        } else {
            fail("unknown key '" + key + "' in [cli] (known keys: server, token)");
        }
    }
    if (in.bad()) {
        throw CliError(ExitCode::usage, origin + ": cannot be read");
    }
    return settings;
}

FileSettings read_config_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        return {};
    }
    if (fs::is_directory(path, ec)) {
        throw CliError(ExitCode::usage,
                       path.string() + ": is a directory, not a configuration file");
    }
    std::ifstream in(path);
    if (!in) {
        throw CliError(ExitCode::usage,
                       path.string() + ": cannot be read: " + std::strerror(errno));
    }
    return parse_config(in, path.string());
}

Settings resolve_settings(const ConnectionFlags& flags, const Environment& env) {
    std::optional<std::string> server =
        flags.server ? flags.server : non_empty(env, "VERGEGRID_SERVER");
    std::optional<std::string> token =
        flags.token ? flags.token : non_empty(env, "VERGEGRID_TOKEN");
    if (!server || !token) {
        if (const auto path = config_file_path(env)) {
            const FileSettings file = read_config_file(*path);
            if (!server) {
                server = file.server;
            }
            if (!token) {
                token = file.token;
            }
        }
    }
    return {server.value_or(std::string(kDefaultServer)), token.value_or("")};
}

}  // namespace vergegrid::cli
