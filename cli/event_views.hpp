// How the event bus's answers read in table mode (docs/api.md, the event routes): the columns of
// events, webhooks, subscriptions and deliveries, and the one line `events tail` prints per event.
#pragma once

#include <string>
#include <vector>

#include "cli/output.hpp"

namespace vergegrid::cli {

// GET /events items ({"seq","event":{CloudEvent}}): SEQ TIME TYPE SUBJECT.
std::vector<Column> event_columns();
// ID NAME STATE URL TYPES SUBJECTS CURSOR LAG; empty types or subjects read "all".
std::vector<Column> webhook_columns();
// ID SINK NAME STATE CURSOR LAG.
std::vector<Column> subscription_columns();
// ID EVENT_SEQ EVENT_TYPE AT STATE ATTEMPT STATUS DURATION_MS ERROR.
std::vector<Column> delivery_columns();

// "<seq>  <time>  <type>  <subject>" for a CloudEvent received with the SSE id `seq`.
std::string event_line(const std::string& seq, const Json& event);

}  // namespace vergegrid::cli
