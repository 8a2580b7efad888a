#include "tests/cli/fake_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

namespace vergegrid::cli::test {

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit Handler(std::shared_ptr<FakeServer::State> state) : state_(std::move(state)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        SeenRequest seen{request.getMethod(),
                         request.getURI(),
                         request.get("Authorization", ""),
                         request.get("If-Match", ""),
                         {},
                         request.get("Range", "")};
        seen.last_event_id = request.get("Last-Event-ID", "");
        seen.accept = request.get("Accept", "");
        Poco::StreamCopier::copyToString(request.stream(), seen.body);
        const Reply reply = state_->answer(seen);
        response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
        if (!reply.content_type.empty()) {
            response.setContentType(reply.content_type);
        }
        for (const auto& [name, value] : reply.headers) {
            response.set(name, value);
        }
        if (!reply.later.empty()) {
            response.setChunkedTransferEncoding(true);
            std::ostream& out = response.send();
            out << reply.body << std::flush;
            state_->pause(reply.later_delay);
            out << reply.later;
            return;
        }
        response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
        response.send() << reply.body;
    }

  private:
    std::shared_ptr<FakeServer::State> state_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Factory(std::shared_ptr<FakeServer::State> state) : state_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler(state_);
    }

  private:
    std::shared_ptr<FakeServer::State> state_;
};

}  // namespace

FakeServer::FakeServer(Responder responder) : state_(std::make_shared<State>()) {
    state_->responder = std::move(responder);
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
}

FakeServer::~FakeServer() {
    {
        std::lock_guard lock(state_->mutex);
        state_->stopping = true;
    }
    state_->stopping_changed.notify_all();
    server_->stopAll(true);
}

std::vector<SeenRequest> FakeServer::requests() const {
    std::lock_guard lock(state_->mutex);
    return state_->requests;
}

Reply FakeServer::State::answer(const SeenRequest& request) {
    std::unique_lock lock(mutex);
    requests.push_back(request);
    const Reply reply = responder(request);
    if (reply.delay.count() > 0) {
        stopping_changed.wait_for(lock, reply.delay, [this] { return stopping; });
    }
    return reply;
}

void FakeServer::State::pause(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex);
    stopping_changed.wait_for(lock, delay, [this] { return stopping; });
}

RawServer::RawServer(std::string bytes)
    : bytes_(std::move(bytes)),
      socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
      port_(socket_.address().port()) {
    thread_ = std::thread([this] {
        while (!stop_) {
            if (!socket_.poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) {
                continue;
            }
            try {
                Poco::Net::StreamSocket connection = socket_.acceptConnection();
                connection.setReceiveTimeout(Poco::Timespan(2, 0));
                char buffer[4096];
                connection.receiveBytes(buffer, sizeof buffer);
                connection.sendBytes(bytes_.data(), static_cast<int>(bytes_.size()));
                connection.shutdownSend();
                connection.close();
            } catch (const Poco::Exception&) {
                // the client went away; wait for the next one
            }
        }
    });
}

RawServer::~RawServer() {
    stop_ = true;
    thread_.join();
}

}  // namespace vergegrid::cli::test
