#include "migration_samples.hpp"

#include "sample_data.hpp"

namespace vergegrid::test::storage {

namespace api = plugin_api;

api::Migration sample_migration(int n, const std::string& region_id, const std::string& created_at,
                                std::int64_t operation_id, const std::string& batch_id) {
    api::Migration m;
    m.id = uuid(n);
    m.batch_id = batch_id;
    m.region_id = region_id;
    m.region_name = "Région ☀ " + std::to_string(n);
    m.source_simulator_id = "sim-a";
    m.target_simulator_id = "sim-b";
    m.target_host = "sim-b.grid.example";
    m.target_port = 9000 + n;
    m.strategy = "oar";
    m.options =
        R"({"warm":true,"when_empty":false,"deadline_s":300,"message":"Déménagement «bientôt»",)"
        R"("force":false,"evacuate":false})";
    m.state = "running";
    m.plan = R"(["check_agents","snapshot_first","create_target","load_first","snapshot_final",)"
             R"("load_final","switch_over","teardown_source"])";
    m.step = operation_id == 0 ? "" : "snapshot_first";
    m.operation_id = operation_id;
    m.detail =
        R"({"steps":[{"step":"check_agents","operation_id":4,"state":"succeeded",)"
        R"("started_at":"2026-09-01T10:00:00.000Z","finished_at":"2026-09-01T10:00:00.250Z",)"
        R"("ms":250,"detail":{"agents":0,"warned":false,"waited_ms":0}}],"agents":0})";
    m.error = "";
    m.actor = "operator-" + std::to_string(n);
    m.created_at = created_at;
    m.updated_at = "2026-09-01T00:00:00.000Z";
    return m;
}

api::MigrationBatch sample_batch(int n, const std::string& simulator_id,
                                 const std::string& created_at) {
    api::MigrationBatch b;
    b.id = uuid(n);
    b.kind = simulator_id.empty() ? "rebalance" : "drain";
    b.simulator_id = simulator_id;
    b.state = "running";
    b.max_parallel = 3;
    b.options = R"({"warm":true,"message":"Wartung – «bald»"})";
    b.actor = "operator-" + std::to_string(n);
    b.created_at = created_at;
    b.updated_at = "2026-09-01T00:00:00.000Z";
    return b;
}

std::string dump(const api::Migration& m) {
    return "id=" + m.id + "\nbatch_id=" + m.batch_id + "\nregion_id=" + m.region_id +
           "\nregion_name=" + m.region_name + "\nsource_simulator_id=" + m.source_simulator_id +
           "\ntarget_simulator_id=" + m.target_simulator_id + "\ntarget_host=" + m.target_host +
           "\ntarget_port=" + std::to_string(m.target_port) + "\nstrategy=" + m.strategy +
           "\noptions=" + m.options + "\nstate=" + m.state + "\nplan=" + m.plan +
           "\nstep=" + m.step + "\noperation_id=" + std::to_string(m.operation_id) +
           "\ndetail=" + m.detail + "\nerror=" + m.error + "\nactor=" + m.actor +
           "\ncreated_at=" + m.created_at + "\nupdated_at=" + m.updated_at + "\n";
}

std::string dump(const api::MigrationBatch& b) {
    return "id=" + b.id + "\nkind=" + b.kind + "\nsimulator_id=" + b.simulator_id +
           "\nstate=" + b.state + "\nmax_parallel=" + std::to_string(b.max_parallel) +
           "\noptions=" + b.options + "\nactor=" + b.actor + "\ncreated_at=" + b.created_at +
           "\nupdated_at=" + b.updated_at + "\n";
}

}  // namespace vergegrid::test::storage
