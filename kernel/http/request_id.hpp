// Request ids tie a client's report, the access log and error logs together.
#pragma once

#include <string>
#include <string_view>

namespace vergegrid::kernel::http {

// 1–128 characters of [A-Za-z0-9._:+/=-]: enough for UUIDs and tracing ids, nothing that could
// forge a log line or a header.
bool is_acceptable_request_id(std::string_view id);

// 32 random hex digits.
std::string new_request_id();

// The client's X-Request-Id when acceptable, a new one otherwise.
std::string choose_request_id(std::string_view client_value);

}  // namespace vergegrid::kernel::http
