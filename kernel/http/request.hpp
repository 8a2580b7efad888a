// What a handler sees of an HTTP request: already routed, body read, limits enforced.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace vergegrid::kernel::http {

// Who is calling. Authentication fills it in; until then every caller is anonymous.
struct Caller {
    std::string subject = "anonymous";  // a user's name, or "simulator:<id>"
    std::string role = "anonymous";     // anonymous, viewer, operator, admin, simulator
    std::string user_id;                // set for operators
    std::string simulator_id;           // set for simulators
    // A simulator that called with its previous key, inside the overlap after a rotation: it may
    // pull, beat and report, never rotate again (that would let a stolen old key take over).
    bool previous_key = false;
};

struct Request {
    std::string method;
    std::string path;   // as received, without the query string
    std::string route;  // the matched pattern, e.g. /api/v1/regions/{id}
    std::map<std::string, std::string> path_params;  // percent-decoded
    std::map<std::string, std::string>
        query;  // percent-decoded; a repeated key keeps its last value
    std::map<std::string, std::string>
        headers;  // lower-case names; repeated headers joined with ", "
    std::string body;
    std::string request_id;
    // The peer's IP address as the socket sees it (a reverse proxy's own, behind one).
    std::string client_address;
    Caller caller;

    // The header's value, or "" when absent.
    std::string header(std::string_view lower_name) const;

    // The body parsed as JSON. Throws ApiError 400 "invalid_json" when it is empty, not JSON or
    // not valid UTF-8.
    nlohmann::json json_body() const;
};

}  // namespace vergegrid::kernel::http
