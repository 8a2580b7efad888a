#include "sim_bridge/state/identity.hpp"

#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sim_bridge/state/atomic_file.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::bridge {

IdentityFile::IdentityFile(const std::filesystem::path& state_dir)
    : path_(state_dir / "identity.json") {}

std::optional<Identity> IdentityFile::load() const {
    struct stat info {};
    if (::stat(path_.c_str(), &info) != 0) {
        return std::nullopt;
    }
    if ((info.st_mode & 077) != 0) {
        throw std::runtime_error(path_.string() +
                                 " is readable by other users; it holds the simulator's API key "
                                 "(chmod 600 it, or rotate the key)");
    }
    try {
        const auto json = strict_json::parse(read_file(path_));
        Identity identity{json.at("simulator_id").get<std::string>(),
                          json.at("api_key").get<std::string>()};
        if (identity.simulator_id.empty() || identity.api_key.empty()) {
            throw std::runtime_error("empty field");
        }
        return identity;
    } catch (const std::exception& e) {  // strict_json::Refused, or a field nlohmann refused
        throw std::runtime_error(path_.string() + " is not a bridge identity file: " + e.what());
    }
}

void IdentityFile::save(const Identity& identity) const {
    std::filesystem::create_directories(path_.parent_path());
    const nlohmann::json json = {{"simulator_id", identity.simulator_id},
                                 {"api_key", identity.api_key}};
    write_file_atomically(path_, json.dump(2) + "\n", 0600);
}

}  // namespace vergegrid::bridge
