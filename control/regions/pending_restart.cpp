#include "control/regions/pending_restart.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "control/common/extensions.hpp"
#include "region_settings/region_settings.hpp"

namespace vergegrid::control {

namespace {

bool finished(const plugin_api::Operation& operation) {
    return operation.state == "succeeded" || operation.state == "failed";
}

bool contains(const std::vector<std::string>& paths, const std::string& path) {
    return std::find(paths.begin(), paths.end(), path) != paths.end();
}

// A restart closes the region and loads it again from its stub, a create loads it afresh:
// either applies every on-restart field, whether or not its result lists them (a bridge older
// than the field reports lists none).
bool reloads_region(const plugin_api::Operation& operation) {
    return operation.state == "succeeded" &&
           (operation.kind == "restart" || operation.kind == "create");
}

std::size_t table_rank(const std::string& path) {
    const auto& table = region_settings::kSettingFields;
    const auto it = std::find_if(table.begin(), table.end(),
                                 [&](const auto& field) { return field.path == path; });
    return static_cast<std::size_t>(it - table.begin());
}

}  // namespace

bool PendingRestartScan::take(const plugin_api::Operation& operation) {
    if (!finished(operation)) {
        return true;
    }
    // A result that is not JSON or has no "fields" says nothing about any field.
    const auto result = nlohmann::json::parse(operation.result, nullptr, false);
    if (result.is_object() && result.contains("fields") && result["fields"].is_object()) {
        for (const auto& [path, outcome] : result["fields"].items()) {
            if (contains(decided_, path)) {
                continue;
            }
            decided_.push_back(path);
            if (outcome.is_object() &&
                outcome.value("status", "") == region_settings::kPendingRestart) {
                pending_.push_back(path);
            }
        }
    }
    return !reloads_region(operation);
}

std::vector<std::string> PendingRestartScan::fields() const {
    auto sorted = pending_;
    std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
        const auto ra = table_rank(a);
        const auto rb = table_rank(b);
        return ra != rb ? ra < rb : a < b;
    });
    return sorted;
}

std::vector<std::string> pending_restart(plugin_api::StorageTransaction& tx,
                                         const std::string& region_uuid, int max_operations) {
    auto& operations = operation_store(tx);
    plugin_api::OperationFilter filter;
    filter.region_uuid = region_uuid;
    PendingRestartScan scan;
    std::int64_t before = 0;
    constexpr int kPage = 100;
    for (int read = 0; read < max_operations;) {
        const auto page = operations.list_operations(filter, before, kPage);
        for (const auto& operation : page) {
            if (!scan.take(operation)) {
                return scan.fields();
            }
        }
        read += static_cast<int>(page.size());
        if (static_cast<int>(page.size()) < kPage) {
            break;
        }
        before = page.back().id;
    }
    return scan.fields();
}

RegionRecord with_pending_restart(plugin_api::StorageTransaction& tx, RegionRecord record) {
    record.pending_restart = pending_restart(tx, record.uuid);
    return record;
}

}  // namespace vergegrid::control
