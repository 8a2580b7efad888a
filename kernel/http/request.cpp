#include "kernel/http/request.hpp"

#include "kernel/http/api_error.hpp"

namespace vergegrid::kernel::http {

std::string Request::header(std::string_view lower_name) const {
    const auto it = headers.find(std::string(lower_name));
    return it == headers.end() ? std::string() : it->second;
}

nlohmann::json Request::json_body() const {
    if (body.empty()) {
        throw ApiError(400, "invalid_json",
                       "the request body is empty; a JSON document is expected");
    }
    try {
        // The parser rejects ill-formed UTF-8 inside strings, so the result can be dumped safely.
        return nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
        // e.what() quotes the body; the byte offset is enough for the client to find the fault.
        throw ApiError(
            400, "invalid_json",
            "the request body is not valid JSON (error at byte " + std::to_string(e.byte) + ")");
    }
}

}  // namespace vergegrid::kernel::http
