// migration list|show|cancel and batch list|show|cancel: region moves with their content and the
// batches (drain, evacuate, rebalance) that carry many of them (docs/api.md "Migrations").
#include <memory>

#include "cli/commands.hpp"
#include "cli/migration_wait.hpp"
#include "cli/name_lookup.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

struct MigrationArgs {
    std::string id;
    std::string region;  // id or name
    std::string batch;
    std::string state;
    std::string simulator;
    int limit = 0;
    bool all = false;
};

void run_list(Context& ctx, const MigrationArgs& args) {
    Query query;
    if (!args.region.empty()) {
        query.emplace_back("region_id", looks_like_uuid(args.region)
                                            ? args.region
                                            : resolve_id(ctx.api(), kRegion, args.region));
    }
    for (const auto& [key, value] :
         {std::pair{"batch_id", &args.batch}, std::pair{"state", &args.state},
          std::pair{"simulator_id", &args.simulator}}) {
        if (!value->empty()) {
            query.emplace_back(key, *value);
        }
    }
    ListOptions options;
    options.cursor_param = "before";
    if (args.limit > 0) {
        options.limit = args.limit;
    }
    options.all = args.all;
    const Json answer = ctx.api().list("/migrations", query, options);
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_list(ctx.io.out, ctx.io.err, migration_columns(), answer);
    }
}

void run_show(Context& ctx, const MigrationArgs& args) {
    const Json migration = ctx.api().get("/migrations/" + path_segment(args.id));
    if (ctx.structured()) {
        ctx.print(migration);
    } else {
        print_migration(ctx.io.out, migration);
    }
}

void run_cancel(Context& ctx, const MigrationArgs& args) {
    const Json migration =
        ctx.api().send("POST", "/migrations/" + path_segment(args.id) + "/cancel", std::nullopt);
    if (ctx.structured()) {
        ctx.print(migration);
    } else {
        ctx.io.out << migration_summary(migration) << '\n';
    }
}

void run_batch_list(Context& ctx, const MigrationArgs& args) {
    Query query;
    if (!args.simulator.empty()) {
        query.emplace_back("simulator_id", args.simulator);
    }
    ListOptions options;
    options.cursor_param = "before";
    if (args.limit > 0) {
        options.limit = args.limit;
    }
    options.all = args.all;
    const Json answer = ctx.api().list("/migration-batches", query, options);
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_list(ctx.io.out, ctx.io.err, batch_columns(), answer);
    }
}

void show_batch(Context& ctx, const Json& batch) {
    if (ctx.structured()) {
        ctx.print(batch);
        return;
    }
    ctx.io.out << batch_summary(batch) << '\n';
    print_table(ctx.io.out, migration_columns(),
                batch.is_object() ? batch.value("migrations", Json::array()) : Json::array());
}

void run_batch_show(Context& ctx, const MigrationArgs& args) {
    show_batch(ctx, ctx.api().get("/migration-batches/" + path_segment(args.id)));
}

void run_batch_cancel(Context& ctx, const MigrationArgs& args) {
    show_batch(ctx,
               ctx.api().send("POST", "/migration-batches/" + path_segment(args.id) + "/cancel",
                              std::nullopt));
}

using MigrationRunner = void (*)(Context&, const MigrationArgs&);

CLI::App* add(CLI::App& parent, Context& ctx, const std::string& name,
              const std::string& description, MigrationRunner runner,
              const std::shared_ptr<MigrationArgs>& args) {
    auto* command = parent.add_subcommand(name, description);
    command->callback(
        [&ctx, args, runner] { ctx.action = [&ctx, args, runner] { runner(ctx, *args); }; });
    return command;
}

void add_by_id(CLI::App& parent, Context& ctx, const std::string& name,
               const std::string& description, MigrationRunner runner, const std::string& what) {
    auto args = std::make_shared<MigrationArgs>();
    add(parent, ctx, name, description, runner, args)
        ->add_option("id", args->id, what + " id")
        ->required();
}

}  // namespace

void add_migration_commands(CLI::App& app, Context& ctx) {
    auto* migration =
        app.add_subcommand("migration", "region moves with their content (region move starts one)");
    migration->require_subcommand(1);
    auto list_args = std::make_shared<MigrationArgs>();
    auto* list = add(*migration, ctx, "list", "list moves, newest first", run_list, list_args);
    list->add_option("--region", list_args->region, "only this region's (id or name)");
    list->add_option("--batch", list_args->batch, "only the moves of this batch");
    list->add_option("--state", list_args->state,
                     "queued, running, rolling_back, succeeded, failed or cancelled");
    list->add_option("--simulator", list_args->simulator, "only moves from or to this simulator");
    list->add_option("--limit", list_args->limit, "page size: the most items shown")
        ->check(CLI::Range(1, kMaxPageSize));
    list->add_flag("--all", list_args->all, "follow the server's cursors and list every item");
    add_by_id(*migration, ctx, "show", "show a move with its steps and downtime", run_show,
              "migration");
    add_by_id(*migration, ctx, "cancel", "stop a move before its switch: the source keeps serving",
              run_cancel, "migration");

    // The API's word (/migration-batches), and the short one operators type.
    auto* batch = app.add_subcommand(
        "migration-batch", "batches of moves: a simulator's drain or evacuation, a rebalance");
    batch->alias("batch");
    batch->require_subcommand(1);
    auto batch_args = std::make_shared<MigrationArgs>();
    auto* batch_list =
        add(*batch, ctx, "list", "list batches, newest first", run_batch_list, batch_args);
    batch_list->add_option("--simulator", batch_args->simulator, "only this simulator's");
    batch_list->add_option("--limit", batch_args->limit, "page size: the most items shown")
        ->check(CLI::Range(1, kMaxPageSize));
    batch_list->add_flag("--all", batch_args->all,
                         "follow the server's cursors and list every item");
    add_by_id(*batch, ctx, "show", "show a batch: progress (done/failed/left) and its moves",
              run_batch_show, "batch");
    add_by_id(*batch, ctx, "cancel", "start no further move of a batch (running ones finish)",
              run_batch_cancel, "batch");
}

}  // namespace vergegrid::cli
