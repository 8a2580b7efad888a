#include "control/snapshots/snapshot_json.hpp"

#include "control/common/stored_json.hpp"

namespace vergegrid::control {

namespace {

nlohmann::json text_or_null(const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

nlohmann::json snapshot_to_json(const plugin_api::Snapshot& s) {
    const auto parts = stored_document_or_null(s.parts);
    return {{"id", s.id},
            {"region_id", s.region_id},
            {"region_name", s.region_name},
            {"region_version", s.region_version.to_string()},
            {"lifecycle", s.lifecycle},
            {"simulator_id", text_or_null(s.simulator_id)},
            {"parts", parts.is_null() ? nlohmann::json::array() : parts},
            {"state", s.state},
            {"size_bytes", s.size_bytes},
            {"sha256", text_or_null(s.sha256)},
            {"reason", s.reason},
            {"note", s.note},
            {"failure", text_or_null(s.failure)},
            {"actor", s.actor},
            {"operation_id",
             s.operation_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(s.operation_id)},
            {"created_at", s.created_at},
            {"updated_at", s.updated_at}};
}

nlohmann::json progress_to_json(const plugin_api::OperationProgress& p) {
    return {{"fraction", p.fraction},
            {"bytes_done", p.bytes_done},
            {"bytes_total", p.bytes_total},
            {"phase", p.phase},
            {"updated_at", p.updated_at}};
}

}  // namespace vergegrid::control
