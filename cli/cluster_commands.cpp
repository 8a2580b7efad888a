// cluster [show]: the control-plane replicas sharing the database (GET /cluster, docs/api.md),
// which one leads and which one answered.
#include "cli/answer_check.hpp"
#include "cli/commands.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

const AnswerCheck checker("the server's cluster answer");

// The members the view reads its words from; display-only members (name, url, version, times)
// may be missing and show as "-".
void check_cluster(const Json& answer) {
    checker.require_object(answer);
    checker.require(answer, "", "replica", is_string, "a string");
    checker.require(answer, "", "leader", is_string_or_null, "a string or null");
    checker.require(answer, "", "coordination", is_string, "a string");
    checker.require(answer, "", "items", is_array, "an array");
    const Json& items = answer["items"];
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string where = "items[" + std::to_string(i) + "].";
        if (!items[i].is_object()) {
            checker.odd("has an \"items[" + std::to_string(i) + "]\" that is not an object");
        }
        checker.require(items[i], where, "id", is_string, "a string");
        checker.require(items[i], where, "leading", is_boolean, "true or false");
        checker.require(items[i], where, "live", is_boolean, "true or false");
    }
}

void show_cluster(Context& ctx, const Json& answer) {
    check_cluster(answer);
    if (ctx.structured()) {
        ctx.print(answer);
        return;
    }
    const Json& items = answer["items"];
    const std::string replica = answer["replica"].get<std::string>();
    const Json& leader = answer["leader"];
    print_fields(ctx.io.out,
                 {{"coordination", member_text(answer, "coordination")},
                  {"failover_s", member_text(answer, "failover_s")},
                  {"leader", leader.is_null() ? std::string("none")
                                              : replica_label(items, leader.get<std::string>())},
                  {"this replica", replica_label(items, replica) + " (marked *)"}});
    ctx.io.out << '\n';
    print_table(ctx.io.out, replica_columns(replica), items);
}

}  // namespace

void add_cluster_commands(CLI::App& app, Context& ctx) {
    auto* cluster = app.add_subcommand(
        "cluster", "the control-plane replicas on this database and which one leads");
    cluster->require_subcommand(0, 1);
    const auto run = [&ctx] {
        ctx.action = [&ctx] { show_cluster(ctx, ctx.api().get("/cluster")); };
    };
    cluster->callback([cluster, run] {
        if (cluster->get_subcommands().empty()) {
            run();
        }
    });
    cluster
        ->add_subcommand("show",
                         "list the replicas seen lately: leader, live or gone, the one answering")
        ->callback(run);
}

}  // namespace vergegrid::cli
