// The parts of a Migration record kept as JSON text (options, plan, detail), read and written in
// one place, and the events a move records.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/domain/domain_event.hpp"
#include "control/migrations/migration_service.hpp"
#include "vergegrid/plugin_api/migration.hpp"
#include "vergegrid/plugin_api/storage_migrations.hpp"

namespace vergegrid::control {

nlohmann::json options_to_json(const MoveOptions& options, bool evacuate);
MoveOptions options_from_json(const nlohmann::json& options);
// The text of the record's JSON fields; a damaged one (written by this program) reads as {}/[].
nlohmann::json json_of(const std::string& text, bool array = false);

std::vector<std::string> plan_of(const plugin_api::Migration& migration);
nlohmann::json detail_of(const plugin_api::Migration& migration);
bool plan_has(const plugin_api::Migration& migration, plugin_api::MigrationStep step);

// Milliseconds from `from` to `to`, both from now_iso8601().
std::int64_t ms_between(const std::string& from, const std::string& to);

// The detail's entry of a step: opened when the step starts, closed with its outcome.
void open_step(nlohmann::json& detail, const std::string& step, std::int64_t operation_id,
               const std::string& now);
void close_step(nlohmann::json& detail, const std::string& state, const nlohmann::json& result,
                const std::string& now);
// When the running step started ("" when none is open).
std::string step_started_at(const nlohmann::json& detail);

// "migration.<verb>", with the record before and after.
DomainEvent migration_event(const std::string& verb, const plugin_api::Migration* before,
                            const plugin_api::Migration& after);
DomainEvent batch_event(const std::string& verb, const plugin_api::MigrationBatch& batch);

// Whether the move went through its switch (the region is the target's now).
bool switched(const plugin_api::Migration& migration);

// The error an operation's result names ("error" of its report), or `fallback`.
std::string result_error(const std::string& result, const std::string& fallback);
// The report's detail object ("detail" of the report, or the report itself).
nlohmann::json result_detail(const std::string& result);

}  // namespace vergegrid::control
