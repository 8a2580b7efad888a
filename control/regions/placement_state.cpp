#include "control/regions/placement_state.hpp"

#include <unordered_map>

#include "control/common/extensions.hpp"
#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

namespace {
// A grid of thousands of simulators would otherwise store a reason per simulator per region.
constexpr std::size_t kMaxReasons = 20;
}  // namespace

bool is_pending(plugin_api::StorageTransaction& tx, const std::string& region_id) {
    auto* store = pending_store(tx);
    return store != nullptr && !store->pending_of({region_id}).empty();
}

RegionRecord with_placement_state(plugin_api::StorageTransaction& tx, RegionRecord record) {
    if (auto* store = pending_store(tx)) {
        const auto rows = store->pending_of({record.uuid});
        record.placement_pending = !rows.empty();
        record.placement_reasons = rows.empty() ? std::vector<std::string>{} : rows.front().reasons;
    }
    return record;
}

void fill_placement_states(plugin_api::StorageTransaction& tx, std::vector<RegionRecord>& records) {
    auto* store = pending_store(tx);
    if (store == nullptr || records.empty()) {
        return;
    }
    std::vector<std::string> ids;
    ids.reserve(records.size());
    for (const auto& record : records) {
        ids.push_back(record.uuid);
    }
    std::unordered_map<std::string, std::vector<std::string>> reasons;
    for (auto& row : store->pending_of(ids)) {
        reasons.emplace(row.region_id, std::move(row.reasons));
    }
    for (auto& record : records) {
        if (auto it = reasons.find(record.uuid); it != reasons.end()) {
            record.placement_pending = true;
            record.placement_reasons = it->second;
        }
    }
}

void refuse_pending(plugin_api::StorageTransaction& tx, const std::string& region_id,
                    const std::string& what) {
    if (is_pending(tx, region_id)) {
        throw DomainError::conflict("region_pending",
                                    "the region is pending: no simulator has taken it yet, so " +
                                        what +
                                        " cannot run (see placement_reasons; it is placed as soon "
                                        "as a simulator can take it)",
                                    "placement_state");
    }
}

std::vector<std::string> refusal_reasons(const Decision& decision) {
    std::vector<std::string> reasons;
    for (const auto& [simulator, why] : decision.refusals) {
        if (reasons.size() == kMaxReasons) {
            reasons.push_back("(and " + std::to_string(decision.refusals.size() - kMaxReasons) +
                              " more simulators; POST /api/v1/placement/plan lists all)");
            break;
        }
        reasons.push_back(simulator + ": " + why);
    }
    if (reasons.empty()) {
        reasons.push_back(decision.summary.empty() ? "no simulator can take the region"
                                                   : decision.summary);
    }
    return reasons;
}

}  // namespace vergegrid::control
