#include "kernel/http/url_encoding.hpp"

#include "kernel/http/api_error.hpp"

namespace vergegrid::kernel::http {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// `raw_key` names the parameter in the error, so the client knows which one to fix.
std::string decode_query_part(std::string_view part, std::string_view raw_key) {
    auto decoded = percent_decode(part, true);
    if (!decoded) {
        throw ApiError(400, "invalid_query", "malformed percent-encoding in the query string",
                       std::string(raw_key));
    }
    return std::move(*decoded);
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
    std::map<std::string, std::string> result;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        const auto raw_key = pair.substr(0, eq);
        std::string key = decode_query_part(raw_key, raw_key);
        std::string value = eq == std::string_view::npos
                                ? std::string()
                                : decode_query_part(pair.substr(eq + 1), raw_key);
        result.insert_or_assign(std::move(key), std::move(value));
    }
    return result;
}

}  // namespace vergegrid::kernel::http
