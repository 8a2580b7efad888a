#include "kernel/http/request.hpp"

#include "kernel/http/api_error.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::kernel::http {

std::string Request::header(std::string_view lower_name) const {
    const auto it = headers.find(std::string(lower_name));
    return it == headers.end() ? std::string() : it->second;
}

// Beyond what request.hpp says: a body nested deeper than strict_json::max_depth (64) or
// repeating a key inside one object is refused with the same 400 "invalid_json".
nlohmann::json Request::json_body() const {
    if (body.empty()) {
        throw ApiError(400, "invalid_json",
                       "the request body is empty; a JSON document is expected");
    }
    try {
        // Nesting is limited and duplicate keys refused (strict_json says why): nothing built
        // from a body can overflow the stack when it is later stored, logged or sent back.
        return strict_json::parse(body);
    } catch (const strict_json::Refused& e) {
        throw ApiError(400, "invalid_json",
                       std::string("the request body is refused: ") + e.what());
    }
}

}  // namespace vergegrid::kernel::http
