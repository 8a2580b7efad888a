// The bridge's identity with the control plane: its simulator id and API key, written once after
// registration into <state dir>/identity.json with mode 0600. The key is never logged.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace vergegrid::bridge {

struct Identity {
    std::string simulator_id;
    std::string api_key;
};

class IdentityFile {
  public:
    explicit IdentityFile(const std::filesystem::path& state_dir);
    // nullopt when the bridge has not registered yet; throws when the file exists but is broken
    // or readable by others (a key the bridge can no longer call its own).
    std::optional<Identity> load() const;
    void save(const Identity& identity) const;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace vergegrid::bridge
