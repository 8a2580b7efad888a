// OpenSim's configuration read as OpenSim 0.9 reads it (ConfigurationLoader): OpenSimDefaults.ini,
// then OpenSim.ini, then every *.ini in config/, then every file an Include-* key names (relative
// to the configuration folder, globs allowed), each later file overriding the earlier ones; Nini's
// INI rules (sections, "key = value", ';' comments also after a value, quotes stripped, names
// without regard to case) and ${Section|key} expansion.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vergegrid::bridge {

class OpenSimConfig {
  public:
    // Reads the configuration in `dir` (OpenSim's bin folder). Never throws for what OpenSim
    // would refuse: problems() says it.
    static OpenSimConfig load(const std::filesystem::path& dir);

    // The value OpenSim would use, or nullopt when no file sets it.
    std::optional<std::string> get(const std::string& section, const std::string& key) const;
    // The files read, in OpenSim's order.
    const std::vector<std::filesystem::path>& files() const { return files_; }
    // What OpenSim itself would stop at: no OpenSim.ini, a key before any [section] (Nini throws a
    // NullReferenceException on it, measured on 0.9.2.2), an unreadable file.
    const std::vector<std::string>& problems() const { return problems_; }

  private:
    void read_file(const std::filesystem::path& file);

    std::map<std::string, std::map<std::string, std::string>> values_;  // lower-case names
    std::vector<std::filesystem::path> files_;
    std::vector<std::string> problems_;
};

// Changes whenever a file of the configuration in `dir` changes, appears or goes (names, sizes,
// modification times): how a simulator stalled on its configuration notices the operator's fix.
std::string opensim_config_fingerprint(const std::filesystem::path& dir);

// OpenSim's configuration names and boolean words are case-insensitive: compare them lowered.
std::string lower(std::string text);

}  // namespace vergegrid::bridge
