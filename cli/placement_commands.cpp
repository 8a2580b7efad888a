// placement policy [set NAME], placement plan, placement rebalance: the active policy, dry-run
// plans, and the moves that bring the grid back within the policy's thresholds.
#include <memory>

#include "cli/commands.hpp"
#include "cli/field_args.hpp"
#include "cli/migration_wait.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

struct PlanArgs {
    std::vector<std::string> assignments;
    std::string file;
};

void show_policy(Context& ctx, const Json& answer) {
    if (ctx.structured()) {
        ctx.print(answer);
        return;
    }
    std::string available;
    for (const auto& name : answer.value("available", Json::array())) {
        available += (available.empty() ? "" : ", ") + cell(name);
    }
    print_fields(ctx.io.out, {{"active", member_text(answer, "active")}, {"available", available}});
}

// One line per region: where it would go, or every simulator's refusal under it.
void show_plan(Context& ctx, const Json& answer) {
    if (ctx.structured()) {
        ctx.print(answer);
        return;
    }
    for (const auto& placement : answer.value("placements", Json::array())) {
        const std::string region = member_text(placement, "region");
        if (placement.value("placed", false)) {
            ctx.io.out << region << ": " << member_text(placement, "host") << ":"
                       << member_text(placement, "port") << " at <"
                       << member_text(placement, "loc_x") << "," << member_text(placement, "loc_y")
                       << "> on simulator " << member_text(placement, "simulator_id") << "\n";
            for (const auto& reason : placement.value("reasons", Json::array())) {
                ctx.io.out << "  " << cell(reason) << "\n";
            }
        } else {
            ctx.io.out << region << ": not placed: " << member_text(placement, "reason") << "\n";
            // A named copy: items() of a temporary would dangle.
            const Json refusals = placement.value("refusals", Json::object());
            for (const auto& [simulator, why] : refusals.items()) {
                ctx.io.out << "  " << simulator << ": " << cell(why) << "\n";
            }
        }
    }
}

struct RebalanceArgs {
    bool execute = false;
    int max_moves = 0;  // 0 = the server's default
};

// Dry run by default: the moves as a table; --execute starts them as a batch.
void run_rebalance(Context& ctx, const RebalanceArgs& args) {
    Json body = {{"dry_run", !args.execute}};
    if (args.max_moves > 0) {
        body["max_moves"] = args.max_moves;
    }
    const Json answer = ctx.api().send("POST", "/placement/rebalance", body);
    if (ctx.structured()) {
        ctx.print(answer);
        return;
    }
    const Json moves = answer.is_object() ? answer.value("moves", Json::array()) : Json::array();
    if (moves.empty()) {
        ctx.io.out << "the grid is within the policy's thresholds: nothing to move\n";
        return;
    }
    print_table(ctx.io.out, rebalance_columns(), moves);
    const Json batch = answer.value("batch", Json());
    if (batch.is_object()) {
        ctx.io.out << "started " << batch_summary(batch) << '\n';
    } else {
        ctx.io.out << "dry run: nothing moved (carry it out with --execute)\n";
    }
}

}  // namespace

void add_placement_commands(CLI::App& app, Context& ctx) {
    auto* placement = app.add_subcommand("placement", "the placement policy and dry-run plans");
    placement->require_subcommand(1);

    auto* policy = placement->add_subcommand("policy", "show the active placement policy");
    policy->require_subcommand(0, 1);
    policy->callback([&ctx, policy] {
        if (policy->get_subcommands().empty()) {
            ctx.action = [&ctx] { show_policy(ctx, ctx.api().get("/placement/policy")); };
        }
    });
    auto name = std::make_shared<std::string>();
    auto* set = policy->add_subcommand("set",
                                       "make another policy active (admin); decisions "
                                       "already running finish on the old one");
    set->add_option("name", *name, "basic-rules, spread, binpack, ...")->required();
    set->callback([&ctx, name] {
        ctx.action = [&ctx, name] {
            show_policy(ctx, ctx.api().send("PUT", "/placement/policy", Json{{"policy", *name}}));
        };
    });

    auto args = std::make_shared<PlanArgs>();
    auto* plan = placement->add_subcommand(
        "plan", "where a region (fields as for region create) would go and why; writes nothing");
    plan->add_option("--set", args->assignments, "a region field, key=value (repeatable)");
    plan->add_option("-f,--file", args->file,
                     "a JSON region, or {\"regions\":[...]} for a batch ('-' reads stdin)");
    plan->callback([&ctx, args] {
        ctx.action = [&ctx, args] {
            const Json body = request_body(args->assignments, given(args->file), ctx.io.in);
            show_plan(ctx, ctx.api().send("POST", "/placement/plan", body));
        };
    });

    auto rebalance_args = std::make_shared<RebalanceArgs>();
    auto* rebalance = placement->add_subcommand(
        "rebalance",
        "plan the moves that bring the grid back within the policy's thresholds "
        "(a dry run unless --execute)");
    rebalance->add_flag("--execute", rebalance_args->execute, "start the moves as a batch");
    rebalance
        ->add_option("--max-moves", rebalance_args->max_moves,
                     "the most moves planned (server default 10)")
        ->check(CLI::Range(1, 1000));
    rebalance->callback([&ctx, rebalance_args] {
        ctx.action = [&ctx, rebalance_args] { run_rebalance(ctx, *rebalance_args); };
    });
}

}  // namespace vergegrid::cli
