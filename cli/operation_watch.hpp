// watch operations: the operations listed, then kept current until SIGINT or SIGTERM. The event
// stream (cli/event_tail.hpp, on a thread and a connection of its own, reconnecting with
// Last-Event-ID) says when to read the list again; a bridge picking an operation up is no event,
// so while a shown operation is pending or delivered the list is also read every `open_interval`
// (as the console's operations page does), else every `idle_interval` (which also covers what
// happened between the first listing and the stream's first connection, which starts "from now").
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cli/context.hpp"

namespace vergegrid::cli {

struct WatchOptions {
    Query query;                      // simulator_id, region_id: filtered by the server
    std::vector<std::string> states;  // shown states (all when empty)
    int limit = 50;                   // the newest this many operations are watched
    std::chrono::milliseconds open_interval{2000};
    std::chrono::milliseconds idle_interval{5000};
};

// Table: on a terminal (Io::out_is_terminal) the table is redrawn in place at each change;
// elsewhere it is printed once, then one line per change. json/yaml: one document per operation
// at the start and per change (NDJSON, or YAML documents). Ends with exit code 0 on SIGINT or
// SIGTERM; throws when the event stream ends with an error (a 4xx, an answer that is no stream).
void watch_operations(Context& ctx, const WatchOptions& options);

}  // namespace vergegrid::cli
