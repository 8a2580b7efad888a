// The command tree: each function adds its commands under `parent`. A command's parse callback
// only records Context::action; the action runs once parsing has succeeded.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "cli/context.hpp"
#include "cli/entity_kind.hpp"

namespace vergegrid::cli {

// list, get, create, update, delete
void add_entity_commands(CLI::App& parent, Context& ctx, const EntityKind& kind);
// region history, rollback, upgrade-template, move, stub, restart, settings
void add_region_commands(CLI::App& region, Context& ctx);
// template versions
void add_template_commands(CLI::App& tmpl, Context& ctx);
// audit list, verify, checkpoint
void add_audit_commands(CLI::App& app, Context& ctx);
// placement policy [set NAME], placement plan, placement rebalance
void add_placement_commands(CLI::App& app, Context& ctx);
// snapshot create, list, show, delete, restore, download
void add_snapshot_commands(CLI::App& app, Context& ctx);
// simulator list, get/show, cordon, uncordon, drain, evacuate, revoke, rotate-key,
// registration-token
void add_simulator_commands(CLI::App& app, Context& ctx);
// migration list, show, cancel; batch list, show, cancel
void add_migration_commands(CLI::App& app, Context& ctx);
// rollouts start, list, show, pause, resume, cancel
void add_rollout_commands(CLI::App& app, Context& ctx);
// operation list
void add_operation_commands(CLI::App& app, Context& ctx);
// cluster [show]
void add_cluster_commands(CLI::App& app, Context& ctx);
// events list, tail
void add_event_commands(CLI::App& app, Context& ctx);
// webhooks list, show, create, update, delete, test, deliveries; subscriptions list, deliveries
void add_webhook_commands(CLI::App& app, Context& ctx);
// blueprints list, show, plan, apply
void add_blueprint_commands(CLI::App& app, Context& ctx);
// user list, create, update; token list, create, delete
void add_user_commands(CLI::App& app, Context& ctx);
// watch operations
void add_watch_commands(CLI::App& app, Context& ctx);
// completion bash, completion zsh
void add_completion_commands(CLI::App& app, Context& ctx);
// openapi: the server's OpenAPI document
void add_openapi_command(CLI::App& app, Context& ctx);

// Checks a MAJOR.MINOR.PATCH version given on the command line.
const CLI::Validator& version_validator();
// An optional flag's value; empty means not given.
inline std::optional<std::string> given(const std::string& value) {
    return value.empty() ? std::nullopt : std::optional<std::string>(value);
}
// "/regions/<id>" for an id or a name.
std::string entity_path(Context& ctx, const EntityKind& kind, const std::string& id_or_name);

}  // namespace vergegrid::cli
