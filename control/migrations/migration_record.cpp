#include "control/migrations/migration_record.hpp"

#include <chrono>
#include <ctime>

#include "control/migrations/migration_json.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::control {

nlohmann::json options_to_json(const MoveOptions& options, bool evacuate) {
    return {{"warm", options.warm},
            {"when_empty", options.when_empty},
            {"deadline_s", options.deadline_s},
            {"message", options.message},
            {"force", options.force},
            {"evacuate", evacuate}};
}

MoveOptions options_from_json(const nlohmann::json& options) {
    MoveOptions parsed;
    if (!options.is_object()) {
        return parsed;
    }
    parsed.warm = options.value("warm", false);
    parsed.when_empty = options.value("when_empty", false);
    parsed.deadline_s = options.value("deadline_s", 300);
    parsed.message = options.value("message", "");
    parsed.force = options.value("force", false);
    return parsed;
}

nlohmann::json json_of(const std::string& text, bool array) {
    try {
        auto parsed = strict_json::parse(text);
        if (array ? parsed.is_array() : parsed.is_object()) {
            return parsed;
        }
    } catch (const std::exception&) {
    }
    return array ? nlohmann::json::array() : nlohmann::json::object();
}

std::vector<std::string> plan_of(const plugin_api::Migration& migration) {
    std::vector<std::string> steps;
    for (const auto& step : json_of(migration.plan, true)) {
        if (step.is_string()) {
            steps.push_back(step.get<std::string>());
        }
    }
    return steps;
}

nlohmann::json detail_of(const plugin_api::Migration& migration) {
    auto detail = json_of(migration.detail);
    if (!detail.contains("steps") || !detail["steps"].is_array()) {
        detail["steps"] = nlohmann::json::array();
    }
    return detail;
}

bool plan_has(const plugin_api::Migration& migration, plugin_api::MigrationStep step) {
    const auto steps = plan_of(migration);
    return std::find(steps.begin(), steps.end(), plugin_api::to_string(step)) != steps.end();
}

namespace {

// "2026-11-26T21:48:00.123Z" as milliseconds since the epoch (0 when it is not one).
std::int64_t epoch_ms(const std::string& when) {
    std::tm tm{};
    int millis = 0;
    if (std::sscanf(when.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
                    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) < 6) {
        return 0;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000 + millis;
}

}  // namespace

std::int64_t ms_between(const std::string& from, const std::string& to) {
    return epoch_ms(to) - epoch_ms(from);
}

void open_step(nlohmann::json& detail, const std::string& step, std::int64_t operation_id,
               const std::string& now) {
    detail["steps"].push_back({{"step", step},
                               {"operation_id", operation_id},
                               {"state", "running"},
                               {"started_at", now},
                               {"finished_at", nullptr},
                               {"ms", nullptr}});
}

void close_step(nlohmann::json& detail, const std::string& state, const nlohmann::json& result,
                const std::string& now) {
    auto& steps = detail["steps"];
    if (steps.empty() || steps.back().value("state", "") != "running") {
        return;
    }
    auto& entry = steps.back();
    entry["state"] = state;
    entry["finished_at"] = now;
    entry["ms"] = ms_between(entry.value("started_at", now), now);
    if (!result.is_null() && !(result.is_object() && result.empty())) {
        entry["detail"] = result;
    }
}

std::string step_started_at(const nlohmann::json& detail) {
    const auto& steps = detail["steps"];
    if (steps.empty() || steps.back().value("state", "") != "running") {
        return "";
    }
    return steps.back().value("started_at", "");
}

DomainEvent migration_event(const std::string& verb, const plugin_api::Migration* before,
                            const plugin_api::Migration& after) {
    return {"migration." + verb, "migration", after.id,
            before != nullptr ? migration_to_json(*before) : nlohmann::json(nullptr),
            migration_to_json(after)};
}

DomainEvent batch_event(const std::string& verb, const plugin_api::MigrationBatch& batch) {
    return {"migration_batch." + verb,
            "migration_batch",
            batch.id,
            nullptr,
            {{"id", batch.id},
             {"kind", batch.kind},
             {"simulator_id", batch.simulator_id},
             {"state", batch.state},
             {"max_parallel", batch.max_parallel}}};
}

bool switched(const plugin_api::Migration& migration) {
    return json_of(migration.detail).contains("switched_at");
}

std::string result_error(const std::string& result, const std::string& fallback) {
    const auto report = json_of(result);
    if (report.contains("error") && report["error"].is_string()) {
        return report["error"].get<std::string>();
    }
    return fallback;
}

nlohmann::json result_detail(const std::string& result) {
    auto report = json_of(result);
    if (report.contains("detail") && report["detail"].is_object()) {
        return report["detail"];
    }
    return report;
}

}  // namespace vergegrid::control
