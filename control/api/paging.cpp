#include "control/api/paging.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>

#include <charconv>
#include <sstream>

#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;

std::string encode_cursor(const std::string& key) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder << key;
    encoder.close();
    return out.str();
}

namespace {
std::string decode_cursor(const std::string& cursor, const std::string& param) {
    try {
        std::istringstream in(cursor);
        Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        std::string key((std::istreambuf_iterator<char>(decoder)),
                        std::istreambuf_iterator<char>());
        return key;
    } catch (const std::exception&) {
        throw ApiError::invalid_field(param, "is not a cursor this server issued");
    }
}
}  // namespace

PageRequest page_request(const kernel::http::Request& request, const std::string& cursor_param) {
    PageRequest page;
    if (auto it = request.query.find("limit"); it != request.query.end()) {
        int limit = 0;
        const auto& text = it->second;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
        if (ec != std::errc{} || ptr != text.data() + text.size() || limit < 1 ||
            limit > kMaxPageSize) {
            throw ApiError::invalid_field(
                "limit", "must be an integer between 1 and " + std::to_string(kMaxPageSize));
        }
        page.limit = limit;
    }
    if (auto it = request.query.find(cursor_param);
        it != request.query.end() && !it->second.empty()) {
        page.after = decode_cursor(it->second, cursor_param);
        if (page.after.empty()) {
            throw ApiError::invalid_field(cursor_param, "is not a cursor this server issued");
        }
    }
    return page;
}

}  // namespace vergegrid::control
