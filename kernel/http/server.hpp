// The control plane's HTTP server: Poco's TCPServer and thread pool, our connection loop, the
// router's handlers, and a stop that drains in-flight requests.
#pragma once

#include <spdlog/fwd.h>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace vergegrid::kernel::metrics {
class Registry;
}

namespace vergegrid::kernel::http {

class Router;
class TlsServerContext;

struct ServerSettings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9800;  // 0 = any free port; see Server::port()
    std::size_t max_body_bytes = 1 << 20;
    std::size_t max_header_bytes = 16384;  // request line + header lines
    // Bounds every socket read and write of a request body and a response (and, over TLS, each
    // read of a handshake or head; head_timeout bounds them as a whole).
    std::chrono::milliseconds request_timeout{30000};
    // How long an idle keep-alive connection is kept open for its next request.
    std::chrono::milliseconds keep_alive_timeout{5000};
    // One deadline for a whole request head, however slowly it trickles in: from the accept for
    // a new connection (so its idle wait counts), from its first byte after a keep-alive wait.
    // Plain HTTP: the connection waits without a thread and is answered 408 and closed when it
    // passes. TLS: the handshake and the head are read by a worker (bytes are encrypted, nothing
    // to peek at), whose socket is shut down when it passes.
    std::chrono::milliseconds head_timeout{10000};
    int max_connections = 64;  // connections served at once (one thread each)
    int max_queued = 256;  // accepted connections waiting for a thread; beyond, not accepted yet
    // Long polls waiting for their answer without a thread, and connections between requests once
    // they have waited: beyond, a long poll gets 503 too_many_waiting.
    std::size_t max_parked = 60000;
    // Connections waiting without a thread for a complete request head: new ones and keep-alive
    // ones between requests. Beyond, a new connection is closed at once.
    std::size_t max_idle_connections = 10000;
    int resume_threads = 2;  // threads answering woken long polls and their next requests
    // Set: the server speaks HTTPS only (TLS handshakes run in the connection threads, bounded by
    // request_timeout). Null: plain HTTP.
    std::shared_ptr<const TlsServerContext> tls;
};

class Server {
  public:
    // `metrics` must outlive the server; the router must not change once the server runs. A null
    // logger means spdlog's default logger. Throws std::invalid_argument for a null router or
    // unusable settings (no connections, a zero request or head timeout).
    Server(ServerSettings settings, std::shared_ptr<const Router> router,
           metrics::Registry& metrics, std::shared_ptr<spdlog::logger> log);
    // Stops without draining if still running, then waits for connection threads to end.
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and starts serving. Throws std::runtime_error naming the address when it cannot
    // bind, std::logic_error when called twice. Also sets SIGPIPE to ignored if it was at its
    // default: Poco writes to sockets without MSG_NOSIGNAL. (Poco already blocks SIGPIPE in the
    // thread that loads it, so threads started later inherit the block; this covers a program
    // that resets its signal mask.)
    void start();

    // The bound port (the ephemeral one when settings.port was 0); 0 before start().
    std::uint16_t port() const;
    // "https" with TLS settings, "http" without.
    const char* scheme() const;

    // Stops accepting connections at once (new connects are refused), closes idle keep-alive
    // connections, answers waiting long polls 503 shutting_down at once, lets requests already
    // received finish and get their response (sent with Connection: close), and returns when they
    // have; or, after `drain_timeout`, shuts the
    // remaining connections down and returns within about 0.5 s more. Idempotent; later calls
    // return at once.
    void stop(std::chrono::milliseconds drain_timeout);

    // Connections held by the long-poll reactor (waiting polls, and those between requests).
    std::size_t parked_connections() const;
    // Connections waiting without a thread for a complete request head.
    std::size_t connections_awaiting_head() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vergegrid::kernel::http
