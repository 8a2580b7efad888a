#include "snapshot_samples.hpp"

#include "sample_data.hpp"

namespace vergegrid::test::storage {

namespace api = plugin_api;

api::Snapshot sample_snapshot(int n, const std::string& region_id, const std::string& created_at,
                              std::int64_t operation_id) {
    api::Snapshot s;
    s.id = uuid(n);
    s.region_id = region_id;
    s.region_name = "Région ☀ " + std::to_string(n);
    s.region_version = api::SemVer{7, 11, 13};
    s.region_spec = R"({"name":"Région ☀","size_x":512,"lifecycle":"premium"})";
    s.lifecycle = "premium";
    s.simulator_id = "sim-" + std::to_string(n);
    s.parts = R"(["terrain","environment","parcels","flags","prims"])";
    s.state = "complete";
    s.size_bytes = 5'000'000'123LL;  // beyond 32 bits: a multi-gigabyte OAR
    s.sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    s.reason = "manual";
    s.note = "avant la fête – «note»";
    s.failure = "";
    s.actor = "operator-" + std::to_string(n);
    s.operation_id = operation_id;
    s.followup = R"({"action":"delete_region","region_id":")" + region_id + R"("})";
    s.created_at = created_at;
    s.updated_at = "2026-09-01T00:00:00.000Z";
    return s;
}

api::RegionStatePolicy sample_policy(const std::string& region_id, const std::string& lifecycle) {
    return {region_id, lifecycle,
            R"({"prims":true,"mesh":false,"script_state":true,"object_metadata":false,)"
            R"("texture_refs":true,"inventory_refs":false})"};
}

api::OperationProgress sample_progress(std::int64_t operation_id) {
    return {operation_id,     0.1,         6'442'450'944LL,
            10'737'418'240LL, "uploading", "2026-09-02T03:04:05.006Z"};
}

std::string dump(const api::Snapshot& s) {
    return "id=" + s.id + "\nregion_id=" + s.region_id + "\nregion_name=" + s.region_name +
           "\nregion_version=" + s.region_version.to_string() + "\nregion_spec=" + s.region_spec +
           "\nlifecycle=" + s.lifecycle + "\nsimulator_id=" + s.simulator_id +
           "\nparts=" + s.parts + "\nstate=" + s.state +
           "\nsize_bytes=" + std::to_string(s.size_bytes) + "\nsha256=" + s.sha256 +
           "\nreason=" + s.reason + "\nnote=" + s.note + "\nfailure=" + s.failure +
           "\nactor=" + s.actor + "\noperation_id=" + std::to_string(s.operation_id) +
           "\nfollowup=" + s.followup + "\ncreated_at=" + s.created_at +
           "\nupdated_at=" + s.updated_at + "\n";
}

std::string dump(const api::RegionStatePolicy& p) {
    return "region_id=" + p.region_id + "\nlifecycle=" + p.lifecycle +
           "\nstate_parts=" + p.state_parts + "\n";
}

std::string dump(const api::OperationProgress& p) {
    return "operation_id=" + std::to_string(p.operation_id) + "\nfraction=" + exact(p.fraction) +
           "\nbytes_done=" + std::to_string(p.bytes_done) +
           "\nbytes_total=" + std::to_string(p.bytes_total) + "\nphase=" + p.phase +
           "\nupdated_at=" + p.updated_at + "\n";
}

}  // namespace vergegrid::test::storage
