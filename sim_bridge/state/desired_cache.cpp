#include "sim_bridge/state/desired_cache.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim_bridge/state/atomic_file.hpp"
#include "strict_json/strict_json.hpp"
#include "uuid_text/uuid_text.hpp"

namespace vergegrid::bridge {

namespace {

int required_int(const nlohmann::json& spec, const char* key) {
    const auto it = spec.find(key);
    if (it == spec.end() || !it->is_number_integer()) {
        throw std::invalid_argument(std::string("spec.") + key + " must be an integer");
    }
    return it->get<int>();
}

std::string required_string(const nlohmann::json& spec, const char* key) {
    const auto it = spec.find(key);
    if (it == spec.end() || !it->is_string() || it->get<std::string>().empty()) {
        throw std::invalid_argument(std::string("spec.") + key + " must be a non-empty string");
    }
    return it->get<std::string>();
}

nlohmann::json to_json(const DesiredRegion& r) {
    return {{"id", r.plan.id},
            {"name", r.plan.name},
            {"loc_x", r.plan.loc_x},
            {"loc_y", r.plan.loc_y},
            {"size_x", r.plan.size_x},
            {"size_y", r.plan.size_y},
            {"port", r.plan.port},
            {"listen_ip", r.plan.listen_ip},
            {"host", r.plan.external_host},
            {"enabled", r.enabled},
            {"version", r.version},
            {"max_prims", r.max_prims},
            {"max_agents", r.max_agents},
            {"estate", estate_to_json(r.estate)},
            {"spec", r.spec},
            {"pending", r.pending}};
}

DesiredRegion from_json(const nlohmann::json& j) {
    DesiredRegion r;
    r.plan.id = j.at("id").get<std::string>();
    r.plan.name = j.at("name").get<std::string>();
    r.plan.loc_x = j.at("loc_x").get<int>();
    r.plan.loc_y = j.at("loc_y").get<int>();
    r.plan.size_x = j.at("size_x").get<int>();
    r.plan.size_y = j.at("size_y").get<int>();
    r.plan.port = j.at("port").get<int>();
    r.plan.listen_ip = j.at("listen_ip").get<std::string>();
    r.plan.external_host = j.at("host").get<std::string>();
    r.enabled = j.at("enabled").get<bool>();
    r.version = j.at("version").get<std::string>();
    r.max_prims = j.value("max_prims", 0);
    r.max_agents = j.value("max_agents", 0);
    r.estate = estate_from_json(j.value("estate", nlohmann::json::object()));
    // Files written before the bridge kept the spec have neither: an empty spec and nothing
    // pending, so the next operation carries every field again.
    if (const auto spec = j.find("spec"); spec != j.end() && spec->is_object()) {
        r.spec = *spec;
    }
    if (const auto pending = j.find("pending"); pending != j.end() && pending->is_array()) {
        r.pending = pending->get<std::vector<std::string>>();
    }
    return r;
}

}  // namespace

DesiredRegion desired_from_spec(const nlohmann::json& spec, const std::string& listen_ip,
                                const std::string& default_external_host) {
    if (!spec.is_object()) {
        throw std::invalid_argument("the operation carries no region spec");
    }
    DesiredRegion region;
    region.plan.id = required_string(spec, "id");
    if (!uuid_text::is_canonical(region.plan.id)) {
        throw std::invalid_argument("spec.id '" + region.plan.id +
                                    "' is not a canonical (lowercase 8-4-4-4-12) UUID");
    }
    region.plan.name = required_string(spec, "name");
    region.plan.loc_x = required_int(spec, "loc_x");
    region.plan.loc_y = required_int(spec, "loc_y");
    region.plan.size_x = spec.value("size_x", 256);
    region.plan.size_y = spec.value("size_y", 256);
    region.plan.port = required_int(spec, "port");
    if (region.plan.port <= 0 || region.plan.port > 65535) {
        throw std::invalid_argument("spec.port must be 1-65535");
    }
    region.plan.listen_ip = listen_ip;
    const auto host = spec.find("host");
    region.plan.external_host =
        host != spec.end() && host->is_string() && !host->get<std::string>().empty()
            ? host->get<std::string>()
            : default_external_host;
    const auto flags = spec.find("flags");
    if (flags != spec.end() && flags->is_object()) {
        region.enabled = flags->value("enabled", true);
        region.max_prims = std::max(0, flags->value("max_prims", 0));
        region.max_agents = std::max(0, flags->value("max_agents", 0));
    }
    region.version = spec.value("version", "");
    region.estate = estate_from_spec(spec);
    region.spec = spec;
    // The operation's instruction, not a property of the region.
    region.spec.erase("apply_restart");
    return region;
}

DesiredCache::DesiredCache(const std::filesystem::path& state_dir)
    : path_(state_dir / "desired.json") {
    std::error_code error;
    if (!std::filesystem::exists(path_, error)) {
        return;
    }
    try {
        const auto json = strict_json::parse(read_file(path_));
        for (const auto& item : json.at("regions")) {
            auto region = from_json(item);
            if (!uuid_text::is_canonical(region.plan.id)) {
                throw std::runtime_error(path_.string() + " holds region id '" + region.plan.id +
                                         "', not a canonical UUID");
            }
            regions_[region.plan.id] = region;
        }
    } catch (const std::exception& e) {  // strict_json::Refused, or a field nlohmann refused
        throw std::runtime_error(path_.string() + " is not a desired-state cache: " + e.what());
    }
}

std::vector<DesiredRegion> DesiredCache::all() const {
    std::lock_guard lock(mutex_);
    std::vector<DesiredRegion> out;
    for (const auto& [id, region] : regions_) {
        out.push_back(region);
    }
    return out;
}

std::optional<DesiredRegion> DesiredCache::find(const std::string& region_id) const {
    std::lock_guard lock(mutex_);
    auto it = regions_.find(region_id);
    if (it == regions_.end()) {
        return std::nullopt;
    }
    return it->second;
}

void DesiredCache::put(const DesiredRegion& region) {
    std::lock_guard lock(mutex_);
    regions_[region.plan.id] = region;
    save_locked();
}

void DesiredCache::erase(const std::string& region_id) {
    std::lock_guard lock(mutex_);
    regions_.erase(region_id);
    save_locked();
}

void DesiredCache::save_locked() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [id, region] : regions_) {
        list.push_back(to_json(region));
    }
    std::filesystem::create_directories(path_.parent_path());
    write_file_atomically(path_, nlohmann::json{{"regions", list}}.dump(2) + "\n", 0600);
}

}  // namespace vergegrid::bridge
