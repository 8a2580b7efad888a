// Puts a Response on the wire through Poco, with the headers the server owns.
#pragma once

#include <Poco/Net/HTTPServerResponse.h>

#include <string>

#include "kernel/http/response.hpp"

namespace vergegrid::kernel::http {

// Handler headers that are not valid (CR/LF in a value, a name that is not a token) or that the
// server owns (Content-Length, Transfer-Encoding, Connection, X-Request-Id) are dropped. A status
// outside 100–599 is sent as 500. Throws ConnectionLost or a Poco exception when the client is
// gone, StreamAborted when a streamed body's source fails half-way (the connection must close).
// `send_body` is false for HEAD: the length is announced, the body is not sent (nor read).
void write_response(Poco::Net::HTTPServerResponse& out, const Response& response,
                    const std::string& request_id, bool keep_alive, bool send_body = true);

}  // namespace vergegrid::kernel::http
