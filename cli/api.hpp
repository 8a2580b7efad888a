// Calls to the REST API under /api/v1 (docs/api.md): JSON in and out, error answers turned into
// CliErrors with the exit code scripts rely on, and list pages followed when asked.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/http_client.hpp"

namespace vergegrid::cli {

// ordered_json keeps the server's key order, so `-o json` prints its answer as it came.
using Json = nlohmann::ordered_json;
using Query = std::vector<std::pair<std::string, std::string>>;

inline constexpr int kMaxPageSize = 500;

struct ListOptions {
    std::optional<int> limit;  // page size; without `all`, the most items shown
    bool all = false;          // follow `next` until the last page
    std::string cursor_param = "after";
};

class Api {
  public:
    explicit Api(HttpClient& http) : http_(http) {}

    Json get(const std::string& path, const Query& query = {});
    std::string get_text(const std::string& path);
    // POST, PATCH or DELETE; an empty answer (204) gives null. `if_match` is a bare version.
    Json send(const std::string& method, const std::string& path, const std::optional<Json>& body,
              const std::optional<std::string>& if_match = std::nullopt, const Query& query = {});
    // A GET whose 200 or 206 body goes where `open` says, in bounded chunks; `range` is a Range
    // header value ("bytes=100-"). Error answers throw as for get().
    HttpResponse download(const std::string& path, const std::optional<std::string>& range,
                          const SinkOpener& open);
    // A GET whose 200 body goes where `open` says as its bytes arrive (an event stream), with
    // extra request headers. Any answer is returned: the caller checks its status.
    HttpResponse stream(const std::string& path, const Query& query,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        const SinkOpener& open);
    // {"items":[...],"next":...}; with options.all, every page merged and "next" null.
    Json list(const std::string& path, Query query, const ListOptions& options);

  private:
    HttpResponse call(const std::string& method, const std::string& path, const Query& query,
                      const std::optional<Json>& body, const std::optional<std::string>& if_match);

    HttpClient& http_;
};

// "/api/v1" + path + the query, percent-encoded.
std::string api_target(const std::string& path, const Query& query);
// One path segment (an id), percent-encoded.
std::string path_segment(std::string_view text);

ExitCode exit_code_for_status(int status);
// "code: message (field: f)" from an error answer; something readable for any other body.
std::string error_summary(const HttpResponse& response);
// Throws the CliError an answer outside 2xx stands for.
void check_status(const HttpResponse& response);
// The body as JSON; CliError(server_error) when it is not JSON or breaks strict_json's limits
// (nesting, repeated keys).
Json parse_answer(const HttpResponse& response);

}  // namespace vergegrid::cli
