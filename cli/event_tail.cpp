#include "cli/event_tail.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "cli/event_views.hpp"
#include "cli/sse_parser.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::cli {

namespace {

constexpr long long kDefaultRetryMs = 500;  // until the stream's `retry:` says otherwise
constexpr long long kMaxBackoffMs = 30'000;
// `retry: 0` must not make reconnecting a busy loop, nor a huge one stall the command.
constexpr long long kMinRetryMs = 10;

// Thrown from the body sink once --count events are printed; ends the exchange early.
struct Enough {};

Json event_document(const SseEvent& event) {
    const std::string which = event.id.empty() ? "an event" : "event " + cell(Json(event.id));
    try {
        strict_json::check(event.data);
    } catch (const strict_json::Refused& e) {
        throw CliError(ExitCode::server_error,
                       "the server sent " + which + " whose data is not JSON: " + e.what());
    }
    Json document = Json::parse(event.data);
    if (!document.is_object()) {
        throw CliError(ExitCode::server_error,
                       "the server sent " + which + " whose data is not a JSON object");
    }
    return document;
}

class Tail {
  public:
    Tail(Api& api, const TailOptions& options, std::ostream& out, std::ostream& err)
        : api_(api), options_(options), out_(out), err_(err) {}

    void run() {
        int failures = 0;
        for (;;) {
            std::optional<std::string> trouble;
            try {
                trouble = connect();
            } catch (const Enough&) {
                return;
            } catch (const CliError& e) {
                if (e.code() != ExitCode::unreachable || !answered_) {
                    throw;
                }
                trouble = e.what();
            }
            if (trouble) {
                const long long delay =
                    std::min(kMaxBackoffMs, retry_ms_ << std::min(failures, 16));
                ++failures;
                err_ << "(event stream: " << *trouble << "; reconnecting in " << delay << " ms)\n";
                err_.flush();
                wait(delay);
                continue;
            }
            failures = 0;
            // A response that brought events is followed at once: the server ended it after a
            // batch. An empty one waits the retry delay, so a server that ends every response at
            // once cannot make this a busy loop.
            if (printed_in_response_ == 0) {
                wait(retry_ms_);
            }
        }
    }

  private:
    // One response, read to its end. What went wrong when it is worth another try, else nothing.
    std::optional<std::string> connect() {
        Query query = options_.filters;
        std::vector<std::pair<std::string, std::string>> headers{{"Accept", "text/event-stream"},
                                                                 {"Cache-Control", "no-cache"}};
        if (!last_event_id_.empty()) {
            headers.emplace_back("Last-Event-ID", last_event_id_);  // wins over ?after=
        } else if (options_.after) {
            query.emplace_back("after", *options_.after);
        }
        printed_in_response_ = 0;
        SseParser parser([this](const SseEvent& event) { print(event); });
        parser.resume_from(last_event_id_);
        const HttpResponse response = api_.stream(
            "/events/stream", query, headers, [&](const HttpResponse& head) -> BodySink {
                if (head.status != 200 || head.content_type.rfind("text/event-stream", 0) != 0) {
                    throw CliError(ExitCode::server_error,
                                   "the server's answer to GET /api/v1/events/stream is not an "
                                   "event stream (HTTP " +
                                       std::to_string(head.status) + ", " +
                                       (head.content_type.empty() ? std::string("no content type")
                                                                  : cell(Json(head.content_type))) +
                                       ")");
                }
                answered_ = true;
                return [this, &parser](const char* data, std::size_t size) {
                    try {
                        parser.feed(std::string_view(data, size));
                    } catch (const std::length_error& e) {
                        throw CliError(ExitCode::server_error,
                                       std::string("the server's event stream: ") + e.what());
                    }
                    // Kept as they come, so a connection that breaks off later still resumes
                    // from here: id-only messages move the resume point too (the stream's start).
                    last_event_id_ = parser.last_event_id();
                    if (parser.retry_ms()) {
                        retry_ms_ = std::clamp(*parser.retry_ms(), kMinRetryMs, kMaxBackoffMs);
                    }
                };
            });
        if (response.status >= 500 && answered_) {
            return error_summary(response);
        }
        check_status(response);
        if (response.status != 200) {
            throw CliError(ExitCode::server_error,
                           "the server's answer to GET /api/v1/events/stream is not an event "
                           "stream (HTTP " +
                               std::to_string(response.status) + ")");
        }
        return std::nullopt;
    }

    void print(const SseEvent& event) {
        const Json document = event_document(event);
        if (options_.on_event) {
            options_.on_event(document);
        } else if (options_.format != OutputFormat::table) {
            print_stream_document(out_, options_.format, document);
        } else {
            out_ << event_line(event.id.empty() ? std::string("-") : event.id, document) << '\n';
        }
        out_.flush();
        ++printed_in_response_;
        ++printed_;
        if (options_.count && printed_ >= *options_.count) {
            throw Enough{};
        }
    }

    void wait(long long ms) {
        const std::chrono::milliseconds delay(ms);
        if (options_.sleep) {
            options_.sleep(delay);
        } else {
            std::this_thread::sleep_for(delay);
        }
    }

    Api& api_;
    const TailOptions& options_;
    std::ostream& out_;
    std::ostream& err_;
    std::string last_event_id_;
    long long retry_ms_ = kDefaultRetryMs;
    bool answered_ = false;  // the stream has answered once: later failures are retried
    long long printed_ = 0;
    long long printed_in_response_ = 0;
};

}  // namespace

void tail_events(Api& api, const TailOptions& options, std::ostream& out, std::ostream& err) {
    Tail(api, options, out, err).run();
}

}  // namespace vergegrid::cli
