// One client connection: Poco's HTTP/1.1 keep-alive loop, rewritten around Poco's session,
// request and response classes so that a graceful stop can tell idle connections from busy
// ones, and so that header-limit violations get a JSON 431 instead of Poco's bare 400.
#pragma once

#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include "kernel/http/exchange.hpp"
#include "kernel/http/server_context.hpp"

namespace vergegrid::kernel::http {

class Connection final : public Poco::Net::TCPServerConnection {
  public:
    Connection(const Poco::Net::StreamSocket& socket, ServerContext& context);
    void run() override;

  private:
    bool has_more_requests(Poco::Net::HTTPServerSession& session, bool first);
    // True when the client's first bytes on a plain connection are a TLS handshake record.
    bool begins_tls_handshake();
    void close_gently() noexcept;

    ServerContext& context_;
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
