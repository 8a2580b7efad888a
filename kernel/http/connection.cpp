#include "kernel/http/connection.hpp"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <spdlog/spdlog.h>

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <memory>

#include "kernel/http/api_error.hpp"
#include "kernel/http/connection_lost.hpp"
#include "kernel/http/exchange.hpp"
#include "kernel/http/head_peek.hpp"
#include "kernel/http/parking_lot.hpp"

namespace vergegrid::kernel::http {

namespace {

using Clock = std::chrono::steady_clock;

Poco::Timespan to_timespan(std::chrono::milliseconds duration) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(duration.count()) * 1000);
}

Response too_many_parked(std::size_t limit) {
    auto response = Response::error(ApiError(
        503, "too_many_waiting",
        "the server already holds " + std::to_string(limit) + " waiting requests; retry later"));
    response.headers.emplace_back("Retry-After", "1");
    return response;
}

// How long a worker waits for the next request on a keep-alive connection before leaving it to
// the parking lot: about a round trip on a local network, far less than a request takes to serve,
// so a slow client still holds a worker for no longer than that.
constexpr int kNextRequestGraceMs = 1;

// One poll(2). Poco's Socket::poll makes an epoll instance for every call (create, add, wait,
// close: four system calls), and this wait comes between every two requests of a connection.
bool readable_within(int fd, int timeout_ms) {
    pollfd waiting{fd, POLLIN, 0};
    int ready = 0;
    do {
        ready = ::poll(&waiting, 1, timeout_ms);
    } while (ready < 0 && errno == EINTR);
    return ready > 0;
}

// Bounds the reading of a head by a worker (TLS, or one Poco began to buffer with the request
// before) for as long as it is armed: see ParkingLot::guard.
class HeadGuard {
  public:
    HeadGuard(ParkingLot& lot, const Poco::Net::StreamSocket& socket)
        : lot_(lot), socket_(socket) {}
    ~HeadGuard() { release(); }
    HeadGuard(const HeadGuard&) = delete;
    HeadGuard& operator=(const HeadGuard&) = delete;

    void arm(Clock::time_point deadline) {
        release();
        id_ = lot_.guard(socket_, deadline);
    }
    void release() {
        if (id_ != 0) {
            lot_.release_guard(id_);
            id_ = 0;
        }
    }

  private:
    ParkingLot& lot_;
    const Poco::Net::StreamSocket& socket_;
    std::uint64_t id_ = 0;
};

}  // namespace

Connection::Connection(const Poco::Net::StreamSocket& socket, ServerContext& context)
    : Poco::Net::TCPServerConnection(socket), context_(context) {}

void Connection::run() {
    ConnectionTracker::Registration registration(context_.connections, socket());
    if (!registration.accepted()) {
        return;  // dequeued after stop() began: the server no longer takes connections
    }
    bool unread_input = false;
    bool parked = false;
    HeadGuard guard(*context_.parking, socket());
    try {
        // Every blocking read and write is bounded, so a stalled client cannot pin a thread.
        const auto timeout = to_timespan(context_.settings.request_timeout);
        socket().setReceiveTimeout(timeout);
        socket().setSendTimeout(timeout);
        // On the heap: a long poll hands the session (and what it buffered) to the parking lot.
        auto session = std::make_unique<ParkableSession>(socket(), context_.params);
        // Plain HTTP: a worker only ever reads a head already complete in the kernel's buffer;
        // until then the connection waits in the parking lot, without a thread. TLS:
        // hasMoreRequests() waits request_timeout for a first request and the keep-alive timeout
        // for later ones; begin_drain() wakes it by shutting the socket down.
        bool first = true;
        for (;;) {
            if (!socket().secure()) {
                const auto next = next_head(session, first);
                if (next == NextHead::parked) {
                    parked = true;
                    break;
                }
                if (next == NextHead::none) {
                    break;
                }
                if (next == NextHead::pipelined) {
                    guard.arm(Clock::now() + context_.settings.head_timeout);
                }
                if (next == NextHead::malformed) {
                    reject_malformed_head(context_, *session);
                    unread_input = true;
                    break;
                }
                if (next == NextHead::too_large || next == NextHead::target_too_long) {
                    reject_head_too_large(context_, *session, next == NextHead::target_too_long);
                    unread_input = true;
                    break;
                }
                // The first call returns at once (the head is there) and starts the session's
                // count of keep-alive requests, without which Poco refuses keep-alive. The count
                // is unlimited (HTTPServerParams' default), so later calls would only poll the
                // socket again, with four system calls (Poco makes an epoll instance each time).
                if (first && !session->hasMoreRequests()) {
                    break;
                }
            } else {
                // TLS: the handshake (first) and the head are read here, within head_timeout as
                // a whole; the keep-alive wait before a next head is not part of it.
                if (first) {
                    guard.arm(Clock::now() + context_.settings.head_timeout);
                }
                if (!has_more_requests(*session, first)) {
                    break;
                }
                if (!first) {
                    guard.arm(Clock::now() + context_.settings.head_timeout);
                }
            }
            if (first && !socket().secure() && begins_tls_handshake()) {
                reject_tls_handshake(context_, *session);
                unread_input = true;
                break;
            }
            first = false;
            if (!registration.begin_request()) {
                break;
            }
            auto result = serve_next_request(context_, *session, [&guard] { guard.release(); });
            if (result.deferred) {
                const auto refusal = context_.parking->park(socket(), session, result);
                if (refusal == ParkingLot::Refusal::none) {
                    parked = true;  // the lot owns the connection now; this thread is free
                    break;
                }
                result = finish_exchange(context_, *session, result.pending,
                                         refusal == ParkingLot::Refusal::full
                                             ? too_many_parked(context_.settings.max_parked)
                                             : shutting_down_answer());
            }
            unread_input = result.unread_input;
            const bool still_serving = registration.end_request();
            if (!result.keep_alive || !still_serving) {
                break;
            }
        }
    } catch (const ConnectionLost& e) {
        context_.log->debug("connection lost: {}", e.what());
    } catch (const Poco::Exception& e) {
        // Timeouts, resets, a socket shut down by stop(): routine for a server.
        context_.log->debug("connection closed: {}", e.displayText());
    } catch (const std::exception& e) {
        context_.log->warn("connection closed on an unexpected error: {}", e.what());
    }
    if (unread_input && !parked) {
        close_gently();
    }
}

Connection::NextHead Connection::next_head(std::unique_ptr<ParkableSession>& session, bool first) {
    if (session->buffered() > 0) {
        // Poco already read part of the next request with the last one (the client pipelines):
        // those bytes cannot go back to the kernel, so this thread reads on, within
        // head_timeout.
        return NextHead::pipelined;
    }
    auto state =
        peek_head(socket().impl()->sockfd(), context_.settings.max_header_bytes, peek_scratch_);
    if (state == HeadState::incomplete && !first &&
        readable_within(socket().impl()->sockfd(), kNextRequestGraceMs)) {
        // A client on a fast link sends its next request a round trip after our answer: waiting
        // that long saves two hand-offs (to the reactor and back to a worker) per request.
        state =
            peek_head(socket().impl()->sockfd(), context_.settings.max_header_bytes, peek_scratch_);
    }
    switch (state) {
        case HeadState::ready:
            return NextHead::ready;
        case HeadState::malformed:
            return NextHead::malformed;
        case HeadState::too_large:
            return NextHead::too_large;
        case HeadState::target_too_long:
            return NextHead::target_too_long;
        case HeadState::closed:
            return NextHead::none;
        case HeadState::incomplete:
            break;
    }
    if (context_.connections.draining()) {
        return NextHead::none;
    }
    // The session would close the socket when destroyed: the parking lot owns it from here.
    const auto detached = session->detachSocket();
    if (context_.parking->await_head(detached, !first) == ParkingLot::Refusal::none) {
        return NextHead::parked;
    }
    context_.log->debug("connection closed: {} connections already wait for a head",
                        context_.settings.max_idle_connections);
    return NextHead::none;
}

bool Connection::has_more_requests(Poco::Net::HTTPServerSession& session, bool first) {
    if (!socket().secure()) {
        return session.hasMoreRequests();
    }
    if (!first) {
        // Poco polls the descriptor for a next request. Bytes OpenSSL has already read and
        // decrypted but not handed out yet do not make it readable: a pipelined request sitting
        // there would be taken for an idle connection and dropped at the keep-alive timeout.
        return socket().available() > 0 || session.hasMoreRequests();
    }
    // The TLS handshake is part of the idle wait, not of a request: a client that handshakes and
    // says nothing is idle (a stop closes it at once, no request counts as in flight). Each step
    // is bounded by request_timeout.
    if (!session.hasMoreRequests()) {
        return false;  // no ClientHello in time
    }
    Poco::Net::SecureStreamSocket secure(socket());
    if (secure.completeHandshake() != 1) {
        return false;
    }
    return socket().available() > 0 || socket().poll(to_timespan(context_.settings.request_timeout),
                                                     Poco::Net::Socket::SELECT_READ);
}

bool Connection::begins_tls_handshake() {
    // A TLS record starts with its content type, 22 for a handshake; no HTTP method does. Peeked,
    // so an HTTP request is left whole for Poco. hasMoreRequests() saw the socket readable and
    // Poco has buffered nothing yet, so this does not block.
    constexpr unsigned char kTlsHandshakeRecord = 0x16;
    unsigned char first_byte = 0;
    return socket().receiveBytes(&first_byte, 1, MSG_PEEK) == 1 &&
           first_byte == kTlsHandshakeRecord;
}

void Connection::close_gently() noexcept {
    // Closing with unread input makes the kernel send a reset, which can destroy our error
    // response before the client reads it. Half-close, then drain what the client is still
    // sending, for a bounded time and size.
    try {
        socket().shutdownSend();
        socket().setReceiveTimeout(Poco::Timespan(0, 200 * 1000));
        std::array<char, 16 * 1024> sink{};
        std::size_t drained = 0;
        const auto deadline = Clock::now() + std::chrono::milliseconds(500);
        while (drained < 1024 * 1024 && Clock::now() < deadline) {
            const int n = socket().receiveBytes(sink.data(), static_cast<int>(sink.size()));
            if (n <= 0) {
                break;
            }
            drained += static_cast<std::size_t>(n);
        }
    } catch (...) {
        // Reset, timeout or already shut down: the connection is over either way.
    }
}

}  // namespace vergegrid::kernel::http
