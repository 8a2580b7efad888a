// operation list: GET /operations (docs/api.md), newest first, filtered like the API.
#include <memory>

#include "cli/commands.hpp"
#include "cli/name_lookup.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

struct OperationListArgs {
    std::string simulator;
    std::string region;
    std::string state;
    int limit = 0;
    bool all = false;
};

void run_list(Context& ctx, const OperationListArgs& args) {
    Query query;
    if (!args.simulator.empty()) {
        query.emplace_back("simulator_id", args.simulator);
    }
    if (!args.region.empty()) {
        query.emplace_back("region_id", resolve_id(ctx.api(), kRegion, args.region));
    }
    if (!args.state.empty()) {
        query.emplace_back("state", args.state);
    }
    ListOptions options;
    if (args.limit > 0) {
        options.limit = args.limit;
    }
    options.all = args.all;
    options.cursor_param = "before";  // newest first: the cursor moves back in time
    const Json answer = ctx.api().list("/operations", query, options);
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_list(ctx.io.out, ctx.io.err, operation_columns(), answer);
    }
}

}  // namespace

void add_operation_commands(CLI::App& app, Context& ctx) {
    auto* operation = app.add_subcommand("operation", "the operations simulators apply");
    operation->require_subcommand(1);
    auto args = std::make_shared<OperationListArgs>();
    auto* list = operation->add_subcommand("list", "operations, newest first");
    list->add_option("--simulator", args->simulator, "only this simulator's (id)");
    list->add_option("--region", args->region, "only this region's (id or name)");
    list->add_option("--state", args->state, "only in this state")
        ->check(CLI::IsMember({"pending", "delivered", "succeeded", "failed"}));
    list->add_option("--limit", args->limit,
                     "page size: the most items shown (with --all, per request)")
        ->check(CLI::Range(1, kMaxPageSize));
    list->add_flag("--all", args->all, "follow the server's cursors and list every item");
    list->callback([&ctx, args] { ctx.action = [&ctx, args] { run_list(ctx, *args); }; });
}

}  // namespace vergegrid::cli
