// simulator list, get/show, cordon, uncordon, drain, evacuate, revoke, rotate-key,
// registration-token:
// the /simulators routes of docs/api.md, by the same words.
#include <memory>

#include "cli/commands.hpp"
#include "cli/migration_wait.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

struct SimulatorArgs {
    std::string id;
    int overlap_s = 0;
    std::vector<std::string> labels;
    int ttl_s = 0;
    bool execute = false;  // drain: move the regions (a batch), not only plan
    int max_parallel = 0;  // 0 = the server's default
    bool warm = false;
    bool when_empty = false;
    bool wait = false;
};

std::string simulator_path(const std::string& id) {
    return "/simulators/" + path_segment(id);
}

void show(Context& ctx, const Json& answer) {
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_entity(ctx.io.out, answer);
    }
}

void run_list(Context& ctx) {
    const Json answer = ctx.api().get("/simulators");
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_list(ctx.io.out, ctx.io.err, simulator_columns(), answer);
    }
}

void run_get(Context& ctx, const SimulatorArgs& args) {
    show(ctx, ctx.api().get(simulator_path(args.id)));
}

// cordon, uncordon, revoke: the simulator as it is afterwards.
void run_state_change(Context& ctx, const std::string& verb, const SimulatorArgs& args) {
    const Json answer = ctx.api().send("POST", simulator_path(args.id) + "/" + verb, std::nullopt);
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        ctx.io.out << verb << " simulator " << args.id << ": state " << member_text(answer, "state")
                   << '\n';
    }
}

// Where each of its regions would go; nothing moves yet.
void show_drain_plan(Context& ctx, const SimulatorArgs& args, const Json& answer) {
    ctx.io.out << "cordoned simulator " << args.id << "; moves planned by "
               << member_text(answer, "policy") << " (carry them out with --execute):\n";
    print_table(ctx.io.out, drain_columns(),
                answer.is_object() ? answer.value("moves", Json::array()) : Json::array());
}

// An executed drain or an evacuation: the batch, then with --wait its progress to the end.
void follow_batch(Context& ctx, const SimulatorArgs& args, const Json& answer) {
    Json batch = answer.is_object() ? answer.value("batch", Json()) : Json();
    if (!args.wait) {
        if (ctx.structured()) {
            ctx.print(answer);
        } else {
            ctx.io.out << batch_summary(batch) << '\n';
        }
        return;
    }
    std::ostream& progress = ctx.structured() ? ctx.io.err : ctx.io.out;
    batch = wait_for_batch(ctx.api(), progress, member_text(batch, "id"));
    if (ctx.structured()) {
        ctx.print(batch);
    }
    const Json counts = batch.value("progress", Json::object());
    if (counts.value("failed", 0) > 0) {
        throw CliError(ExitCode::server_error, batch_summary(batch));
    }
}

void run_drain(Context& ctx, const SimulatorArgs& args) {
    Json body = Json::object();
    if (args.execute) {
        body["execute"] = true;
        if (args.max_parallel > 0) {
            body["max_parallel"] = args.max_parallel;
        }
        if (args.warm) {
            body["warm"] = true;
        }
        if (args.when_empty) {
            body["when_empty"] = true;
        }
    }
    const Json answer = ctx.api().send("POST", simulator_path(args.id) + "/drain", body);
    if (args.execute) {
        follow_batch(ctx, args, answer);
    } else if (ctx.structured()) {
        ctx.print(answer);
    } else {
        show_drain_plan(ctx, args, answer);
    }
}

// An offline simulator's regions, recreated elsewhere from their latest snapshots.
void run_evacuate(Context& ctx, const SimulatorArgs& args) {
    Json body = Json::object();
    if (args.max_parallel > 0) {
        body["max_parallel"] = args.max_parallel;
    }
    follow_batch(ctx, args, ctx.api().send("POST", simulator_path(args.id) + "/evacuate", body));
}

void run_rotate_key(Context& ctx, const SimulatorArgs& args) {
    Json body = Json::object();
    if (args.overlap_s > 0) {
        body["overlap_s"] = args.overlap_s;
    }
    show(ctx, ctx.api().send("POST", simulator_path(args.id) + "/rotate-key", body));
}

void run_registration_token(Context& ctx, const SimulatorArgs& args) {
    Json body = Json::object();
    if (!args.labels.empty()) {
        body["labels"] = args.labels;
    }
    if (args.ttl_s > 0) {
        body["ttl_s"] = args.ttl_s;
    }
    show(ctx, ctx.api().send("POST", "/simulators/registration-tokens", body));
}

using SimulatorRunner = void (*)(Context&, const SimulatorArgs&);

CLI::App* add_command(CLI::App& parent, Context& ctx, const std::string& name,
                      const std::string& description, SimulatorRunner runner,
                      const std::shared_ptr<SimulatorArgs>& args, bool takes_id = true) {
    auto* command = parent.add_subcommand(name, description);
    if (takes_id) {
        command->add_option("id", args->id, "simulator id")->required();
    }
    command->callback(
        [&ctx, args, runner] { ctx.action = [&ctx, args, runner] { runner(ctx, *args); }; });
    return command;
}

}  // namespace

void add_simulator_commands(CLI::App& app, Context& ctx) {
    auto* simulator = app.add_subcommand("simulator", "the simulators (sim bridges) of the grid");
    simulator->require_subcommand(1);
    simulator->add_subcommand("list", "list simulators with their state and load")
        ->callback([&ctx] { ctx.action = [&ctx] { run_list(ctx); }; });
    add_command(*simulator, ctx, "get", "show a simulator (state, state_detail, load)", run_get,
                std::make_shared<SimulatorArgs>())
        ->alias("show");
    for (const char* verb : {"cordon", "uncordon", "revoke"}) {
        auto args = std::make_shared<SimulatorArgs>();
        auto* command = simulator->add_subcommand(
            verb, std::string(verb) == "cordon"     ? "take no new regions on the simulator"
                  : std::string(verb) == "uncordon" ? "let the simulator take new regions again"
                                                    : "stop every key of the simulator (admin)");
        command->add_option("id", args->id, "simulator id")->required();
        command->callback([&ctx, args, verb] {
            ctx.action = [&ctx, args, verb] { run_state_change(ctx, verb, *args); };
        });
    }
    auto drain_args = std::make_shared<SimulatorArgs>();
    auto* drain = add_command(*simulator, ctx, "drain",
                              "cordon the simulator and plan where each of its regions would go; "
                              "with --execute move them there with their content",
                              run_drain, drain_args);
    drain->add_flag("--execute", drain_args->execute, "move the regions, not only plan");
    drain
        ->add_option("--max-parallel", drain_args->max_parallel,
                     "moves running at once (server default 2)")
        ->check(CLI::Range(1, 16));
    drain->add_flag("--warm", drain_args->warm,
                    "each move: a first snapshot while serving, then a short final one");
    drain->add_flag("--when-empty", drain_args->when_empty,
                    "each move waits for no avatars on its region instead of warning them");
    drain->add_flag("--wait", drain_args->wait,
                    "with --execute: follow the drain to its end (done/failed/left)");
    auto evacuate_args = std::make_shared<SimulatorArgs>();
    auto* evacuate = add_command(*simulator, ctx, "evacuate",
                                 "recreate an offline simulator's regions elsewhere from their "
                                 "latest snapshots",
                                 run_evacuate, evacuate_args);
    evacuate
        ->add_option("--max-parallel", evacuate_args->max_parallel,
                     "moves running at once (server default 2)")
        ->check(CLI::Range(1, 16));
    evacuate->add_flag("--wait", evacuate_args->wait,
                       "follow the evacuation to its end (done/failed/left)");
    auto rotate_args = std::make_shared<SimulatorArgs>();
    add_command(*simulator, ctx, "rotate-key", "issue the simulator a new API key (admin)",
                run_rotate_key, rotate_args)
        ->add_option("--overlap-s", rotate_args->overlap_s,
                     "seconds the old key keeps working (server default 300)")
        ->check(CLI::Range(1, 86400));
    auto token_args = std::make_shared<SimulatorArgs>();
    auto* token = add_command(*simulator, ctx, "registration-token",
                              "a single-use token a new bridge registers with (admin)",
                              run_registration_token, token_args, false);
    token->add_option("--label", token_args->labels, "a label the simulator gets, repeatable");
    token->add_option("--ttl-s", token_args->ttl_s, "seconds the token stays valid (default 3600)")
        ->check(CLI::Range(1, 30 * 86400));
}

}  // namespace vergegrid::cli
