// events list|tail: the event outbox (GET /events) and its live stream (GET /events/stream, Server-
// Sent Events), in the API's words: after, type (an exact type or a prefix ending in '*'), subject.
#include <memory>

#include "cli/answer_check.hpp"
#include "cli/commands.hpp"
#include "cli/event_tail.hpp"
#include "cli/event_views.hpp"

namespace vergegrid::cli {

namespace {

struct EventArgs {
    long long after = -1;  // -1: not given
    std::string type;
    std::string subject;
    int limit = 0;
    long long count = 0;
    bool json = false;
};

Query filters(const EventArgs& args) {
    Query query;
    if (!args.type.empty()) {
        query.emplace_back("type", args.type);
    }
    if (!args.subject.empty()) {
        query.emplace_back("subject", args.subject);
    }
    return query;
}

void run_list(Context& ctx, const EventArgs& args) {
    Query query;
    if (args.after >= 0) {
        query.emplace_back("after", std::to_string(args.after));
    }
    for (auto& filter : filters(args)) {
        query.push_back(std::move(filter));
    }
    if (args.limit > 0) {
        query.emplace_back("limit", std::to_string(args.limit));
    }
    const Json answer = ctx.api().get("/events", query);
    const AnswerCheck checker("the server's events answer");
    checker.require_object(answer);
    checker.require(answer, "", "items", is_array, "an array");
    if (ctx.structured()) {
        ctx.print(answer);
        return;
    }
    print_table(ctx.io.out, event_columns(), answer["items"]);
    if (args.limit > 0 && answer["items"].size() >= static_cast<std::size_t>(args.limit)) {
        ctx.io.err << "(more events may follow: pass --after " << member_text(answer, "last_seq")
                   << ")\n";
    }
}

void run_tail(Context& ctx, const EventArgs& args) {
    TailOptions options;
    options.filters = filters(args);
    if (args.after >= 0) {
        options.after = std::to_string(args.after);
    }
    if (args.count > 0) {
        options.count = args.count;
    }
    options.format = args.json ? OutputFormat::json : ctx.format();
    tail_events(ctx.api(), options, ctx.io.out, ctx.io.err);
}

void add_filters(CLI::App& command, EventArgs& args) {
    command.add_option("--after", args.after, "only events with a greater sequence number")
        ->check(CLI::NonNegativeNumber);
    command.add_option("--type", args.type,
                       "only this type, or a prefix ending in '*' (org.vergegrid.region.*)");
    command.add_option("--subject", args.subject, "only events about this entity id");
}

}  // namespace

void add_event_commands(CLI::App& app, Context& ctx) {
    auto* events = app.add_subcommand("events", "the event outbox: list it, or follow it live");
    events->require_subcommand(1);

    auto list_args = std::make_shared<EventArgs>();
    auto* list = events->add_subcommand("list", "events in sequence order (SEQ TIME TYPE SUBJECT)");
    add_filters(*list, *list_args);
    list->add_option("--limit", list_args->limit, "the most events shown (1-500)")
        ->check(CLI::Range(1, kMaxPageSize));
    list->callback(
        [&ctx, list_args] { ctx.action = [&ctx, list_args] { run_list(ctx, *list_args); }; });

    auto tail_args = std::make_shared<EventArgs>();
    auto* tail = events->add_subcommand(
        "tail", "print events as they happen, one line each, until Ctrl-C (from now, or --after)");
    add_filters(*tail, *tail_args);
    tail->add_option("--count", tail_args->count, "stop after this many events")
        ->check(CLI::PositiveNumber);
    tail->add_flag("--json", tail_args->json,
                   "print each event's CloudEvent JSON on one line (as -o json does)");
    tail->callback(
        [&ctx, tail_args] { ctx.action = [&ctx, tail_args] { run_tail(ctx, *tail_args); }; });
}

}  // namespace vergegrid::cli
