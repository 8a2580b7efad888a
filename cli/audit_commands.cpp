// audit list: the audit log, newest first, with the API's filters; audit verify and checkpoint: its
// hash chain (docs/api.md, "Audit").
#include <array>
#include <memory>

#include "cli/answer_check.hpp"
#include "cli/commands.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

struct AuditArgs {
    std::array<std::string, 6> filters;  // in the order of kFilters
    int limit = 0;
    bool all = false;
};

struct Filter {
    const char* flag;
    const char* param;
    const char* description;
};

constexpr std::array<Filter, 6> kFilters{{
    {"--actor", "actor", "only changes made by this actor"},
    {"--action", "action", "only this action, e.g. region.update"},
    {"--entity-type", "entity_type", "only this entity type: estate, template or region"},
    {"--entity-id", "entity_id", "only changes to the entity with this id"},
    {"--since", "since", "only changes at or after this ISO 8601 time"},
    {"--until", "until", "only changes before this ISO 8601 time"},
}};

void run_audit_list(Context& ctx, const AuditArgs& args) {
    Query query;
    for (std::size_t i = 0; i < kFilters.size(); ++i) {
        if (!args.filters[i].empty()) {
            query.emplace_back(kFilters[i].param, args.filters[i]);
        }
    }
    ListOptions options;
    if (args.limit > 0) {
        options.limit = args.limit;
    }
    options.all = args.all;
    options.cursor_param = "before";
    const Json answer = ctx.api().list("/audit", query, options);
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_list(ctx.io.out, ctx.io.err, audit_columns(), answer);
    }
}

// Exits 1 when the chain is broken, naming the first row that does not match.
void run_audit_verify(Context& ctx) {
    const Json answer = ctx.api().get("/audit/verify");
    const AnswerCheck checker("the server's audit verify answer");
    checker.require_object(answer);
    checker.require(answer, "", "ok", is_boolean, "true or false");
    checker.require(answer, "", "broken", is_object_or_null, "an object or null");
    const bool ok = answer["ok"].get<bool>();
    const Json& broken = answer["broken"];
    if (!ok) {
        if (broken.is_null()) {
            checker.odd("says the chain is broken but has no \"broken\" row");
        }
        checker.require(broken, "broken.", "id", is_integer, "an integer");
        checker.require(broken, "broken.", "reason", is_string, "a string");
    }
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        std::vector<Field> fields{{"ok", ok ? "true" : "false"}};
        for (const char* key : {"checked", "unchained", "last_id", "last_hash"}) {
            fields.emplace_back(key, member_text(answer, key));
        }
        fields.emplace_back("broken", ok ? std::string("none")
                                         : "row " + member_text(broken, "id") + ": " +
                                               member_text(broken, "reason"));
        print_fields(ctx.io.out, fields);
    }
    if (!ok) {
        throw CliError(ExitCode::server_error, "the audit chain is broken at row " +
                                                   member_text(broken, "id") + ": " +
                                                   member_text(broken, "reason"));
    }
}

void run_audit_checkpoint(Context& ctx) {
    const Json answer = ctx.api().get("/audit/checkpoint");
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_entity(ctx.io.out, answer);
    }
}

}  // namespace

void add_audit_commands(CLI::App& app, Context& ctx) {
    auto* audit = app.add_subcommand("audit", "the audit log of every change");
    audit->require_subcommand(1);
    auto args = std::make_shared<AuditArgs>();
    auto* list = audit->add_subcommand("list", "audit entries, newest first");
    for (std::size_t i = 0; i < kFilters.size(); ++i) {
        list->add_option(kFilters[i].flag, args->filters[i], kFilters[i].description);
    }
    list->add_option("--limit", args->limit,
                     "page size: the most entries shown (with --all, per request)")
        ->check(CLI::Range(1, kMaxPageSize));
    list->add_flag("--all", args->all, "follow the server's cursors and list every entry");
    list->callback([&ctx, args] { ctx.action = [&ctx, args] { run_audit_list(ctx, *args); }; });
    audit
        ->add_subcommand("verify",
                         "walk the hash chain; exit 1 naming the first row that does not match "
                         "(admin)")
        ->callback([&ctx] { ctx.action = [&ctx] { run_audit_verify(ctx); }; });
    audit
        ->add_subcommand("checkpoint", "the chain's head: the last row's id, hash and time (admin)")
        ->callback([&ctx] { ctx.action = [&ctx] { run_audit_checkpoint(ctx); }; });
}

}  // namespace vergegrid::cli
