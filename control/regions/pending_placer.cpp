#include "control/regions/pending_placer.hpp"

#include "control/common/extensions.hpp"
#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

namespace {
const Actor kPlacer{"system:placement", ""};
}  // namespace

int place_pending_regions(const Store& store, const RegionService& regions, int max_regions) {
    const auto queue = store.read([&](plugin_api::StorageTransaction& tx) {
        auto* pending = pending_store(tx);
        return pending == nullptr ? std::vector<plugin_api::PendingPlacement>{}
                                  : pending->list_pending(max_regions);
    });
    int placed = 0;
    for (const auto& waiting : queue) {
        if (regions.place_pending(kPlacer, waiting.region_id).value) {
            ++placed;
        }
    }
    return placed;
}

PendingPlacer::PendingPlacer(Store store, RegionService regions,
                             std::shared_ptr<spdlog::logger> log, std::chrono::milliseconds sweep,
                             std::shared_ptr<const Leadership> leadership)
    : store_(std::move(store)),
      regions_(std::move(regions)),
      log_(std::move(log)),
      leadership_(std::move(leadership)),
      thread_(sweep, [this] { tick(); }) {}

void PendingPlacer::tick() {
    if (!may_lead(leadership_.get())) {
        return;
    }
    try {
        const int placed = place_pending_regions(store_, regions_, kRegionsPerPass);
        if (placed > 0) {
            log_->info("placed {} pending region(s)", placed);
        }
        if (placed == kRegionsPerPass) {
            thread_.wake();  // more may wait: another bounded pass, after other work had a turn
        }
    } catch (const std::exception& e) {
        log_->warn("pending regions not placed this time: {}", e.what());
    }
}

void PendingPlacementWake::connect(std::function<void()> wake) {
    const std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
}

void PendingPlacementWake::consume(Changes&, const DomainEvent& event) {
    if (!wakers().contains(event.type)) {
        return;
    }
    const std::lock_guard lock(mutex_);
    if (wake_) {
        wake_();
    }
}

const std::set<std::string>& PendingPlacementWake::wakers() {
    // Room on a simulator: it registers (or re-registers with more capacity), comes online, is
    // uncordoned or repaired; a region leaves one (deleted, moved) or changes (a pending one's
    // own needs, or a placed one's labels or size); another placement policy is swapped in.
    static const std::set<std::string> types{
        "simulator.register", "simulator.online", "simulator.uncordon",
        "simulator.repair",   "region.delete",    "region.move",
        "region.update",      "region.rollback",  "placement.policy"};
    return types;
}

}  // namespace vergegrid::control
