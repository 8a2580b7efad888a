// One client connection: Poco's HTTP/1.1 keep-alive loop, rewritten around Poco's session,
// request and response classes so that a graceful stop can tell idle connections from busy
// ones, and so that header-limit violations get a JSON 431 instead of Poco's bare 400.
#pragma once

#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <memory>
#include <vector>

#include "kernel/http/exchange.hpp"
#include "kernel/http/parking_lot.hpp"
#include "kernel/http/server_context.hpp"

namespace vergegrid::kernel::http {

class Connection final : public Poco::Net::TCPServerConnection {
  public:
    Connection(const Poco::Net::StreamSocket& socket, ServerContext& context);
    void run() override;

  private:
    enum class NextHead { ready, pipelined, parked, malformed, too_large, target_too_long, none };
    // Plain HTTP: whether this thread can read the next request head now, or left the connection
    // in the parking lot until it can (the session lets go of the socket then).
    NextHead next_head(std::unique_ptr<ParkableSession>& session, bool first);
    bool has_more_requests(Poco::Net::HTTPServerSession& session, bool first);
    // True when the client's first bytes on a plain connection are a TLS handshake record.
    bool begins_tls_handshake();
    void close_gently() noexcept;

    ServerContext& context_;
    std::vector<char> peek_scratch_;
};

class ConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
  public:
    explicit ConnectionFactory(ServerContext& context) : context_(context) {}
    Poco::Net::TCPServerConnection* createConnection(
        const Poco::Net::StreamSocket& socket) override {
        return new Connection(socket, context_);
    }

  private:
    ServerContext& context_;
};

}  // namespace vergegrid::kernel::http
