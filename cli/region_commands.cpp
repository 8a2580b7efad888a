// region history, rollback, upgrade-template, move, stub, restart and settings.
#include <memory>

#include "cli/commands.hpp"
#include "cli/migration_wait.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

struct RegionArgs {
    std::string id;
    std::string version;
    std::string if_match;
    std::string to;  // move: the simulator id; empty = wherever the policy puts it
    bool force = false;
    bool warm = false;
    bool when_empty = false;
    int deadline_s = 0;  // 0 = the server's default
    std::string message;
    bool wait = false;
};

void show_change(Context& ctx, const std::string& verb, const Json& answer) {
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_change_summary(ctx.io.out, kRegion, verb, answer);
    }
}

void run_history(Context& ctx, const RegionArgs& args) {
    const Json answer = ctx.api().get(entity_path(ctx, kRegion, args.id) + "/history");
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_list(ctx.io.out, ctx.io.err, region_history_columns(), answer);
    }
}

void run_rollback(Context& ctx, const RegionArgs& args) {
    const Json body = {{"version", args.version}};
    show_change(ctx, "rolled back",
                ctx.api().send("POST", entity_path(ctx, kRegion, args.id) + "/rollback", body,
                               given(args.if_match)));
}

void run_upgrade(Context& ctx, const RegionArgs& args) {
    show_change(ctx, "upgraded",
                ctx.api().send("POST", entity_path(ctx, kRegion, args.id) + "/upgrade-template",
                               std::nullopt, given(args.if_match)));
}

Json move_body(const RegionArgs& args) {
    Json body = Json::object();
    if (!args.to.empty()) {
        body["simulator_id"] = args.to;
    }
    for (const auto& [key, on] : {std::pair{"force", args.force}, std::pair{"warm", args.warm},
                                  std::pair{"when_empty", args.when_empty}}) {
        if (on) {
            body[key] = true;
        }
    }
    if (args.deadline_s > 0) {
        body["deadline_s"] = args.deadline_s;
    }
    if (!args.message.empty()) {
        body["message"] = args.message;
    }
    return body;
}

// The move runs on the server (202); --wait follows it to its end, step by step.
void run_move(Context& ctx, const RegionArgs& args) {
    const Json answer = ctx.api().send("POST", entity_path(ctx, kRegion, args.id) + "/move",
                                       move_body(args), given(args.if_match));
    Json migration = answer.is_object() ? answer.value("migration", Json()) : Json();
    if (!args.wait) {
        if (ctx.structured()) {
            ctx.print(answer);
        } else {
            ctx.io.out << "started migration " << member_text(migration, "id") << ": "
                       << migration_summary(migration) << '\n';
        }
        return;
    }
    std::ostream& progress = ctx.structured() ? ctx.io.err : ctx.io.out;
    migration = wait_for_migration(ctx.api(), progress, member_text(migration, "id"));
    if (ctx.structured()) {
        ctx.print(migration);
    } else {
        ctx.io.out << migration_summary(migration) << '\n';
    }
    if (member_text(migration, "state") != "succeeded") {
        throw CliError(ExitCode::server_error, migration_summary(migration));
    }
}

void run_stub(Context& ctx, const RegionArgs& args) {
    ctx.io.out << ctx.api().get_text(entity_path(ctx, kRegion, args.id) + "/stub");
}

// A restart applies the fields waiting for one (pending_restart) along the way.
void run_restart(Context& ctx, const RegionArgs& args) {
    const Json answer =
        ctx.api().send("POST", entity_path(ctx, kRegion, args.id) + "/restart", std::nullopt);
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        ctx.io.out << "restart of region " << args.id << " queued (version "
                   << member_text(answer, "version") << ")\n";
    }
}

// How each simulator-facing field reaches a running region: GET /region-settings.
void run_settings(Context& ctx) {
    const Json answer = ctx.api().get("/region-settings");
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_table(ctx.io.out, region_settings_columns(),
                    answer.is_object() ? answer.value("fields", Json::array()) : Json::array());
    }
}

CLI::App* add_command(CLI::App& region, Context& ctx, const std::string& name,
                      const std::string& description, void (*runner)(Context&, const RegionArgs&),
                      const std::shared_ptr<RegionArgs>& args) {
    auto* command = region.add_subcommand(name, description);
    command->add_option("id", args->id, "region id or name")->required();
    command->callback(
        [&ctx, args, runner] { ctx.action = [&ctx, args, runner] { runner(ctx, *args); }; });
    return command;
}

void add_if_match(CLI::App& command, RegionArgs& args) {
    command
        .add_option("--if-match", args.if_match,
                    "fail with exit code 5 unless the region is still at this version")
        ->check(version_validator());
}

}  // namespace

void add_region_commands(CLI::App& region, Context& ctx) {
    add_command(region, ctx, "history", "every version of a region, oldest first", run_history,
                std::make_shared<RegionArgs>());

    auto rollback_args = std::make_shared<RegionArgs>();
    auto* rollback =
        add_command(region, ctx, "rollback", "make a new version whose spec equals an earlier one",
                    run_rollback, rollback_args);
    rollback->add_option("--version", rollback_args->version, "the version to return to")
        ->required()
        ->check(version_validator());
    add_if_match(*rollback, *rollback_args);

    auto upgrade_args = std::make_shared<RegionArgs>();
    auto* upgrade =
        add_command(region, ctx, "upgrade-template",
                    "move a region to its template's latest version", run_upgrade, upgrade_args);
    add_if_match(*upgrade, *upgrade_args);

    auto move_args = std::make_shared<RegionArgs>();
    auto* move = add_command(region, ctx, "move",
                             "move a region with its content: onto --to, or wherever the "
                             "placement policy puts it away from its current simulator",
                             run_move, move_args);
    move->add_option("--to", move_args->to, "the simulator id to move it to");
    move->add_flag("--force", move_args->force,
                   "move onto --to even when the placement policy refuses that simulator");
    move->add_flag("--warm", move_args->warm,
                   "a first snapshot while the region serves, then a short final one");
    move->add_flag("--when-empty", move_args->when_empty,
                   "wait for no avatars on the region (up to --deadline) instead of warning them");
    move->add_option("--deadline", move_args->deadline_s,
                     "seconds --when-empty waits before the move fails (server default 300)")
        ->check(CLI::Range(1, 3600));
    move->add_option("--message", move_args->message, "the warning avatars on the region get");
    move->add_flag("--wait", move_args->wait,
                   "follow the move until it ends, printing its steps and the downtime");
    add_if_match(*move, *move_args);

    add_command(region, ctx, "stub", "print the region's OpenSim Regions.ini section", run_stub,
                std::make_shared<RegionArgs>());
    add_command(region, ctx, "restart",
                "restart a region on its simulator, applying the fields pending a restart",
                run_restart, std::make_shared<RegionArgs>());

    auto* settings =
        region.add_subcommand("settings",
                              "how each region field reaches a running region: live, on-restart or "
                              "unsupported, and by what mechanism");
    settings->callback([&ctx] { ctx.action = [&ctx] { run_settings(ctx); }; });
}

}  // namespace vergegrid::cli
