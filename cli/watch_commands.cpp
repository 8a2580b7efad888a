// watch operations: a live view of GET /operations (cli/operation_watch.hpp), filtered with the
// words of `operation list`.
#include <memory>

#include "cli/commands.hpp"
#include "cli/name_lookup.hpp"
#include "cli/operation_watch.hpp"

namespace vergegrid::cli {

namespace {

struct WatchArgs {
    std::string simulator;
    std::string region;
    std::vector<std::string> states;
    int limit = 50;
};

void run_watch(Context& ctx, const WatchArgs& args) {
    WatchOptions options;
    if (!args.simulator.empty()) {
        options.query.emplace_back("simulator_id",
                                   resolve_id(ctx.api(), kSimulator, args.simulator));
    }
    if (!args.region.empty()) {
        options.query.emplace_back("region_id", resolve_id(ctx.api(), kRegion, args.region));
    }
    options.states = args.states;
    options.limit = args.limit;
    watch_operations(ctx, options);
}

}  // namespace

void add_watch_commands(CLI::App& app, Context& ctx) {
    auto* watch = app.add_subcommand("watch", "follow live what changes (until Ctrl-C)");
    watch->require_subcommand(1);
    auto args = std::make_shared<WatchArgs>();
    auto* operations = watch->add_subcommand(
        "operations",
        "the newest operations, kept current as they are queued (pending), delivered, succeed "
        "or fail");
    operations->add_option("--simulator", args->simulator,
                           "only this simulator's (hostname or id)");
    operations->add_option("--region", args->region, "only this region's (name or id)");
    operations->add_option("--state", args->states, "only in these states (repeat, or a,b)")
        ->delimiter(',')
        ->check(CLI::IsMember({"pending", "delivered", "succeeded", "failed"}));
    operations
        ->add_option("--limit", args->limit, "how many of the newest are watched (default 50)")
        ->check(CLI::Range(1, kMaxPageSize));
    operations->callback([&ctx, args] { ctx.action = [&ctx, args] { run_watch(ctx, *args); }; });
}

}  // namespace vergegrid::cli
