// The NATS subject of an event: <prefix>.<type>.<subject> (docs/events.md, "NATS"). An event's
// type keeps its dots (each part one token: org.vergegrid.region.created); the entity id is one
// token, so a '.', '*', '>', whitespace or control character in it becomes '_', as does one in
// a part of the type. An empty token becomes "_".
#pragma once

#include <string>
#include <string_view>

namespace vergegrid::event_sink {

std::string nats_subject(std::string_view prefix, std::string_view type, std::string_view subject);

// True when `prefix` is one or more non-empty tokens joined by '.', none holding a wildcard
// ('*', '>'), whitespace or a control character.
bool is_valid_subject_prefix(std::string_view prefix);

// True for a JetStream stream name: non-empty, at most 255 bytes, no '.', '*', '>', '/', '\\',
// whitespace or control characters.
bool is_valid_stream_name(std::string_view name);

}  // namespace vergegrid::event_sink
