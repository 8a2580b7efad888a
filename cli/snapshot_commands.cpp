// snapshot create|list|show|delete|restore|download: a region's runtime state, kept as archives
// by the control plane (docs/snapshots.md). --wait follows the operation to its end with a
// progress bar on standard error (on a terminal, or with --progress).
#include <memory>

#include "cli/commands.hpp"
#include "cli/name_lookup.hpp"
#include "cli/operation_wait.hpp"
#include "cli/progress_bar.hpp"
#include "cli/snapshot_download.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

struct SnapshotArgs {
    std::string region;  // id or name
    std::string id;      // the snapshot's id
    std::vector<std::string> parts;
    std::string note;
    bool wait = false;
    bool progress = false;
    std::string state;
    std::string reason;
    int limit = 0;
    bool all = false;
    std::string file;
    std::string if_match;
};

std::int64_t id_member(const Json& object, const char* key) {
    if (auto it = object.find(key); it != object.end() && it->is_number_integer()) {
        return it->get<std::int64_t>();
    }
    return 0;
}

std::string snapshot_path(const std::string& id) {
    return "/snapshots/" + path_segment(id);
}

std::string region_id_of(Context& ctx, const std::string& id_or_name) {
    return resolve_id(ctx.api(), kRegion, id_or_name);
}

// "snapshot <id> of region <name>: <state>", with what matters for that state.
std::string snapshot_summary(const Json& snapshot) {
    std::string line = "snapshot " + member_text(snapshot, "id") + " of region " +
                       member_text(snapshot, "region_name") + ": " + member_text(snapshot, "state");
    const std::string state = member_text(snapshot, "state");
    if (state == "complete") {
        line += ", " + human_bytes(id_member(snapshot, "size_bytes")) + ", sha256 " +
                member_text(snapshot, "sha256");
    } else if (state == "failed") {
        line += ": " + member_text(snapshot, "failure");
    } else if (id_member(snapshot, "operation_id") > 0) {
        line += " (operation " + member_text(snapshot, "operation_id") + ")";
    }
    return line;
}

void show(Context& ctx, const Json& answer, const std::string& line) {
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        ctx.io.out << line << '\n';
    }
}

// Follows a snapshot's operation; the snapshot as it ended. CliError(1) when it failed.
Json wait_for_snapshot(Context& ctx, ProgressBar& bar, const Json& snapshot) {
    const std::string id = member_text(snapshot, "id");
    if (const auto operation = id_member(snapshot, "operation_id"); operation > 0) {
        wait_for_operation(ctx.api(), bar, "snapshot " + id, member_text(snapshot, "region_id"),
                           operation);
    }
    const Json ended = ctx.api().get(snapshot_path(id));
    if (member_text(ended, "state") != "complete") {
        throw CliError(ExitCode::server_error, snapshot_summary(ended));
    }
    return ended;
}

void run_create(Context& ctx, const SnapshotArgs& args) {
    const std::string region = region_id_of(ctx, args.region);
    Json body = Json::object();
    if (!args.parts.empty()) {
        body["parts"] = args.parts;
    }
    if (!args.note.empty()) {
        body["note"] = args.note;
    }
    Json snapshot = ctx.api().send("POST", "/regions/" + path_segment(region) + "/snapshots", body);
    if (args.wait) {
        ProgressBar bar(ctx.io.err, args.progress || ctx.io.err_is_terminal);
        snapshot = wait_for_snapshot(ctx, bar, snapshot);
    }
    show(ctx, snapshot, snapshot_summary(snapshot));
}

void run_list(Context& ctx, const SnapshotArgs& args) {
    Query query;
    if (!args.region.empty()) {
        // A deleted region's snapshots are found by its id: names are looked up among the living.
        query.emplace_back("region_id", looks_like_uuid(args.region)
                                            ? args.region
                                            : region_id_of(ctx, args.region));
    }
    if (!args.state.empty()) {
        query.emplace_back("state", args.state);
    }
    if (!args.reason.empty()) {
        query.emplace_back("reason", args.reason);
    }
    ListOptions options;
    if (args.limit > 0) {
        options.limit = args.limit;
    }
    options.all = args.all;
    const Json answer = ctx.api().list("/snapshots", query, options);
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_list(ctx.io.out, ctx.io.err, snapshot_columns(), answer);
    }
}

void run_show(Context& ctx, const SnapshotArgs& args) {
    const Json snapshot = ctx.api().get(snapshot_path(args.id));
    if (ctx.structured()) {
        ctx.print(snapshot);
    } else {
        print_entity(ctx.io.out, snapshot);
    }
}

void run_delete(Context& ctx, const SnapshotArgs& args) {
    ctx.api().send("DELETE", snapshot_path(args.id), std::nullopt);
    if (ctx.format() == OutputFormat::table) {
        ctx.io.out << "deleted snapshot " << args.id << '\n';
    }
}

// The restore's answer: {"safety_snapshot": snapshot|null, "restore_operation_id": id|null, ...}.
// With a safety snapshot the load is queued only once it is saved.
void run_restore(Context& ctx, const SnapshotArgs& args) {
    const std::string region = region_id_of(ctx, args.region);
    const Json answer = ctx.api().send("POST", "/regions/" + path_segment(region) + "/restore",
                                       Json{{"snapshot_id", args.id}}, given(args.if_match));
    const Json safety = answer.value("safety_snapshot", Json());
    std::int64_t restore_operation = id_member(answer, "restore_operation_id");
    if (!args.wait) {
        std::string line = "restoring region " + args.region + " from snapshot " + args.id;
        if (safety.is_object()) {
            line += ": a before-restore snapshot " + member_text(safety, "id") + " first";
        } else if (restore_operation > 0) {
            line += " (operation " + std::to_string(restore_operation) + ")";
        }
        show(ctx, answer, line);
        return;
    }
    ProgressBar bar(ctx.io.err, args.progress || ctx.io.err_is_terminal);
    if (safety.is_object() && restore_operation == 0) {
        wait_for_snapshot(ctx, bar, safety);
        restore_operation =
            wait_for_new_operation(ctx.api(), region, "restore", id_member(safety, "operation_id"));
    }
    if (restore_operation == 0) {
        throw CliError(ExitCode::server_error, "the server's answer names no restore operation");
    }
    const Json operation =
        wait_for_operation(ctx.api(), bar, "restore " + args.region, region, restore_operation);
    if (member_text(operation, "state") != "succeeded") {
        const Json result = operation.value("result", Json());
        throw CliError(ExitCode::server_error,
                       "the restore of region " + args.region + " failed: " +
                           (result.is_object() ? member_text(result, "error")
                                               : member_text(operation, "state")));
    }
    show(ctx, operation, "restored region " + args.region + " from snapshot " + args.id);
}

void run_download(Context& ctx, const SnapshotArgs& args) {
    const Json snapshot = ctx.api().get(snapshot_path(args.id));
    const std::string file = args.file.empty() ? args.id + ".oar" : args.file;
    ProgressBar bar(ctx.io.err, args.progress || ctx.io.err_is_terminal);
    const DownloadResult result = download_snapshot(ctx.api(), snapshot, file, bar);
    if (ctx.structured()) {
        ctx.print(Json{{"file", file},
                       {"size_bytes", result.size},
                       {"resumed_from", result.resumed_from},
                       {"already_complete", result.already_complete}});
        return;
    }
    ctx.io.out << file << ": " << human_bytes(result.size);
    if (result.already_complete) {
        ctx.io.out << ", complete already";
    } else if (result.resumed_from > 0) {
        ctx.io.out << ", resumed at " << human_bytes(result.resumed_from);
    }
    ctx.io.out << ", sha256 verified\n";
}

CLI::App* add(CLI::App& parent, Context& ctx, const std::string& name,
              const std::string& description, void (*runner)(Context&, const SnapshotArgs&),
              const std::shared_ptr<SnapshotArgs>& args) {
    auto* command = parent.add_subcommand(name, description);
    command->callback(
        [&ctx, args, runner] { ctx.action = [&ctx, args, runner] { runner(ctx, *args); }; });
    return command;
}

void add_progress(CLI::App& command, SnapshotArgs& args) {
    command.add_flag("--progress", args.progress,
                     "draw the progress bar on standard error even when it is no terminal");
}

}  // namespace

void add_snapshot_commands(CLI::App& app, Context& ctx) {
    auto* snapshot = app.add_subcommand("snapshot", "manage regions' runtime-state snapshots");
    snapshot->require_subcommand(1);

    auto create_args = std::make_shared<SnapshotArgs>();
    auto* create =
        add(*snapshot, ctx, "create", "take a snapshot of a region", run_create, create_args);
    create->add_option("region", create_args->region, "region id or name")->required();
    create->add_option("--part", create_args->parts,
                       "a part to save (repeatable: terrain, prims, mesh, ...); default: as the "
                       "region's region_state_mode and state_parts say");
    create->add_option("--note", create_args->note, "a note kept with the snapshot");
    create->add_flag("--wait", create_args->wait, "wait until the snapshot is saved");
    add_progress(*create, *create_args);

    auto list_args = std::make_shared<SnapshotArgs>();
    auto* list = add(*snapshot, ctx, "list", "list snapshots, newest first", run_list, list_args);
    list->add_option("--region", list_args->region,
                     "only this region's (id or name; a deleted region's by id)");
    list->add_option("--state", list_args->state, "pending, saving, complete or failed");
    list->add_option("--reason", list_args->reason,
                     "manual, scheduled, before-delete, before-move or before-restore");
    list->add_option("--limit", list_args->limit, "page size: the most items shown")
        ->check(CLI::Range(1, kMaxPageSize));
    list->add_flag("--all", list_args->all, "follow the server's cursors and list every item");

    for (const auto& [name, description, runner] :
         {std::tuple{"show", "show a snapshot", &run_show},
          std::tuple{"delete", "delete a snapshot (its archive goes when no snapshot needs it)",
                     &run_delete}}) {
        auto args = std::make_shared<SnapshotArgs>();
        add(*snapshot, ctx, name, description, runner, args)
            ->add_option("id", args->id, "snapshot id")
            ->required();
    }

    auto restore_args = std::make_shared<SnapshotArgs>();
    auto* restore = add(*snapshot, ctx, "restore",
                        "load a snapshot into a region (a before-restore snapshot is taken first "
                        "unless the region is ephemeral)",
                        run_restore, restore_args);
    restore->add_option("region", restore_args->region, "region id or name")->required();
    restore->add_option("snapshot", restore_args->id, "snapshot id")->required();
    restore->add_flag("--wait", restore_args->wait, "wait until the region is restored");
    restore
        ->add_option("--if-match", restore_args->if_match,
                     "fail with exit code 5 unless the region is still at this version")
        ->check(version_validator());
    add_progress(*restore, *restore_args);

    auto download_args = std::make_shared<SnapshotArgs>();
    auto* download = add(*snapshot, ctx, "download",
                         "save a snapshot's archive (OAR) to a file, resuming a partial one",
                         run_download, download_args);
    download->add_option("id", download_args->id, "snapshot id")->required();
    download->add_option("-o,--out", download_args->file, "the file (default <id>.oar)");
    add_progress(*download, *download_args);
}

}  // namespace vergegrid::cli
