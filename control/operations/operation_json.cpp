#include "control/operations/operation_json.hpp"

#include "control/common/stored_json.hpp"

namespace vergegrid::control {

nlohmann::json operation_to_json(const plugin_api::Operation& o,
                                 const plugin_api::OperationProgress* progress) {
    return {
        {"id", o.id},
        {"simulator_id", o.simulator_id},
        {"region_id", o.region_uuid},
        {"kind", o.kind},
        {"class", o.op_class},
        {"region_version", o.region_version.to_string()},
        {"spec", stored_document_or_null(o.spec)},
        {"state", o.state},
        {"attempts", o.attempts},
        {"result", stored_document_or_null(o.result)},
        {"created_at", o.created_at},
        {"updated_at", o.updated_at},
        {"due_at", o.due_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.due_at)},
        {"progress", progress == nullptr ? nlohmann::json(nullptr)
                                         : nlohmann::json{{"fraction", progress->fraction},
                                                          {"bytes_done", progress->bytes_done},
                                                          {"bytes_total", progress->bytes_total},
                                                          {"phase", progress->phase}}}};
}

}  // namespace vergegrid::control
