#include "cli/operation_watch.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <exception>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "cli/event_tail.hpp"
#include "cli/operation_board.hpp"
#include "cli/stop_signals.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

namespace {

// The stream thread's way to wake the main loop's poll().
class Wakeup {
  public:
    Wakeup() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
        if (fd_ < 0) {
            throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
        }
    }
    ~Wakeup() { close(fd_); }
    Wakeup(const Wakeup&) = delete;
    Wakeup& operator=(const Wakeup&) = delete;

    int fd() const { return fd_; }
    void ring() const {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = write(fd_, &one, sizeof one);
    }
    void drain() const {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto got = read(fd_, &count, sizeof count);
    }

  private:
    int fd_;
};

// What the stream thread tells the main loop, under `mutex`.
struct StreamState {
    std::mutex mutex;
    std::condition_variable stop_requested;
    bool stopping = false;
    bool ended = false;
    std::exception_ptr error;
    std::string notes;  // "(event stream: ...; reconnecting ...)" lines for stderr
};

struct StreamStopped {};

// The stream thread: events wake the main loop; reconnect delays end early when it stops.
void follow(HttpClient& http, StreamState& state, const Wakeup& wakeup) {
    Api api(http);
    std::ostringstream unused;
    std::ostringstream notes;
    TailOptions options;
    options.on_event = [&](const Json&) { wakeup.ring(); };
    options.sleep = [&](std::chrono::milliseconds delay) {
        std::unique_lock lock(state.mutex);
        state.notes += notes.str();
        notes.str("");
        wakeup.ring();
        if (state.stop_requested.wait_for(lock, delay, [&] { return state.stopping; })) {
            throw StreamStopped{};
        }
    };
    std::exception_ptr error;
    try {
        tail_events(api, options, unused, notes);
    } catch (const StreamStopped&) {
    } catch (...) {
        error = std::current_exception();
    }
    const std::lock_guard lock(state.mutex);
    state.notes += notes.str();
    state.error = error;
    state.ended = true;
    wakeup.ring();
}

std::string clock_time() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char text[16];
    std::strftime(text, sizeof text, "%H:%M:%S", &local);
    return text;
}

class Printer {
  public:
    Printer(Context& ctx, const WatchOptions& options) : ctx_(ctx), options_(options) {}

    void show(const std::vector<OperationChange>& changes, const OperationBoard& board) {
        std::ostream& out = ctx_.io.out;
        if (ctx_.structured()) {
            for (const auto& change : changes) {
                print_stream_document(out, ctx_.format(), change_document(change));
            }
        } else if (ctx_.io.out_is_terminal) {
            if (first_ || !changes.empty()) {
                out << "\x1b[H\x1b[2J"
                    << "operations (newest " << options_.limit << ") at " << clock_time()
                    << ", following events; Ctrl-C ends\n\n";
                print_table(out, operation_columns(), board.rows());
                for (const auto& change : changes) {
                    if (change.change != "listed") {
                        out << '\n' << change_line(change);
                    }
                }
                out << '\n';
            }
        } else if (first_) {
            print_table(out, operation_columns(), board.rows());
        } else {
            for (const auto& change : changes) {
                out << change_line(change) << '\n';
            }
        }
        first_ = false;
        out.flush();
    }

  private:
    Context& ctx_;
    const WatchOptions& options_;
    bool first_ = true;
};

Json newest(Api& api, const WatchOptions& options) {
    ListOptions list;
    list.limit = options.limit;
    list.cursor_param = "before";
    const Json answer = api.list("/operations", options.query, list);
    return answer.is_object() ? answer.value("items", Json::array()) : Json::array();
}

// Waits for a signal, the stream thread or the interval; the signal's name when one came.
std::optional<std::string> wait(StopSignals& signals, const Wakeup& wakeup,
                                std::chrono::milliseconds interval) {
    pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {wakeup.fd(), POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(interval.count())) < 0 && errno != EINTR) {
        throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    wakeup.drain();
    return signals.received();
}

}  // namespace

void watch_operations(Context& ctx, const WatchOptions& options) {
    Api& api = ctx.api();
    const std::unique_ptr<HttpClient> stream_http = ctx.new_http_client();
    StopSignals signals;  // before the stream thread starts: it inherits the blocked signals
    const Wakeup wakeup;
    StreamState state;
    OperationBoard board(options.states);
    Printer printer(ctx, options);
    printer.show(board.update(newest(api, options)), board);

    std::thread follower([&] { follow(*stream_http, state, wakeup); });
    const auto stop_follower = [&] {
        {
            const std::lock_guard lock(state.mutex);
            state.stopping = true;
        }
        state.stop_requested.notify_all();
        stream_http->interrupt();
        follower.join();
    };
    try {
        for (;;) {
            const auto interval = board.any_open() ? options.open_interval : options.idle_interval;
            if (const auto signal = wait(signals, wakeup, interval)) {
                stop_follower();
                ctx.io.err << "stopped watching operations (" << *signal << ")\n";
                return;
            }
            std::string notes;
            bool ended = false;
            std::exception_ptr error;
            {
                const std::lock_guard lock(state.mutex);
                notes.swap(state.notes);
                ended = state.ended;
                error = state.error;
            }
            ctx.io.err << notes;
            if (ended) {
                follower.join();
                try {
                    if (error) {
                        std::rethrow_exception(error);
                    }
                } catch (const CliError& e) {
                    throw CliError(e.code(), std::string("the event stream ended: ") + e.what());
                }
                throw CliError(ExitCode::server_error, "the event stream ended");
            }
            try {
                printer.show(board.update(newest(api, options)), board);
            } catch (const CliError& e) {
                // The server is away (a restart): the stream reconnects, and so does the list.
                if (e.code() != ExitCode::unreachable) {
                    throw;
                }
                ctx.io.err << "(operations: " << e.what() << "; trying again)\n";
            }
        }
    } catch (...) {
        if (follower.joinable()) {
            stop_follower();
        }
        throw;
    }
}

}  // namespace vergegrid::cli
