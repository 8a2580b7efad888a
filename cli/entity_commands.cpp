// list, get, create, update and delete for estates, templates and regions.
#include <memory>

#include "cli/commands.hpp"
#include "cli/field_args.hpp"
#include "cli/name_lookup.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

struct ListArgs {
    int limit = 0;
    bool all = false;
    std::string name_prefix;
    std::string estate;
    std::string tmpl;
    std::string host;
    std::string placement_state;
};

struct EntityArgs {
    std::string id;
    std::vector<std::string> sets;
    std::string file;
    std::string if_match;
    bool force = false;    // region delete: even when its before-delete snapshot fails
    bool restart = false;  // region update: apply the on-restart fields now ("restart": true)
    bool require_placement = false;  // region create: 409 rather than a pending region
    bool dry_run = false;            // template update: the bump and fields, nothing written
};

// A region's estate_id and template_id may be given by name.
void resolve_references(Context& ctx, Json& body) {
    for (const auto& [key, kind] :
         {std::pair{"estate_id", &kEstate}, std::pair{"template_id", &kTemplate}}) {
        if (auto it = body.find(key); it != body.end() && it->is_string()) {
            const auto& text = it->get_ref<const std::string&>();
            if (!text.empty() && !looks_like_uuid(text)) {
                *it = resolve_id(ctx.api(), *kind, text);
            }
        }
    }
}

void run_list(Context& ctx, const EntityKind& kind, const ListArgs& args) {
    Query query;
    if (!args.name_prefix.empty()) {
        query.emplace_back("name_prefix", args.name_prefix);
    }
    if (!args.estate.empty()) {
        query.emplace_back("estate_id", resolve_id(ctx.api(), kEstate, args.estate));
    }
    if (!args.tmpl.empty()) {
        query.emplace_back("template_id", resolve_id(ctx.api(), kTemplate, args.tmpl));
    }
    if (!args.host.empty()) {
        query.emplace_back("host", args.host);
    }
    if (!args.placement_state.empty()) {
        query.emplace_back("placement_state", args.placement_state);
    }
    ListOptions options;
    if (args.limit > 0) {
        options.limit = args.limit;
    }
    options.all = args.all;
    const Json answer = ctx.api().list(std::string(kind.path), query, options);
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_list(ctx.io.out, ctx.io.err, entity_columns(kind), answer);
    }
}

void run_get(Context& ctx, const EntityKind& kind, const EntityArgs& args) {
    const Json entity = ctx.api().get(entity_path(ctx, kind, args.id));
    if (ctx.structured()) {
        ctx.print(entity);
    } else {
        print_entity(ctx.io.out, entity);
    }
}

void run_create(Context& ctx, const EntityKind& kind, const EntityArgs& args) {
    Json body = request_body(args.sets, given(args.file), ctx.io.in);
    if (kind.name == kRegion.name) {
        resolve_references(ctx, body);
    }
    if (args.require_placement) {
        body["require_placement"] = true;
    }
    const Json created = ctx.api().send("POST", std::string(kind.path), body);
    if (ctx.structured()) {
        ctx.print(created);
    } else {
        print_change_summary(ctx.io.out, kind, "created", created);
    }
}

void run_update(Context& ctx, const EntityKind& kind, const EntityArgs& args) {
    Json body = request_body(args.sets, given(args.file), ctx.io.in);
    if (args.restart) {
        body["restart"] = true;  // alone, it restarts the region
    }
    if (body.empty()) {
        throw CliError(ExitCode::usage, "nothing to update: pass --set key=value or --file");
    }
    const Query query = args.dry_run ? Query{{"dry_run", "true"}} : Query{};
    const Json updated =
        ctx.api().send("PATCH", entity_path(ctx, kind, args.id), body, given(args.if_match), query);
    if (ctx.structured()) {
        ctx.print(updated);
    } else {
        print_change_summary(ctx.io.out, kind, args.dry_run ? "would update" : "updated", updated);
    }
}

// 204: deleted. 202 (a persistent or premium region, docs/snapshots.md): it goes once its
// before-delete snapshot is saved, {"snapshot": {...}}.
void run_delete(Context& ctx, const EntityKind& kind, const EntityArgs& args) {
    Query query;
    if (args.force) {
        query.emplace_back("force", "true");
    }
    const Json answer = ctx.api().send("DELETE", entity_path(ctx, kind, args.id), std::nullopt,
                                       given(args.if_match), query);
    const Json snapshot = answer.is_object() ? answer.value("snapshot", Json()) : Json();
    if (ctx.structured()) {
        if (!answer.is_null()) {
            ctx.print(answer);
        }
    } else if (snapshot.is_object()) {
        ctx.io.out << "deleting " << kind.name << ' ' << args.id
                   << " once its before-delete snapshot " << member_text(snapshot, "id")
                   << " is saved (operation " << member_text(snapshot, "operation_id")
                   << "; vergegridctl snapshot show " << member_text(snapshot, "id") << ")\n";
    } else {
        ctx.io.out << "deleted " << kind.name << ' ' << args.id << '\n';
    }
}

using EntityRunner = void (*)(Context&, const EntityKind&, const EntityArgs&);

// What a command takes besides the global options.
struct Takes {
    bool id = false;                 // the entity's id or name
    bool fields = false;             // --set and --file
    bool if_match = false;           // --if-match, for kinds that carry a version
    bool force = false;              // region delete --force
    bool restart = false;            // region update --restart
    bool require_placement = false;  // region create --require-placement
    bool dry_run = false;            // template update --dry-run
};

CLI::App* add_entity_command(CLI::App& parent, Context& ctx, const EntityKind& kind,
                             const std::string& name, const std::string& description,
                             EntityRunner runner, Takes takes) {
    auto args = std::make_shared<EntityArgs>();
    auto* command = parent.add_subcommand(name, description);
    if (takes.id) {
        command->add_option("id", args->id, std::string(kind.name) + " id or name")->required();
    }
    if (takes.fields) {
        command
            ->add_option(
                "--set", args->sets,
                "a field as key=value, repeatable; dotted keys nest (flags.max_prims=100); "
                "values that parse as JSON are JSON")
            ->allow_extra_args(false);
        command->add_option("-f,--file", args->file,
                            "a JSON object of fields ('-' reads standard input); --set wins");
    }
    if (takes.if_match && kind.versioned) {
        command
            ->add_option("--if-match", args->if_match,
                         "fail with exit code 5 unless the version is still this")
            ->check(version_validator());
    }
    if (takes.force) {
        command->add_flag("--force", args->force,
                          "delete even when the before-delete snapshot cannot be saved");
    }
    if (takes.restart) {
        command->add_flag("--restart", args->restart,
                          "apply the fields that need a restart of the region now (the region "
                          "restarts); without it they wait, listed in pending_restart");
    }
    if (takes.require_placement) {
        command->add_flag("--require-placement", args->require_placement,
                          "fail (409 no_placement) when no simulator can take the region, "
                          "instead of creating it pending");
    }
    if (takes.dry_run) {
        command->add_flag("--dry-run", args->dry_run,
                          "show the version the change would make (bump and fields) and write "
                          "nothing");
    }
    command->callback([&ctx, &kind, args, runner] {
        ctx.action = [&ctx, &kind, args, runner] { runner(ctx, kind, *args); };
    });
    return command;
}

void add_list_command(CLI::App& parent, Context& ctx, const EntityKind& kind) {
    auto args = std::make_shared<ListArgs>();
    auto* command = parent.add_subcommand("list", "list " + std::string(kind.plural));
    command
        ->add_option("--limit", args->limit,
                     "page size: the most items shown (with --all, per request)")
        ->check(CLI::Range(1, kMaxPageSize));
    command->add_flag("--all", args->all, "follow the server's cursors and list every item");
    if (kind.name == kRegion.name) {
        command->add_option("--name-prefix", args->name_prefix,
                            "only regions whose name starts with this");
        command->add_option("--estate", args->estate, "only regions of this estate (id or name)");
        command->add_option("--template", args->tmpl,
                            "only regions made from this template (id or name)");
        command->add_option("--host", args->host, "only regions on this simulator host");
        command
            ->add_option("--placement-state", args->placement_state,
                         "only pending regions (waiting for a simulator) or placed ones")
            ->check(CLI::IsMember({"pending", "placed"}));
    }
    command->callback(
        [&ctx, &kind, args] { ctx.action = [&ctx, &kind, args] { run_list(ctx, kind, *args); }; });
}

}  // namespace

const CLI::Validator& version_validator() {
    static const CLI::Validator validator(
        [](std::string& value) -> std::string {
            int parts = 1;
            bool digit_seen = false;
            for (const char c : value) {
                if (c == '.' && digit_seen) {
                    ++parts;
                    digit_seen = false;
                } else if (c >= '0' && c <= '9') {
                    digit_seen = true;
                } else {
                    return "'" + value + "' is not a version MAJOR.MINOR.PATCH (e.g. 1.2.0)";
                }
            }
            return parts == 3 && digit_seen
                       ? ""
                       : "'" + value + "' is not a version MAJOR.MINOR.PATCH (e.g. 1.2.0)";
        },
        "MAJOR.MINOR.PATCH");
    return validator;
}

std::string entity_path(Context& ctx, const EntityKind& kind, const std::string& id_or_name) {
    return std::string(kind.path) + "/" + path_segment(resolve_id(ctx.api(), kind, id_or_name));
}

void add_entity_commands(CLI::App& parent, Context& ctx, const EntityKind& kind) {
    const std::string noun = (kind.name == kEstate.name ? "an " : "a ") + std::string(kind.name);
    add_list_command(parent, ctx, kind);
    add_entity_command(parent, ctx, kind, "get", "show " + noun, run_get, {.id = true})
        ->alias("show");
    add_entity_command(parent, ctx, kind, "create",
                       "create " + noun + " from --set fields and/or --file" +
                           (kind.name == kEstate.name
                                ? " (name; owner: an OpenSim avatar \"First Last\" or a UUID)"
                                : ""),
                       run_create,
                       {.fields = true, .require_placement = kind.name == kRegion.name});
    const bool region = kind.name == kRegion.name;
    add_entity_command(parent, ctx, kind, "update", "change fields of " + noun + " (PATCH)",
                       run_update,
                       {.id = true,
                        .fields = true,
                        .if_match = true,
                        .restart = region,
                        .dry_run = kind.name == kTemplate.name});
    add_entity_command(parent, ctx, kind, "delete",
                       region ? "delete a region (a persistent or premium one after its "
                                "before-delete snapshot)"
                              : "delete " + noun,
                       run_delete, {.id = true, .if_match = true, .force = region});
}

}  // namespace vergegrid::cli
