#include "sim_bridge/settings/field_report.hpp"

#include "region_settings/region_settings.hpp"

namespace vergegrid::bridge::settings {

nlohmann::json to_json(const FieldReports& reports) {
    nlohmann::json fields = nlohmann::json::object();
    for (const auto& [path, report] : reports) {
        nlohmann::json one = {
            {"status", report.status}, {"mechanism", report.mechanism}, {"value", report.value}};
        if (!report.reason.empty()) {
            one["reason"] = report.reason;
        }
        fields[path] = std::move(one);
    }
    return fields;
}

std::string first_failure(const FieldReports& reports) {
    for (const auto& [path, report] : reports) {
        if (report.status == region_settings::kFailed) {
            return path + ": " + report.reason;
        }
    }
    return {};
}

}  // namespace vergegrid::bridge::settings
