#include "kernel/http/server.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/ThreadPool.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <csignal>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "kernel/http/accept_loop.hpp"
#include "kernel/http/connection.hpp"
#include "kernel/http/head_peek.hpp"
#include "kernel/http/parking_lot.hpp"
#include "kernel/http/server_context.hpp"
#include "kernel/http/tls_context.hpp"

namespace vergegrid::kernel::http {

namespace {

using Clock = std::chrono::steady_clock;

Poco::Net::HTTPServerParams::Ptr make_params(const ServerSettings& settings) {
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(settings.max_connections);
    // The accept loop stops accepting at max_queued; beyond it, Poco would close a connection:
    // only the parking lot's hand-offs (heads completed after accept, at most
    // max_idle_connections) can come on top, and none of them is dropped.
    params->setMaxQueued(settings.max_queued + settings.max_idle_connections);
    params->setTimeout(Poco::Timespan(settings.request_timeout.count() * 1000));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(settings.keep_alive_timeout.count() * 1000));
    return params;
}

void refuse_new_connections(Poco::Net::ServerSocket& listener) noexcept {
    // Without it (other systems), TCPServer::stop() still works: it waits out the poll.
    ::shutdown(listener.impl()->sockfd(), SHUT_RD);
}

void ignore_sigpipe_if_default() {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
        std::signal(SIGPIPE, SIG_IGN);
    }
}

// Every parked long poll holds a descriptor: the default soft limit (1024) would stop the server
// long before max_parked. Raising the soft limit up to the hard one needs no privilege; a
// process with CAP_SYS_RESOURCE (root, usually) may raise the hard one too, up to fs.nr_open.
// Logs the limit it raised to, and warns when the limit got is still too low.
void raise_open_file_limit(const ServerSettings& settings, spdlog::logger& log) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return;
    }
    const rlim_t wanted = static_cast<rlim_t>(settings.max_parked) +
                          static_cast<rlim_t>(settings.max_idle_connections) +
                          static_cast<rlim_t>(settings.max_connections + settings.max_queued) + 256;
    const rlim_t before = limit.rlim_cur;
    if (limit.rlim_cur < wanted && limit.rlim_max < wanted) {
        rlimit raised{wanted, wanted};
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            limit = raised;
        }
    }
    if (limit.rlim_cur < wanted && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < wanted) {
        log.warn(
            "the open-file limit is {} (hard limit {}), fewer than http.max_parked + "
            "http.max_idle_connections + connections need ({}): raise it (ulimit -n, "
            "LimitNOFILE=) or lower those",
            limit.rlim_cur, limit.rlim_max, wanted);
    } else if (limit.rlim_cur != before) {
        log.info("raised the open-file limit from {} to {} for up to {} parked long polls", before,
                 limit.rlim_cur, settings.max_parked);
    }
}

}  // namespace

struct Server::Impl {
    Impl(ServerSettings settings, std::shared_ptr<const Router> router, metrics::Registry& registry,
         std::shared_ptr<spdlog::logger> log)
        : context{std::move(settings),
                  std::move(router),
                  HttpMetrics(registry),
                  log ? std::move(log) : spdlog::default_logger(),
                  nullptr,
                  {}},
          threads("vergegrid-http", 1, std::max(1, context.settings.max_connections)) {
        context.params = make_params(context.settings);
        context.metrics.max_parked_gauge().set(static_cast<double>(context.settings.max_parked));
    }

    ServerContext context;
    Poco::ThreadPool threads;
    Poco::Net::ServerSocket listener;
    // Runs connections on `threads`; the accept loop keeps its queue under max_queued.
    Poco::AutoPtr<Poco::Net::TCPServerDispatcher> dispatcher;
    std::unique_ptr<AcceptLoop> accepting;
    std::uint16_t port = 0;
    std::mutex lifecycle;  // start() and stop() from different threads
    bool started = false;
    bool stopped = false;
};

Server::Server(ServerSettings settings, std::shared_ptr<const Router> router,
               metrics::Registry& metrics, std::shared_ptr<spdlog::logger> log) {
    if (!router) {
        throw std::invalid_argument("http::Server needs a router");
    }
    if (settings.max_connections < 1 || settings.max_queued < 1 || settings.max_parked < 1 ||
        settings.max_idle_connections < 1) {
        throw std::invalid_argument(
            "http::Server needs max_connections, max_queued, max_parked and max_idle_connections "
            ">= 1");
    }
    // Zero would not mean "no timeout" to Poco: the wait for a first request would end at once.
    if (settings.request_timeout.count() <= 0 || settings.keep_alive_timeout.count() < 0 ||
        settings.head_timeout.count() <= 0) {
        throw std::invalid_argument(
            "http::Server needs request_timeout > 0, head_timeout > 0 and keep_alive_timeout >= 0");
    }
    impl_ = std::make_unique<Impl>(std::move(settings), std::move(router), metrics, std::move(log));
}

Server::~Server() {
    try {
        stop(std::chrono::milliseconds(0));
        // Connection threads use the context; none may outlive it.
        impl_->threads.joinAll();
        impl_->dispatcher = nullptr;
    } catch (...) {
        // Destructors must not throw; the process is tearing the server down regardless.
    }
}

void Server::start() {
    std::lock_guard lock(impl_->lifecycle);
    if (impl_->started) {
        throw std::logic_error("http::Server::start() called twice");
    }
    const auto& settings = impl_->context.settings;
    const std::string where = settings.host + ":" + std::to_string(settings.port);
    try {
        if (settings.tls) {
            // Accepting stays cheap: the handshake happens on the first read, in the
            // connection's thread.
            impl_->listener = Poco::Net::SecureServerSocket(settings.tls->impl().context);
        }
        const Poco::Net::SocketAddress address(settings.host, settings.port);
        // reuseAddress lets a restart bind despite TIME_WAIT; reusePort stays off, or a second
        // instance would bind the same port silently instead of failing.
        impl_->listener.bind(address, true, false);
        // New connections wait here while the workers' queue is full (see AcceptLoop): as many
        // as the kernel lets them (net.core.somaxconn caps the backlog).
        impl_->listener.listen(std::max(SOMAXCONN, settings.max_queued));
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + where + ": " + e.displayText());
    }
    impl_->port = impl_->listener.address().port();
    ignore_sigpipe_if_default();
    raise_open_file_limit(settings, *impl_->context.log);
    impl_->context.parking =
        std::make_shared<ParkingLot>(impl_->context, settings.max_parked, settings.resume_threads);

    impl_->dispatcher = new Poco::Net::TCPServerDispatcher(new ConnectionFactory(impl_->context),
                                                           impl_->threads, impl_->context.params);
    impl_->context.hand_to_worker = [this](const Poco::Net::StreamSocket& socket) {
        // Refused past the drain: stop() no longer serves new requests.
        if (!impl_->context.connections.draining()) {
            impl_->dispatcher->enqueue(socket);
        }
    };
    impl_->accepting = std::make_unique<AcceptLoop>(
        impl_->listener,
        [this, scratch = std::vector<char>()](Poco::Net::StreamSocket& socket) mutable {
            auto& context = impl_->context;
            if (context.connections.draining()) {
                return;  // accepted between the start of stop() and the loop's end: closed
            }
            if (socket.secure()) {
                // Encrypted: no head to peek at. A worker reads the handshake and the head,
                // within head_timeout (see Connection).
                context.hand_to_worker(socket);
            } else if (peek_head(socket.impl()->sockfd(), context.settings.max_header_bytes,
                                 scratch) != HeadState::incomplete) {
                // Most clients send their request with the connection: a head already whole (or
                // a ClientHello, or one too large) goes straight to a worker, saving the trip
                // through the reactor and back.
                context.hand_to_worker(socket);
            } else if (context.parking->await_head(socket, false) != ParkingLot::Refusal::none) {
                context.log->debug("connection closed: {} connections already wait for a head",
                                   context.settings.max_idle_connections);
            }
        },
        [this] {
            return impl_->dispatcher->queuedConnections() < impl_->context.settings.max_queued;
        });
    impl_->accepting->start();
    impl_->started = true;
    impl_->context.log->info("HTTP server listening on {}:{}{}", settings.host, impl_->port,
                             settings.tls ? " (TLS)" : "");
}

std::size_t Server::parked_connections() const {
    return impl_->context.parking ? impl_->context.parking->parked() : 0;
}

std::size_t Server::connections_awaiting_head() const {
    return impl_->context.parking ? impl_->context.parking->awaiting_head() : 0;
}

std::uint16_t Server::port() const {
    return impl_->port;
}

const char* Server::scheme() const {
    return impl_->context.settings.tls ? "https" : "http";
}

void Server::stop(std::chrono::milliseconds drain_timeout) {
    std::lock_guard lock(impl_->lifecycle);
    if (!impl_->started || impl_->stopped) {
        return;
    }
    impl_->stopped = true;
    const auto deadline = Clock::now() + drain_timeout;
    auto& connections = impl_->context.connections;
    auto& log = *impl_->context.log;

    // From here on the filter refuses whatever the accept loop still picks up, and connections
    // waiting for their next request are closed.
    connections.begin_drain();
    // On Linux, shutting a listening socket down stops it listening: new connects are refused
    // at once (no handshake completes into a backlog nobody serves) and Poco's accept loop
    // wakes from its 250 ms poll, its accept() failing once with EINVAL (handed to Poco's
    // ErrorHandler, silent by default). The descriptor stays valid, unlike close() under a
    // thread polling it.
    refuse_new_connections(impl_->listener);
    // Joins the accept loop and drops connections queued but not yet picked up by a thread.
    impl_->accepting->stop();
    impl_->dispatcher->stop();
    try {
        impl_->listener.close();
    } catch (const Poco::Exception& e) {
        log.warn("closing the listening socket failed: {}", e.displayText());
    }

    // Waiting long polls get their 503 now; polls being answered finish like other requests.
    impl_->context.parking->stop(deadline);

    if (!connections.wait_until_closed(deadline)) {
        const auto aborted = connections.abort_all();
        log.warn("HTTP drain timed out after {} ms; shutting down {} connection(s)",
                 drain_timeout.count(), aborted);
        // Shut-down sockets end blocked reads and writes at once; a handler busy in its own code
        // is waited for by the destructor, not here.
        connections.wait_until_closed(Clock::now() + std::chrono::milliseconds(500));
    }
    log.info("HTTP server stopped");
}

}  // namespace vergegrid::kernel::http
