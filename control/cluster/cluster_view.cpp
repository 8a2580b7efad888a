#include "control/cluster/cluster_view.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>
#include <vector>

#include "control/common/clock.hpp"

namespace vergegrid::control {

nlohmann::json describe_cluster(const ClusterContext& context) {
    auto rows = context.store.read([](plugin_api::StorageTransaction& tx) {
        auto* replicas = replica_store(tx);
        return replicas ? replicas->list_replicas() : std::vector<plugin_api::Replica>{};
    });
    const auto now = now_iso8601();
    const auto live_since = iso8601_plus_seconds(now, -context.failover.count());
    plugin_api::Replica self{context.self.id,
                             context.self.name ? context.self.name() : "",
                             context.self.url ? context.self.url() : "",
                             context.self.version,
                             context.self.started_at,
                             now,
                             context.leadership->leading()};
    const auto mine =
        std::find_if(rows.begin(), rows.end(), [&](const auto& row) { return row.id == self.id; });
    if (mine != rows.end()) {
        *mine = self;
    } else {
        rows.push_back(self);
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return std::tie(a.started_at, a.id) < std::tie(b.started_at, b.id);
    });
    // This process knows whether it leads; of the others, a live row that led at its last beat
    // (the latest such, should a hand-over be under way).
    const plugin_api::Replica* leader = nullptr;
    for (const auto& row : rows) {
        if (self.leading ? row.id == self.id
                         : row.leading && row.seen_at >= live_since &&
                               (leader == nullptr || row.seen_at > leader->seen_at)) {
            leader = &row;
        }
    }
    auto items = nlohmann::json::array();
    for (const auto& row : rows) {
        items.push_back({{"id", row.id},
                         {"name", row.name},
                         {"url", row.url},
                         {"version", row.version},
                         {"started_at", row.started_at},
                         {"seen_at", row.seen_at},
                         {"leading", leader == &row},
                         {"live", row.seen_at >= live_since}});
    }
    return {{"replica", self.id},
            {"leader", leader ? nlohmann::json(leader->id) : nlohmann::json(nullptr)},
            {"coordination", context.coordination},
            {"failover_s", context.failover.count()},
            {"items", items}};
}

}  // namespace vergegrid::control
