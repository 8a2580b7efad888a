#include "sim_bridge/preflight/opensim_config.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <set>

namespace vergegrid::bridge {

namespace {

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// Nini's value: a quoted value is taken between its quotes; otherwise a ';' ends it.
std::string value_of(const std::string& raw) {
    auto value = trimmed(raw);
    if (!value.empty() && value.front() == '"') {
        const auto close = value.find('"', 1);
        return close == std::string::npos ? value.substr(1) : value.substr(1, close - 1);
    }
    const auto comment = value.find(';');
    return trimmed(comment == std::string::npos ? value : value.substr(0, comment));
}

// The files a (possibly globbed) include names, sorted as a directory listing would give them.
std::vector<std::filesystem::path> expand_include(const std::filesystem::path& dir,
                                                  const std::string& pattern) {
    const auto path = (dir / pattern).lexically_normal();
    const auto name = path.filename().string();
    if (name.find_first_of("*?[") == std::string::npos) {
        // A missing include is skipped (a stock 0.9.2.2 names config-include/osslEnable.ini and
        // FlotsamCache.ini, which only exist once made from their .example files).
        if (!std::filesystem::is_regular_file(path)) {
            return {};
        }
        return {path};
    }
    std::vector<std::filesystem::path> found;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(path.parent_path(), error)) {
        if (::fnmatch(name.c_str(), entry.path().filename().c_str(), 0) == 0) {
            found.push_back(entry.path());
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}

// OpenSim's own list before any include: the defaults, the main file, config/*.ini.
std::vector<std::filesystem::path> base_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files{dir / "OpenSimDefaults.ini", dir / "OpenSim.ini"};
    std::vector<std::filesystem::path> extra;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "config", error)) {
        if (lower(entry.path().extension().string()) == ".ini") {
            extra.push_back(entry.path());
        }
    }
    std::sort(extra.begin(), extra.end());
    files.insert(files.end(), extra.begin(), extra.end());
    return files;
}

}  // namespace

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

OpenSimConfig OpenSimConfig::load(const std::filesystem::path& dir) {
    OpenSimConfig config;
    if (!std::filesystem::is_regular_file(dir / "OpenSim.ini")) {
        config.problems_.push_back("no OpenSim.ini in " + dir.string() +
                                   " (copy OpenSim.ini.example to OpenSim.ini)");
    }
    std::vector<std::filesystem::path> sources;
    std::set<std::filesystem::path> listed;
    for (const auto& file : base_files(dir)) {
        if (std::filesystem::is_regular_file(file) && listed.insert(file).second) {
            sources.push_back(file);
        }
    }
    // As ConfigurationLoader: after each file, every Include-* key seen so far adds its files.
    for (std::size_t i = 0; i < sources.size(); ++i) {
        config.read_file(sources[i]);
        for (const auto& [section, keys] : config.values_) {
            for (const auto& [key, value] : keys) {
                if (key.rfind("include-", 0) != 0) {
                    continue;
                }
                for (const auto& file : expand_include(dir, value)) {
                    if (listed.insert(file).second) {
                        sources.push_back(file);
                    }
                }
            }
        }
    }
    return config;
}

void OpenSimConfig::read_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        problems_.push_back("cannot read " + file.string());
        return;
    }
    files_.push_back(file);
    std::string line, section;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const auto text = trimmed(line);
        if (text.empty() || text.front() == ';' || text.front() == '#') {
            continue;
        }
        if (text.front() == '[') {
            const auto close = text.find(']');
            section = lower(trimmed(
                text.substr(1, close == std::string::npos ? std::string::npos : close - 1)));
            values_[section];
            continue;
        }
        const auto equals = text.find('=');
        if (equals == std::string::npos) {
            continue;  // Nini takes a bare key as an empty value; nothing the checks read
        }
        if (section.empty()) {
            problems_.push_back(file.string() + ":" + std::to_string(number) +
                                ": a key before the first [section] (OpenSim stops with a "
                                "NullReferenceException)");
            continue;
        }
        values_[section][lower(trimmed(text.substr(0, equals)))] =
            value_of(text.substr(equals + 1));
    }
}

std::optional<std::string> OpenSimConfig::get(const std::string& section,
                                              const std::string& key) const {
    const auto s = values_.find(lower(section));
    if (s == values_.end()) {
        return std::nullopt;
    }
    const auto k = s->second.find(lower(key));
    if (k == s->second.end()) {
        return std::nullopt;
    }
    // ${Section|key}, as OpenSim's ExpandKeyValues; a few rounds cover nested references.
    auto value = k->second;
    for (int round = 0; round < 8; ++round) {
        const auto start = value.find("${");
        const auto bar = value.find('|', start);
        const auto end = value.find('}', start);
        if (start == std::string::npos || bar == std::string::npos || end == std::string::npos ||
            bar > end) {
            break;
        }
        const auto replacement =
            get(value.substr(start + 2, bar - start - 2), value.substr(bar + 1, end - bar - 1));
        value.replace(start, end - start + 1, replacement.value_or(""));
    }
    return value;
}

std::string opensim_config_fingerprint(const std::filesystem::path& dir) {
    if (dir.empty()) {
        return {};
    }
    std::string fingerprint;
    const auto config = OpenSimConfig::load(dir);
    for (const auto& file : config.files()) {
        std::error_code error;
        const auto size = std::filesystem::file_size(file, error);
        const auto time = std::filesystem::last_write_time(file, error);
        fingerprint += file.string() + ":" + std::to_string(size) + ":" +
                       std::to_string(time.time_since_epoch().count()) + "\n";
    }
    return fingerprint;
}

}  // namespace vergegrid::bridge
