#include "cli/api.hpp"

#include <Poco/URI.h>

#include "strict_json/strict_json.hpp"

#include <set>

namespace vergegrid::cli {

namespace {

constexpr std::size_t kMaxQuotedBytes = 200;
constexpr const char* kReservedInPath = "/?#[]@!$&'()*+,;=%";
constexpr const char* kReservedInQuery = "/?#[]@!$&'()*+,;=%:";

// A short, printable excerpt of a body for error messages.
std::string excerpt(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, kMaxQuotedBytes)) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte < 0x20 || byte == 0x7f) ? ' ' : c;
    }
    if (text.size() > kMaxQuotedBytes) {
        out += "...";
    }
    const auto last = out.find_last_not_of(' ');
    return last == std::string::npos ? std::string() : out.substr(0, last + 1);
}

// Whether the server's answer is JSON the CLI may hold and print: strict_json's limits (nesting,
// repeated keys) keep a hostile server from overflowing the stack in dump().
std::optional<std::string> refusal(std::string_view text) {
    try {
        strict_json::check(text);
        return std::nullopt;
    } catch (const strict_json::Refused& e) {
        return std::string(e.what());
    }
}

std::string string_member(const Json& object, const char* key) {
    if (object.is_object()) {
        if (auto it = object.find(key); it != object.end() && it->is_string()) {
            return it->get<std::string>();
        }
    }
    return {};
}

std::string status_line(const HttpResponse& response) {
    std::string line = "HTTP " + std::to_string(response.status);
    if (!response.reason.empty()) {
        line += " " + excerpt(response.reason);
    }
    return line;
}

}  // namespace

std::string api_target(const std::string& path, const Query& query) {
    // Built by hand: Poco::URI::setPath() would decode the %2F of an encoded segment.
    std::string target = "/api/v1" + path;
    char separator = '?';
    for (const auto& [name, value] : query) {
        target += separator;
        Poco::URI::encode(name, kReservedInQuery, target);
        target += '=';
        Poco::URI::encode(value, kReservedInQuery, target);
        separator = '&';
    }
    return target;
}

std::string path_segment(std::string_view text) {
    std::string encoded;
    Poco::URI::encode(std::string(text), kReservedInPath, encoded);
    return encoded;
}

ExitCode exit_code_for_status(int status) {
    if (status >= 200 && status < 300) {
        return ExitCode::ok;
    }
    if (status == 404) {
        return ExitCode::not_found;
    }
    if (status == 409 || status == 412) {
        return ExitCode::conflict;
    }
    return ExitCode::server_error;
}

std::string error_summary(const HttpResponse& response) {
    Json body;
    if (!refusal(response.body)) {
        body = Json::parse(response.body, nullptr, false);
    }
    const Json error = body.is_object() && body.contains("error") ? body["error"] : Json();
    const std::string code = string_member(error, "code");
    const std::string message = string_member(error, "message");
    if (code.empty() && message.empty()) {
        const std::string text = excerpt(response.body);
        return status_line(response) + (text.empty() ? "" : ": " + text);
    }
    std::string summary = (code.empty() ? status_line(response) : excerpt(code)) + ": " +
                          (message.empty() ? status_line(response) : excerpt(message));
    if (const std::string field = string_member(error, "field"); !field.empty()) {
        summary += " (field: " + excerpt(field) + ")";
    }
    return summary;
}

void check_status(const HttpResponse& response) {
    const ExitCode code = exit_code_for_status(response.status);
    if (code != ExitCode::ok) {
        throw CliError(code, error_summary(response));
    }
}

Json parse_answer(const HttpResponse& response) {
    // accept() checks the grammar without building anything, so it is safe on any depth.
    if (Json::accept(response.body)) {
        if (const auto refused = refusal(response.body)) {
            throw CliError(ExitCode::server_error, "the server's answer is refused: " + *refused);
        }
        return Json::parse(response.body);
    }
    const std::string type =
        response.content_type.empty() ? "no content type" : excerpt(response.content_type);
    const std::string text = excerpt(response.body);
    throw CliError(ExitCode::server_error, "the server's answer is not JSON (" +
                                               status_line(response) + ", " + type + ")" +
                                               (text.empty() ? "" : ": " + text));
}

HttpResponse Api::call(const std::string& method, const std::string& path, const Query& query,
                       const std::optional<Json>& body,
                       const std::optional<std::string>& if_match) {
    HttpRequest request{method, api_target(path, query), std::nullopt, {}};
    if (body) {
        request.body = body->dump();
    }
    if (if_match) {
        request.headers.emplace_back("If-Match", "\"" + *if_match + "\"");
    }
    HttpResponse response = http_.send(request);
    check_status(response);
    return response;
}

Json Api::get(const std::string& path, const Query& query) {
    return parse_answer(call("GET", path, query, std::nullopt, std::nullopt));
}

std::string Api::get_text(const std::string& path) {
    return call("GET", path, {}, std::nullopt, std::nullopt).body;
}

Json Api::send(const std::string& method, const std::string& path, const std::optional<Json>& body,
               const std::optional<std::string>& if_match, const Query& query) {
    const HttpResponse response = call(method, path, query, body, if_match);
    if (response.status == 204 || response.body.empty()) {
        return nullptr;
    }
    return parse_answer(response);
}

HttpResponse Api::download(const std::string& path, const std::optional<std::string>& range,
                           const SinkOpener& open) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (range) {
        headers.emplace_back("Range", *range);
    }
    HttpResponse response = stream(path, {}, headers, open);
    check_status(response);
    return response;
}

HttpResponse Api::stream(const std::string& path, const Query& query,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         const SinkOpener& open) {
    HttpRequest request{"GET", api_target(path, query), std::nullopt, headers};
    return http_.stream(request, open);
}

Json Api::list(const std::string& path, Query query, const ListOptions& options) {
    const int page_size = options.limit.value_or(options.all ? kMaxPageSize : 0);
    if (page_size > 0) {
        query.emplace_back("limit", std::to_string(page_size));
    }
    Json page = get(path, query);
    const auto check_shape = [](const Json& answer) {
        if (!answer.is_object() || !answer.contains("items") || !answer["items"].is_array()) {
            throw CliError(ExitCode::server_error,
                           "the server's answer is not a list (no \"items\" array)");
        }
        const Json next = answer.value("next", Json());
        if (!next.is_null() && (!next.is_string() || next.get<std::string>().empty())) {
            throw CliError(ExitCode::server_error,
                           "the server's answer has a \"next\" that is not a cursor");
        }
        return next.is_null() ? std::optional<std::string>() : next.get<std::string>();
    };
    auto next = check_shape(page);
    if (!options.all) {
        return page;
    }
    Json merged = page;
    std::set<std::string> seen;
    while (next) {
        if (!seen.insert(*next).second) {
            throw CliError(ExitCode::server_error,
                           "the server sent the same list cursor twice; stopping");
        }
        Query next_query = query;
        next_query.emplace_back(options.cursor_param, *next);
        page = get(path, next_query);
        next = check_shape(page);
        for (auto& item : page["items"]) {
            merged["items"].push_back(std::move(item));
        }
    }
    merged["next"] = nullptr;
    return merged;
}

}  // namespace vergegrid::cli
