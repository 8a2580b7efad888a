// webhooks list|show|create|update|delete|test|deliveries and subscriptions list|deliveries: the
// event bus's sinks (docs/api.md, admin only), by the API's words. A webhook is one of the event
// subscriptions, under the same id, so both `deliveries` commands read
// GET /event-subscriptions/{id}/deliveries.
#include <memory>

#include "cli/answer_check.hpp"
#include "cli/commands.hpp"
#include "cli/event_views.hpp"
#include "cli/secret_input.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

struct WebhookArgs {
    std::string id;
    std::string url;
    std::string secret;
    std::string secret_file;
    std::string name;
    std::vector<std::string> types;
    std::vector<std::string> subjects;
    bool all_types = false;
    bool all_subjects = false;
    std::string state;
    int limit = 0;
    long long before = 0;  // 0: not given
};

std::string webhook_path(const WebhookArgs& args) {
    return "/webhooks/" + path_segment(args.id);
}

void show_list(Context& ctx, const Json& answer, const std::vector<Column>& columns,
               const std::string& what) {
    const AnswerCheck checker("the server's " + what + " answer");
    checker.require_object(answer);
    checker.require(answer, "", "items", is_array, "an array");
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_table(ctx.io.out, columns, answer["items"]);
    }
}

void show(Context& ctx, const Json& answer) {
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_entity(ctx.io.out, answer);
    }
}

// The members both create and update send when given.
void add_common_fields(Json& body, const WebhookArgs& args, std::istream& in) {
    if (!args.url.empty()) {
        body["url"] = args.url;
    }
    if (const auto secret = read_secret(args.secret, args.secret_file, in)) {
        body["secret"] = *secret;
    }
    if (!args.name.empty()) {
        body["name"] = args.name;
    }
    if (!args.types.empty() || args.all_types) {
        body["types"] = args.types;
    }
    if (!args.subjects.empty() || args.all_subjects) {
        body["subjects"] = args.subjects;
    }
}

void run_list(Context& ctx, const WebhookArgs&) {
    show_list(ctx, ctx.api().get("/webhooks"), webhook_columns(), "webhooks");
}

void run_show(Context& ctx, const WebhookArgs& args) {
    show(ctx, ctx.api().get(webhook_path(args)));
}

void run_create(Context& ctx, const WebhookArgs& args) {
    Json body = Json::object();
    add_common_fields(body, args, ctx.io.in);
    if (!body.contains("secret")) {
        throw CliError(ExitCode::usage,
                       "a webhook needs a secret: pass --secret S, --secret - (standard input) or "
                       "--secret-file F");
    }
    show(ctx, ctx.api().send("POST", "/webhooks", body));
}

void run_update(Context& ctx, const WebhookArgs& args) {
    Json body = Json::object();
    add_common_fields(body, args, ctx.io.in);
    if (!args.state.empty()) {
        body["state"] = args.state;
    }
    if (body.empty()) {
        throw CliError(ExitCode::usage,
                       "nothing to update: pass --url, --secret, --secret-file, --name, --type, "
                       "--all-types, --subject, --all-subjects or --state");
    }
    show(ctx, ctx.api().send("PATCH", webhook_path(args), body));
}

void run_delete(Context& ctx, const WebhookArgs& args) {
    ctx.api().send("DELETE", webhook_path(args), std::nullopt);
    if (!ctx.structured()) {
        ctx.io.out << "deleted webhook " << cell(Json(args.id)) << '\n';
    }
}

// Exits 1 when the endpoint did not take the test event, so scripts can check an endpoint.
void run_test(Context& ctx, const WebhookArgs& args) {
    const Json answer = ctx.api().send("POST", webhook_path(args) + "/test", std::nullopt);
    const AnswerCheck checker("the server's webhook test answer");
    checker.require_object(answer);
    checker.require(answer, "", "delivered", is_boolean, "true or false");
    const std::string status = member_text(answer, "status");
    const std::string http =
        status == "-" || status == "0" ? std::string("no HTTP answer") : "HTTP " + status;
    const std::string timing = http + ", " + member_text(answer, "duration_ms") + " ms";
    if (ctx.structured()) {
        ctx.print(answer);
    } else if (answer["delivered"].get<bool>()) {
        ctx.io.out << "delivered a test event to webhook " << cell(Json(args.id)) << " (" << timing
                   << ")\n";
    }
    if (!answer["delivered"].get<bool>()) {
        const std::string error = member_text(answer, "error");
        throw CliError(ExitCode::server_error,
                       "the test event was not delivered to webhook " + cell(Json(args.id)) + ": " +
                           (error.empty() || error == "-" ? "no reason given" : error) + " (" +
                           timing + ")");
    }
}

void run_deliveries(Context& ctx, const WebhookArgs& args) {
    Query query;
    if (!args.state.empty()) {
        query.emplace_back("state", args.state);
    }
    if (args.before > 0) {
        query.emplace_back("before", std::to_string(args.before));
    }
    if (args.limit > 0) {
        query.emplace_back("limit", std::to_string(args.limit));
    }
    const Json answer =
        ctx.api().get("/event-subscriptions/" + path_segment(args.id) + "/deliveries", query);
    show_list(ctx, answer, delivery_columns(), "deliveries");
    if (ctx.format() == OutputFormat::table) {
        const Json next = answer.value("next_before", Json());
        if (!next.is_null()) {
            ctx.io.err << "(older deliveries on the server: pass --before " << cell(next) << ")\n";
        }
    }
}

void run_subscriptions(Context& ctx, const WebhookArgs&) {
    show_list(ctx, ctx.api().get("/event-subscriptions"), subscription_columns(),
              "event subscriptions");
}

using WebhookRunner = void (*)(Context&, const WebhookArgs&);

CLI::App* add(CLI::App& parent, Context& ctx, const std::string& name,
              const std::string& description, WebhookRunner runner,
              const std::shared_ptr<WebhookArgs>& args, const char* id_of) {
    auto* command = parent.add_subcommand(name, description);
    if (id_of != nullptr) {
        command->add_option("id", args->id, std::string(id_of) + " id")->required();
    }
    command->callback(
        [&ctx, args, runner] { ctx.action = [&ctx, args, runner] { runner(ctx, *args); }; });
    return command;
}

void add_fields(CLI::App& command, WebhookArgs& args) {
    auto* secret = command.add_option(
        "--secret", args.secret,
        "the HMAC key deliveries are signed with; '-' reads it from standard input");
    auto* secret_file =
        command.add_option("--secret-file", args.secret_file,
                           "read the secret from this file (keeps it out of the shell's history)");
    secret->excludes(secret_file);
    command.add_option("--name", args.name, "a name for people");
    auto* types = command.add_option(
        "--type", args.types,
        "deliver only events of this type or type prefix ending in '*', repeatable");
    types->allow_extra_args(false);
    auto* subjects = command.add_option("--subject", args.subjects,
                                        "deliver only events about this entity id, repeatable");
    subjects->allow_extra_args(false);
}

// `deliveries ID [--state S] [--limit N] [--before ID]`, under webhooks and subscriptions alike.
void add_deliveries(CLI::App& parent, Context& ctx, const char* id_of) {
    auto args = std::make_shared<WebhookArgs>();
    auto* command = add(parent, ctx, "deliveries",
                        "delivery attempts, newest first (ID EVENT_SEQ EVENT_TYPE AT STATE "
                        "ATTEMPT STATUS DURATION_MS ERROR)",
                        run_deliveries, args, id_of);
    command->add_option("--state", args->state, "delivered, failed or dead")
        ->check(CLI::IsMember({"delivered", "failed", "dead"}));
    command->add_option("--limit", args->limit, "the most attempts shown (1-500)")
        ->check(CLI::Range(1, kMaxPageSize));
    command->add_option("--before", args->before, "only attempts older than this delivery id")
        ->check(CLI::PositiveNumber);
}

}  // namespace

void add_webhook_commands(CLI::App& app, Context& ctx) {
    auto* webhooks =
        app.add_subcommand("webhooks", "HTTPS endpoints that receive the events, signed (admin)");
    webhooks->require_subcommand(1);
    add(*webhooks, ctx, "list", "list webhooks (the secret is never shown)", run_list,
        std::make_shared<WebhookArgs>(), nullptr);
    add(*webhooks, ctx, "show", "show a webhook: filters, state, cursor and lag", run_show,
        std::make_shared<WebhookArgs>(), "webhook");

    auto create_args = std::make_shared<WebhookArgs>();
    auto* create = add(*webhooks, ctx, "create", "add a webhook", run_create, create_args, nullptr);
    create->add_option("--url", create_args->url, "where events are POSTed")->required();
    add_fields(*create, *create_args);

    auto update_args = std::make_shared<WebhookArgs>();
    auto* update = add(*webhooks, ctx, "update", "change a webhook (PATCH): the flags given",
                       run_update, update_args, "webhook");
    update->add_option("--url", update_args->url, "where events are POSTed");
    add_fields(*update, *update_args);
    update->add_flag("--all-types", update_args->all_types, "drop the type filter: every type")
        ->excludes("--type");
    update
        ->add_flag("--all-subjects", update_args->all_subjects,
                   "drop the subject filter: every subject")
        ->excludes("--subject");
    update->add_option("--state", update_args->state, "active, or paused (deliveries wait)")
        ->check(CLI::IsMember({"active", "paused"}));

    add(*webhooks, ctx, "delete", "remove a webhook", run_delete, std::make_shared<WebhookArgs>(),
        "webhook");
    add(*webhooks, ctx, "test", "send one org.vergegrid.webhook.test event now; exit 1 if refused",
        run_test, std::make_shared<WebhookArgs>(), "webhook");
    add_deliveries(*webhooks, ctx, "webhook");

    auto* subscriptions = app.add_subcommand(
        "subscriptions", "everything the events go to: webhooks and configured sinks (admin)");
    subscriptions->require_subcommand(1);
    add(*subscriptions, ctx, "list", "list subscriptions (ID SINK NAME STATE CURSOR LAG)",
        run_subscriptions, std::make_shared<WebhookArgs>(), nullptr);
    add_deliveries(*subscriptions, ctx, "subscription");
}

}  // namespace vergegrid::cli
