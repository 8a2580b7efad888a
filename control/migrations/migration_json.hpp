// The JSON of moves and batches in the API (docs/api.md "Migrations"): one place, used by the
// routes, the CLI's expectations and the web console.
#pragma once

#include <map>
#include <nlohmann/json.hpp>

#include "control/migrations/migration_service.hpp"
#include "vergegrid/plugin_api/storage_snapshots.hpp"

namespace vergegrid::control {

// {"id","batch_id","region_id","region_name","source_simulator_id","target_simulator_id",
//  "target_host","target_port","strategy","options":{...},"state","plan":[...],"step",
//  "operation_id","steps":[{"step","state","operation_id","started_at","finished_at","ms",
//  "detail"?}],"downtime_ms":N|null,"first_snapshot":{"id","size_bytes","ms"}|null,
//  "final_snapshot":{...}|null,"loss_window_s":N|null,"error","actor","created_at","updated_at"}
nlohmann::json migration_to_json(const plugin_api::Migration& migration);

// {"id","kind","simulator_id","state","max_parallel","options","actor","created_at","updated_at",
//  "progress":{"total","done","failed","running","left"},"migrations":[migration_to_json...]}
nlohmann::json batch_to_json(const BatchView& view);

}  // namespace vergegrid::control
