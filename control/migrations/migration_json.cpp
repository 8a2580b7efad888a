#include "control/migrations/migration_json.hpp"

#include "control/migrations/migration_record.hpp"

namespace vergegrid::control {

namespace {

nlohmann::json or_null(const nlohmann::json& detail, const char* key) {
    return detail.contains(key) ? detail[key] : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json migration_to_json(const plugin_api::Migration& m) {
    const auto detail = detail_of(m);
    nlohmann::json extra = detail;
    for (const char* shown :
         {"steps", "downtime_ms", "first_snapshot", "final_snapshot", "loss_window_s"}) {
        extra.erase(shown);
    }
    return {{"id", m.id},
            {"batch_id", m.batch_id},
            {"region_id", m.region_id},
            {"region_name", m.region_name},
            {"source_simulator_id", m.source_simulator_id},
            {"target_simulator_id", m.target_simulator_id},
            {"target_host", m.target_host},
            {"target_port", m.target_port},
            {"strategy", m.strategy},
            {"options", json_of(m.options)},
            {"state", m.state},
            {"plan", json_of(m.plan, true)},
            {"step", m.step},
            {"operation_id", m.operation_id},
            {"steps", detail["steps"]},
            {"downtime_ms", or_null(detail, "downtime_ms")},
            {"first_snapshot", or_null(detail, "first_snapshot")},
            {"final_snapshot", or_null(detail, "final_snapshot")},
            {"loss_window_s", or_null(detail, "loss_window_s")},
            {"detail", extra},
            {"error", m.error},
            {"actor", m.actor},
            {"created_at", m.created_at},
            {"updated_at", m.updated_at}};
}

nlohmann::json batch_to_json(const BatchView& view) {
    const auto& b = view.batch;
    auto moves = nlohmann::json::array();
    for (const auto& migration : view.migrations) {
        moves.push_back(migration_to_json(migration));
    }
    return {{"id", b.id},
            {"kind", b.kind},
            {"simulator_id", b.simulator_id},
            {"state", b.state},
            {"max_parallel", b.max_parallel},
            {"options", json_of(b.options)},
            {"actor", b.actor},
            {"created_at", b.created_at},
            {"updated_at", b.updated_at},
            {"progress",
             {{"total", view.total},
              {"done", view.done},
              {"failed", view.failed},
              {"cancelled", view.cancelled},
              {"running", view.running},
              {"left", view.left}}},
            {"migrations", std::move(moves)}};
}

}  // namespace vergegrid::control
