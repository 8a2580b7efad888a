#include "control/api/sim_snapshot_routes.hpp"

#include <charconv>
#include <regex>

#include "control/api/route_permission.hpp"
#include "control/api/simulator_caller.hpp"
#include "control/api/snapshot_content.hpp"
#include "control/common/json_reader.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;

namespace {

constexpr std::size_t kChunkSlack = 64 * 1024;

std::uint64_t digits_value(const std::string& text) {
    std::uint64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// Content-Range: bytes FIRST-LAST/TOTAL; the body may hold at most snapshots.max_chunk_bytes.
UploadChunk read_chunk(const Request& request, std::uint64_t max_chunk_bytes) {
    static const std::regex pattern(R"(bytes ([0-9]{1,19})-([0-9]{1,19})/([0-9]{1,19}))");
    std::smatch match;
    const auto range = request.header("content-range");
    if (!std::regex_match(range, match, pattern)) {
        throw ApiError(400, "invalid_content_range", "must be bytes FIRST-LAST/TOTAL",
                       "Content-Range");
    }
    if (request.body.size() > max_chunk_bytes) {
        throw ApiError(413, "chunk_too_large",
                       "a chunk holds at most " + std::to_string(max_chunk_bytes) + " bytes",
                       "Content-Range");
    }
    UploadChunk chunk{request.path_params.at("id"),
                      digits_value(match[1]),
                      digits_value(match[2]),
                      digits_value(match[3]),
                      request.header("x-content-sha256"),
                      request.body};
    if (chunk.last < chunk.first || chunk.last >= chunk.total ||
        request.body.size() != chunk.last - chunk.first + 1) {
        throw ApiError(400, "invalid_content_range",
                       "must be bytes FIRST-LAST/TOTAL with LAST < TOTAL and the body's length",
                       "Content-Range");
    }
    return chunk;
}

ProgressReport read_progress(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    ProgressReport report;
    report.operation_id = static_cast<std::int64_t>(digits_value(request.path_params.at("id")));
    report.fraction = reader.number("fraction", 0.0, 1.0).value_or(0.0);
    report.bytes_done =
        static_cast<std::int64_t>(reader.number("bytes_done", 0, 9.0e15).value_or(0.0));
    report.bytes_total =
        static_cast<std::int64_t>(reader.number("bytes_total", 0, 9.0e15).value_or(0.0));
    report.phase = reader.string("phase", 16).value_or("");
    reader.reject_unknown();
    return report;
}

Response upload_answer(const UploadState& state) {
    return Response::json(
        200,
        {{"snapshot_id", state.snapshot_id}, {"received", state.received}, {"state", state.state}});
}

}  // namespace

void add_sim_snapshot_routes(kernel::http::Router& router,
                             std::shared_ptr<const SnapshotService> snapshots) {
    router.add("GET", "/api/v1/sim/snapshots/{id}/upload", Permission::simulator,
               [snapshots](const Request& request) {
                   return upload_answer(snapshots->upload_status(simulator_caller(request),
                                                                 request.path_params.at("id")));
               });
    // The route's own body limit: a chunk, whatever http.max_body_bytes says (a little slack so
    // that the handler, not the kernel, names the limit for a chunk just over it).
    router.add(
        "PUT", "/api/v1/sim/snapshots/{id}/upload", Permission::simulator,
        [snapshots](const Request& request) {
            const auto chunk = read_chunk(request, snapshots->settings().max_chunk_bytes);
            return upload_answer(snapshots->upload(simulator_caller(request), chunk));
        },
        snapshots->settings().max_chunk_bytes + kChunkSlack);
    router.add("GET", "/api/v1/sim/snapshots/{id}/content", Permission::simulator,
               [snapshots](const Request& request) {
                   return content_response(request,
                                           snapshots->content_for(simulator_caller(request),
                                                                  request.path_params.at("id")));
               });
    router.add("POST", "/api/v1/sim/operations/{id}/progress", Permission::simulator,
               [snapshots](const Request& request) {
                   snapshots->report_progress(simulator_caller(request), read_progress(request));
                   return Response{204, "application/json", "", {}};
               });
}

}  // namespace vergegrid::control
