#include "control/rollouts/rollout_json.hpp"

#include <map>

#include "control/common/stored_json.hpp"

namespace vergegrid::control {

namespace {

nlohmann::json text_or_null(const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

const char* const kRegionStates[] = {"waiting",      "upgrading",   "upgraded", "failed",
                                     "rolling_back", "rolled_back", "skipped"};

nlohmann::json zero_counts() {
    nlohmann::json counts = nlohmann::json::object();
    for (const char* state : kRegionStates) {
        counts[state] = 0;
    }
    return counts;
}

// A wave's state for people: waiting (nothing started), running, done (every region upgraded or
// skipped), skipped (none started: the rollout stopped before), failed (a region failed),
// rolled_back.
std::string wave_state(const nlohmann::json& counts, int regions) {
    if (counts["rolled_back"].get<int>() > 0) {
        return "rolled_back";
    }
    if (counts["failed"].get<int>() > 0) {
        return "failed";
    }
    if (counts["skipped"].get<int>() == regions) {
        return "skipped";
    }
    if (counts["upgraded"].get<int>() + counts["skipped"].get<int>() == regions) {
        return "done";
    }
    return counts["waiting"].get<int>() == regions ? "waiting" : "running";
}

}  // namespace

nlohmann::json rollout_summary_json(const plugin_api::Rollout& rollout) {
    return {{"id", rollout.id},
            {"template_id", rollout.template_id},
            {"to_version", rollout.to_version},
            {"state", rollout.state},
            {"spec", stored_document_or_null(rollout.spec)},
            {"current_wave", rollout.current_wave + 1},
            {"next_wave_at", text_or_null(rollout.next_wave_at)},
            {"error", text_or_null(rollout.error)},
            {"actor", rollout.actor},
            {"created_at", rollout.created_at},
            {"updated_at", rollout.updated_at}};
}

nlohmann::json rollout_region_json(const plugin_api::RolloutRegion& region) {
    return {{"region_id", region.region_id},
            {"region_name", region.region_name},
            {"wave", region.wave + 1},
            {"state", region.state},
            {"from_version", region.from_version},
            {"to_version", text_or_null(region.to_version)},
            {"operation_id", region.operation_id == 0 ? nlohmann::json(nullptr)
                                                      : nlohmann::json(region.operation_id)},
            {"started_at", text_or_null(region.started_at)},
            {"finished_at", text_or_null(region.finished_at)},
            {"error", text_or_null(region.error)}};
}

nlohmann::json rollout_to_json(const plugin_api::Rollout& rollout,
                               const std::vector<plugin_api::RolloutRegion>& regions) {
    nlohmann::json out = rollout_summary_json(rollout);
    nlohmann::json totals = zero_counts();
    std::map<int, std::pair<nlohmann::json, int>> waves;  // wave -> counts, regions
    nlohmann::json listed = nlohmann::json::array();
    for (const auto& region : regions) {
        totals[region.state] = totals.value(region.state, 0) + 1;
        auto& [counts, size] = waves.try_emplace(region.wave, zero_counts(), 0).first->second;
        counts[region.state] = counts.value(region.state, 0) + 1;
        ++size;
        listed.push_back(rollout_region_json(region));
    }
    nlohmann::json wave_list = nlohmann::json::array();
    for (auto& [wave, entry] : waves) {
        auto& [counts, size] = entry;
        nlohmann::json item = counts;
        item["wave"] = wave + 1;
        item["regions"] = size;
        item["state"] = wave_state(counts, size);
        wave_list.push_back(std::move(item));
    }
    totals["total"] = regions.size();
    totals["waves"] = std::move(wave_list);
    out["progress"] = std::move(totals);
    out["regions"] = std::move(listed);
    return out;
}

}  // namespace vergegrid::control
