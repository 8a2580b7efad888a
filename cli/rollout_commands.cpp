// rollouts start|list|show|pause|resume|cancel: a template version taken to its regions in
// waves, with the failure threshold's automatic rollback (docs/rollouts.md, docs/api.md
// "Rollouts").
#include <memory>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/operation_wait.hpp"
#include "cli/output.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

struct RolloutArgs {
    std::string id;
    std::string tmpl;  // id or name
    std::string to_version;
    std::string waves;  // "1,10%,100%"
    int threshold = 0;
    int max_unavailable = -1;
    int pause_s = -1;
    int deadline_s = 0;
    std::vector<std::string> canaries;
    std::string estate;
    std::string name_prefix;
    bool dry_run = false;
    bool wait = false;
    int limit = 0;
    bool all = false;
};

// "1,10%,100%" as the API's list: numbers stay numbers, percentages strings.
Json parse_waves(const std::string& text) {
    Json waves = Json::array();
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
        if (!item.empty() && item.back() == '%') {
            waves.push_back(item);
        } else if (!item.empty() && item.find_first_not_of("0123456789") == std::string::npos &&
                   item.size() < 8) {
            waves.push_back(std::stoi(item));
        } else {
            throw CliError(ExitCode::usage, "--waves: '" + item +
                                                "' is neither a number of regions nor a "
                                                "percentage (e.g. 1,10%,100%)");
        }
    }
    if (waves.empty()) {
        throw CliError(ExitCode::usage, "--waves: give at least one wave, e.g. 1,10%,100%");
    }
    return waves;
}

std::vector<Column> rollout_columns() {
    const auto column = [](std::string header, std::string key) {
        return Column{std::move(header),
                      [key = std::move(key)](const Json& item) { return member_text(item, key); }};
    };
    return {column("ID", "id"),
            column("TEMPLATE", "template_id"),
            column("TO", "to_version"),
            column("STATE", "state"),
            column("WAVE", "current_wave"),
            column("CREATED", "created_at"),
            column("ERROR", "error")};
}

std::vector<Column> region_columns() {
    const auto column = [](std::string header, std::string key) {
        return Column{std::move(header),
                      [key = std::move(key)](const Json& item) { return member_text(item, key); }};
    };
    return {column("WAVE", "wave"),         column("REGION", "region_name"),
            column("STATE", "state"),       column("FROM", "from_version"),
            column("TO", "to_version"),     column("BUMP", "bump"),
            column("DELIVERY", "delivery"), column("RESTART", "restart_needed"),
            column("ERROR", "error")};
}

// "rollout <id> of template <t> to 1.0.1: running, wave 2, 6 upgraded, 0 failed of 20".
std::string rollout_summary(const Json& rollout) {
    const Json progress = rollout.is_object() ? rollout.value("progress", Json::object()) : Json();
    std::string line = "rollout " + member_text(rollout, "id") + " to " +
                       member_text(rollout, "to_version") + ": " + member_text(rollout, "state") +
                       ", wave " + member_text(rollout, "current_wave");
    if (progress.is_object()) {
        line += ", " + member_text(progress, "upgraded") + " upgraded, " +
                member_text(progress, "failed") + " failed, " +
                member_text(progress, "rolled_back") + " rolled back of " +
                member_text(progress, "total");
    }
    if (const std::string error = member_text(rollout, "error"); error != "-" && !error.empty()) {
        line += ": " + error;
    }
    return line;
}

void show(Context& ctx, const Json& rollout) {
    if (ctx.structured()) {
        ctx.print(rollout);
        return;
    }
    ctx.io.out << rollout_summary(rollout) << '\n';
    print_table(ctx.io.out, region_columns(),
                rollout.is_object() ? rollout.value("regions", Json::array()) : Json::array());
}

bool running(const Json& rollout) {
    const std::string state = member_text(rollout, "state");
    return state == "running" || state == "paused";
}

Json wait_for_rollout(Context& ctx, const std::string& id) {
    std::string shown;
    for (;;) {
        const Json rollout = ctx.api().get("/rollouts/" + path_segment(id));
        if (const std::string line = rollout_summary(rollout); line != shown) {
            ctx.io.err << line << '\n' << std::flush;
            shown = line;
        }
        if (!running(rollout)) {
            return rollout;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
}

void run_start(Context& ctx, const RolloutArgs& args) {
    Json body = {{"to_version", args.to_version}};
    if (!args.waves.empty()) {
        body["waves"] = parse_waves(args.waves);
    }
    if (args.threshold > 0) {
        body["failure_threshold"] = args.threshold;
    }
    if (args.max_unavailable >= 0) {
        body["max_unavailable"] = args.max_unavailable;
    }
    if (args.pause_s >= 0) {
        body["pause_between_s"] = args.pause_s;
    }
    if (args.deadline_s > 0) {
        body["deadline_s"] = args.deadline_s;
    }
    if (!args.canaries.empty()) {
        body["canaries"] = args.canaries;
    }
    if (!args.estate.empty() || !args.name_prefix.empty()) {
        body["regions"] = Json::object();
        if (!args.estate.empty()) {
            body["regions"]["estate_id"] = args.estate;
        }
        if (!args.name_prefix.empty()) {
            body["regions"]["name_prefix"] = args.name_prefix;
        }
    }
    if (args.dry_run) {
        body["dry_run"] = true;
    }
    Json rollout =
        ctx.api().send("POST", entity_path(ctx, kTemplate, args.tmpl) + "/rollouts", body);
    if (args.wait && !args.dry_run) {
        rollout = wait_for_rollout(ctx, member_text(rollout, "id"));
    }
    show(ctx, rollout);
    if (args.wait && member_text(rollout, "state") != "succeeded" && !args.dry_run) {
        throw CliError(ExitCode::server_error, rollout_summary(rollout));
    }
}

void run_list(Context& ctx, const RolloutArgs& args) {
    ListOptions options;
    if (args.limit > 0) {
        options.limit = args.limit;
    }
    options.all = args.all;
    const std::string path =
        args.tmpl.empty() ? "/rollouts" : entity_path(ctx, kTemplate, args.tmpl) + "/rollouts";
    const Json answer = ctx.api().list(path, {}, options);
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_list(ctx.io.out, ctx.io.err, rollout_columns(), answer);
    }
}

void run_show(Context& ctx, const RolloutArgs& args) {
    show(ctx, ctx.api().get("/rollouts/" + path_segment(args.id)));
}

void run_verb(Context& ctx, const std::string& id, const std::string& verb) {
    const Json rollout =
        ctx.api().send("POST", "/rollouts/" + path_segment(id) + "/" + verb, std::nullopt);
    if (ctx.structured()) {
        ctx.print(rollout);
    } else {
        ctx.io.out << rollout_summary(rollout) << '\n';
    }
}

using RolloutRunner = void (*)(Context&, const RolloutArgs&);

CLI::App* add(CLI::App& parent, Context& ctx, const std::string& name,
              const std::string& description, RolloutRunner runner,
              const std::shared_ptr<RolloutArgs>& args) {
    auto* command = parent.add_subcommand(name, description);
    command->callback(
        [&ctx, args, runner] { ctx.action = [&ctx, args, runner] { runner(ctx, *args); }; });
    return command;
}

void add_verb(CLI::App& parent, Context& ctx, const std::string& verb,
              const std::string& description) {
    auto args = std::make_shared<RolloutArgs>();
    auto* command = parent.add_subcommand(verb, description);
    command->add_option("id", args->id, "rollout id")->required();
    command->callback(
        [&ctx, args, verb] { ctx.action = [&ctx, args, verb] { run_verb(ctx, args->id, verb); }; });
}

}  // namespace

void add_rollout_commands(CLI::App& app, Context& ctx) {
    auto* rollouts = app.add_subcommand(
        "rollouts", "template versions taken to their regions in waves (docs/rollouts.md)");
    rollouts->alias("rollout");
    rollouts->require_subcommand(1);

    auto start_args = std::make_shared<RolloutArgs>();
    auto* start = add(*rollouts, ctx, "start", "roll a template version out to its regions",
                      run_start, start_args);
    start->add_option("template", start_args->tmpl, "template id or name")->required();
    start->add_option("--to", start_args->to_version, "the template version, MAJOR.MINOR.PATCH")
        ->required()
        ->check(version_validator());
    start->add_option("--waves", start_args->waves,
                      "cumulative wave sizes, numbers or percentages: 1,10%,100%");
    start
        ->add_option("--threshold", start_args->threshold,
                     "failures in a wave that stop the rollout and roll it back (default 1)")
        ->check(CLI::Range(1, 1'000'000));
    start
        ->add_option("--max-unavailable", start_args->max_unavailable,
                     "regions of a wave upgrading at once (0: the whole wave)")
        ->check(CLI::Range(0, 1'000'000));
    start->add_option("--pause", start_args->pause_s, "seconds between waves")
        ->check(CLI::Range(0, 7 * 24 * 3600));
    start
        ->add_option("--deadline", start_args->deadline_s,
                     "seconds a region may take to be confirmed (default 600)")
        ->check(CLI::Range(1, 7 * 24 * 3600));
    start->add_option("--canary", start_args->canaries,
                      "a region (id or name) upgraded first; repeat for more");
    start->add_option("--estate", start_args->estate, "only the regions of this estate (id)");
    start->add_option("--name-prefix", start_args->name_prefix,
                      "only the regions whose name starts so");
    start->add_flag("--dry-run", start_args->dry_run,
                    "show each region's wave and changes; change nothing");
    start->add_flag("--wait", start_args->wait,
                    "follow the rollout until it has ended; exit 1 unless it succeeded");

    auto list_args = std::make_shared<RolloutArgs>();
    auto* list = add(*rollouts, ctx, "list", "list rollouts, newest first", run_list, list_args);
    list->add_option("--template", list_args->tmpl, "only this template's (id or name)");
    list->add_option("--limit", list_args->limit,
                     "page size: the most items shown (with --all, per request)")
        ->check(CLI::Range(1, kMaxPageSize));
    list->add_flag("--all", list_args->all, "follow the server's cursors and list every item");

    auto show_args = std::make_shared<RolloutArgs>();
    add(*rollouts, ctx, "show", "show a rollout: its progress and each region's state", run_show,
        show_args)
        ->add_option("id", show_args->id, "rollout id")
        ->required();
    add_verb(*rollouts, ctx, "pause", "start no further region until resumed");
    add_verb(*rollouts, ctx, "resume", "carry on with a paused rollout");
    add_verb(*rollouts, ctx, "cancel",
             "end a rollout: waiting regions are skipped, upgraded ones stay upgraded");
}

}  // namespace vergegrid::cli
