// events tail: GET /events/stream (Server-Sent Events) followed for as long as it runs. The server
// ends each response after a batch (or a quiet ~25 s); each reconnect sends Last-Event-ID, so no
// event is missed or printed twice. Once the stream has answered, a broken connection or a 5xx
// answer (a restart, a leader change) is retried after the stream's `retry:` delay, doubled per
// failure up to 30 s; a first connection that fails, or a 4xx, ends the command.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "cli/api.hpp"
#include "cli/output.hpp"

namespace vergegrid::cli {

struct TailOptions {
    Query filters;                     // type, subject: sent on every connection
    std::optional<std::string> after;  // the first connection's ?after= (none: from now)
    std::optional<long long> count;    // stop after this many events
    // table: the summary line; json: the CloudEvent on one line; yaml: a YAML document each.
    OutputFormat format = OutputFormat::table;
    std::function<void(std::chrono::milliseconds)> sleep;  // defaults to sleeping the thread
    // When set, each event's CloudEvent goes here instead of being printed (watch operations).
    std::function<void(const Json& event)> on_event;
};

void tail_events(Api& api, const TailOptions& options, std::ostream& out, std::ostream& err);

}  // namespace vergegrid::cli
