#include "control/placement/grid_state.hpp"

#include <algorithm>
#include <utility>

namespace vergegrid::control {

namespace api = plugin_api;

namespace {

// Searches remembered at once: a create names its centre (near, near_region), so their number
// is the callers'; past this many they are forgotten and searched afresh.
constexpr std::size_t kRememberedSearches = 64;

// The squared distance from (x, y) to the nearest point of [x0, x1] x [y0, y1].
std::int64_t squared_distance_to(int x, int y, int x0, int x1, int y0, int y1) {
    const std::int64_t dx = x < x0 ? x0 - x : (x > x1 ? x - x1 : 0);
    const std::int64_t dy = y < y0 ? y0 - y : (y > y1 ? y - y1 : 0);
    return dx * dx + dy * dy;
}

// What placement reads of a simulator's stored row (its regions are counted from the grid).
void take_facts(api::SimulatorSnapshot& snapshot, const api::Simulator& s) {
    snapshot.state = s.state;
    snapshot.labels = s.labels;
    snapshot.capacity = s.capacity;
    snapshot.cpu_load = s.cpu_load;
    snapshot.memory_load = s.memory_load;
    snapshot.hostname = s.hostname;
}

}  // namespace

int map_cells_of(int metres) {
    return std::max(metres / 256, 1);
}

PlacedRegion placed_region(const api::Region& r) {
    return {r.uuid,   r.name,  r.placement.simulator_id, r.host, r.port, r.loc_x, r.loc_y,
            r.size_x, r.size_y};
}

GridState GridState::from(const std::vector<api::Simulator>& simulators,
                          const std::vector<PlacedRegion>& regions) {
    GridState state;
    state.simulators_.reserve(simulators.size());
    for (const auto& s : simulators) {
        api::SimulatorSnapshot snapshot;
        snapshot.id = s.id;
        take_facts(snapshot, s);
        state.simulators_.push_back(std::move(snapshot));
    }
    std::sort(state.simulators_.begin(), state.simulators_.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    for (std::size_t i = 0; i < state.simulators_.size(); ++i) {
        state.simulator_index_.emplace(state.simulators_[i].id, i);
    }
    state.regions_.reserve(regions.size());
    for (const auto& region : regions) {
        state.add(region);
    }
    return state;
}

const api::SimulatorSnapshot* GridState::find_simulator(const std::string& id) const {
    const auto it = simulator_index_.find(id);
    return it == simulator_index_.end() ? nullptr : &simulators_[it->second];
}

const PlacedRegion* GridState::find_region(const std::string& name) const {
    const auto it = region_by_name_.find(name);
    return it == region_by_name_.end() ? nullptr : &regions_[it->second];
}

bool GridState::port_used(const std::string& host, int port) const {
    const auto it = ports_by_host_.find(host);
    return it != ports_by_host_.end() && it->second.count(port) != 0;
}

int GridState::free_port(const std::string& host, int low, int high) const {
    const auto it = ports_by_host_.find(host);
    if (it == ports_by_host_.end()) {
        return low;
    }
    int candidate = low;
    for (auto used = it->second.lower_bound(low); used != it->second.end() && *used <= candidate;
         ++used) {
        candidate = std::max(candidate, *used + 1);  // a duplicate (a moving region's port) once
    }
    return candidate <= high ? candidate : 0;
}

const PlacedRegion* GridState::region_at(int x, int y) const {
    const auto it = cells_.find(cell(x, y));
    return it == cells_.end() ? nullptr : &regions_[it->second];
}

bool GridState::footprint_free(int x, int y, int size_x, int size_y) const {
    return footprint_free(x, y, size_x, size_y, nullptr);
}

bool GridState::footprint_free(int x, int y, int size_x, int size_y, WorkBudget* budget) const {
    for (int dx = 0; dx < map_cells_of(size_x); ++dx) {
        for (int dy = 0; dy < map_cells_of(size_y); ++dy) {
            if (budget != nullptr) {
                budget->spend(1);
            }
            if (cells_.count(cell(x + dx, y + dy)) != 0) {
                return false;
            }
        }
    }
    return true;
}

std::unordered_map<std::string, int> GridState::neighbour_simulators(int x, int y, int size_x,
                                                                     int size_y) const {
    const int w = map_cells_of(size_x);
    const int h = map_cells_of(size_y);
    std::set<std::size_t> seen;
    auto look = [&](int cx, int cy) {
        if (cx < 0 || cy < 0) {
            return;
        }
        if (auto it = cells_.find(cell(cx, cy)); it != cells_.end()) {
            seen.insert(it->second);
        }
    };
    for (int dx = 0; dx < w; ++dx) {
        look(x + dx, y - 1);
        look(x + dx, y + h);
    }
    for (int dy = 0; dy < h; ++dy) {
        look(x - 1, y + dy);
        look(x + w, y + dy);
    }
    std::unordered_map<std::string, int> counts;
    for (auto slot : seen) {
        if (!regions_[slot].simulator_id.empty()) {
            ++counts[regions_[slot].simulator_id];
        }
    }
    return counts;
}

void GridState::add(const PlacedRegion& region) {
    std::size_t slot = regions_.size();
    if (free_slots_.empty()) {
        regions_.push_back(region);
    } else {
        slot = free_slots_.back();
        free_slots_.pop_back();
        regions_[slot] = region;
    }
    index_region(slot, true);
    if (journaling_) {
        journal_.regions.push_back(region.uuid);
    }
}

void GridState::remove(const std::string& uuid) {
    const auto it = region_by_uuid_.find(uuid);
    if (it == region_by_uuid_.end()) {
        return;
    }
    const std::size_t slot = it->second;
    index_region(slot, false);
    cells_freed(regions_[slot]);
    regions_[slot] = PlacedRegion{};
    free_slots_.push_back(slot);
    if (journaling_) {
        journal_.regions.push_back(uuid);
    }
}

void GridState::reserve(const std::string& simulator_id, const std::string& host, int port) {
    ports_by_host_[host].insert(port);
    if (auto it = simulator_index_.find(simulator_id); it != simulator_index_.end()) {
        ++simulators_[it->second].region_count;
        simulator_changed(it->second);
    }
    if (journaling_) {
        journal_.reservations.push_back({simulator_id, host, port});
    }
}

void GridState::unreserve(const std::string& simulator_id, const std::string& host, int port) {
    auto& ports = ports_by_host_[host];
    if (auto used = ports.find(port); used != ports.end()) {
        ports.erase(used);
    }
    if (auto it = simulator_index_.find(simulator_id); it != simulator_index_.end()) {
        --simulators_[it->second].region_count;
        simulator_changed(it->second);
    }
}

void GridState::put_simulator(const api::Simulator& s) {
    auto it = simulator_index_.find(s.id);
    if (it == simulator_index_.end()) {
        api::SimulatorSnapshot fresh;
        fresh.id = s.id;
        for (const auto& region : regions_) {
            if (!region.uuid.empty() && region.simulator_id == s.id) {
                ++fresh.region_count;
                fresh.region_names.push_back(region.name);
            }
        }
        const auto at =
            std::lower_bound(simulators_.begin(), simulators_.end(), s.id,
                             [](const auto& a, const std::string& id) { return a.id < id; });
        simulators_.insert(at, std::move(fresh));
        simulator_index_.clear();
        for (std::size_t i = 0; i < simulators_.size(); ++i) {
            simulator_index_.emplace(simulators_[i].id, i);
        }
        it = simulator_index_.find(s.id);
        simulator_changes_ = {{}, true};  // every later position moved
    }
    auto& snapshot = simulators_[it->second];
    take_facts(snapshot, s);
    simulator_changed(it->second);
}

void GridState::start_journal(Journal continued) {
    journaling_ = true;
    journal_ = std::move(continued);
}

GridState::Journal GridState::take_journal() {
    journaling_ = false;
    return std::exchange(journal_, {});
}

void GridState::index_region(std::size_t slot, bool present) {
    const PlacedRegion& region = regions_[slot];
    if (present) {
        region_by_uuid_[region.uuid] = slot;
        region_by_name_[region.name] = slot;
        ports_by_host_[region.host].insert(region.port);
    } else {
        region_by_uuid_.erase(region.uuid);
        region_by_name_.erase(region.name);
        auto& ports = ports_by_host_[region.host];
        if (auto port = ports.find(region.port); port != ports.end()) {
            ports.erase(port);  // one holder only
        }
    }
    for (int dx = 0; dx < map_cells_of(region.size_x); ++dx) {
        for (int dy = 0; dy < map_cells_of(region.size_y); ++dy) {
            if (present) {
                cells_[cell(region.loc_x + dx, region.loc_y + dy)] = slot;
            } else {
                cells_.erase(cell(region.loc_x + dx, region.loc_y + dy));
            }
        }
    }
    if (auto it = simulator_index_.find(region.simulator_id); it != simulator_index_.end()) {
        auto& simulator = simulators_[it->second];
        if (present) {
            ++simulator.region_count;
            simulator.region_names.push_back(region.name);
        } else {
            --simulator.region_count;
            std::erase(simulator.region_names, region.name);
        }
        simulator_changed(it->second);
    }
}

void GridState::simulator_changed(std::size_t position) {
    if (simulator_changes_.all) {
        return;
    }
    if (simulator_changes_.positions.size() >= simulators_.size()) {
        simulator_changes_ = {{}, true};  // a full re-rank costs no more than these
        return;
    }
    simulator_changes_.positions.push_back(position);
}

GridState::SimulatorChanges GridState::take_simulator_changes() {
    return std::exchange(simulator_changes_, SimulatorChanges{});
}

void GridState::cells_freed(const PlacedRegion& region) {
    const int rw = map_cells_of(region.size_x);
    const int rh = map_cells_of(region.size_y);
    for (auto& [search, floor] : taken_floors_) {
        // The corners of the footprints that overlapped the region's cells.
        const auto nearest = squared_distance_to(search.x, search.y, region.loc_x - search.w + 1,
                                                 region.loc_x + rw - 1, region.loc_y - search.h + 1,
                                                 region.loc_y + rh - 1);
        floor = std::min(floor, nearest);
    }
}

std::int64_t GridState::taken_floor(const FootprintSearch& search) const {
    const auto it = taken_floors_.find(search);
    return it == taken_floors_.end() ? 0 : it->second;
}

void GridState::note_taken_floor(const FootprintSearch& search, std::int64_t squared_distance) {
    if (taken_floors_.size() >= kRememberedSearches && !taken_floors_.contains(search)) {
        taken_floors_.clear();
    }
    taken_floors_[search] = squared_distance;
}

}  // namespace vergegrid::control
