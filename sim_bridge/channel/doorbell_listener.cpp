#include "sim_bridge/channel/doorbell_listener.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <stdexcept>

namespace vergegrid::bridge {

namespace {

class RingHandler final : public Poco::Net::HTTPRequestHandler {
  public:
    explicit RingHandler(std::function<void()> ring) : ring_(std::move(ring)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        request.stream().ignore(4096);
        if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_POST) {
            response.setStatus(Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED);
            response.send();
            return;
        }
        ring_();
        response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
        response.send();
    }

  private:
    std::function<void()> ring_;
};

class RingFactory final : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit RingFactory(std::function<void()> ring) : ring_(std::move(ring)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new RingHandler(ring_);
    }

  private:
    std::function<void()> ring_;
};

}  // namespace

DoorbellListener::DoorbellListener(const std::string& host, std::uint16_t port,
                                   std::function<void()> ring) {
    try {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(host, port));
        port_ = socket.address().port();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(2);
        params->setMaxQueued(16);
        params->setTimeout(Poco::Timespan(5, 0));
        server_ = std::make_unique<Poco::Net::HTTPServer>(new RingFactory(std::move(ring)), socket,
                                                          params);
        server_->start();
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("push listener " + host + ":" + std::to_string(port) + ": " +
                                 e.displayText());
    }
}

DoorbellListener::~DoorbellListener() {
    server_->stopAll(true);
}

std::uint16_t DoorbellListener::port() const {
    return port_;
}

}  // namespace vergegrid::bridge
