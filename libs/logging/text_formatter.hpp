// The text log format for people: "2026-01-02 10:00:00.123 info  [vergegrid] message", with the
// message's control characters escaped. A message may carry bytes from a client (a request
// target, a user name, a header value): unescaped, a "\n" there would forge a log line and an ESC
// would drive the reader's terminal.
#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string_view>

namespace vergegrid::logging {

// Appends `text` to `out` with C0 controls and DEL as \n, \r, \t or \xHH, and the C1 controls
// (U+0080 to U+009F, UTF-8 C2 80 to C2 9F) as \u00HH. Everything else, UTF-8 included, as is.
void append_escaped(std::string_view text, spdlog::memory_buf_t& out);

std::unique_ptr<spdlog::formatter> make_text_formatter();

}  // namespace vergegrid::logging
