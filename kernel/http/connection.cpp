#include "kernel/http/connection.hpp"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <spdlog/spdlog.h>

#include <array>
#include <memory>

#include "kernel/http/body_reader.hpp"
#include "kernel/http/exchange.hpp"

namespace vergegrid::kernel::http {

namespace {

using Clock = std::chrono::steady_clock;

Poco::Timespan to_timespan(std::chrono::milliseconds duration) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(duration.count()) * 1000);
}

}  // namespace

Connection::Connection(const Poco::Net::StreamSocket& socket, ServerContext& context)
    : Poco::Net::TCPServerConnection(socket), context_(context) {}

void Connection::run() {
    ConnectionTracker::Registration registration(context_.connections, socket());
    if (!registration.accepted()) {
        return;  // dequeued after stop() began: the server no longer takes connections
    }
    bool unread_input = false;
    try {
        // Every blocking read and write is bounded, so a stalled client cannot pin a thread.
        const auto timeout = to_timespan(context_.settings.request_timeout);
        socket().setReceiveTimeout(timeout);
        socket().setSendTimeout(timeout);
        Poco::Net::HTTPServerSession session(socket(), context_.params);
        // hasMoreRequests() waits request_timeout for a first request and the keep-alive timeout
        // for later ones; begin_drain() wakes it by shutting the socket down.
        bool first = true;
        while (has_more_requests(session, first)) {
            first = false;
            if (!registration.begin_request()) {
                break;
            }
            const auto result = serve_one(session);
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
    if (unread_input) {
        close_gently();
    }
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

ExchangeResult Connection::serve_one(Poco::Net::HTTPServerSession& session) {
    const auto started = Clock::now();
    Poco::Net::HTTPServerResponseImpl out(session);
    std::unique_ptr<Poco::Net::HTTPServerRequestImpl> in;
    try {
        // Reads and parses the request head, within Poco's limits (100 fields, 8 KiB a value,
        // 16 KiB of URI).
        in =
            std::make_unique<Poco::Net::HTTPServerRequestImpl>(out, session, context_.params.get());
    } catch (const Poco::Net::NoMessageException&) {
        return {};  // the client closed between requests
    } catch (const Poco::Net::MessageException& e) {
        reject_unparsable(context_, session, e, started);
        return {false, true};
    } catch (const Poco::SyntaxException& e) {  // e.g. an unparsable Content-Length
        reject_unparsable(context_, session, e, started);
        return {false, true};
    }
    return serve_exchange(context_, *in, out, session, started);
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
