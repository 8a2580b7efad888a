#include "tests/e2e/events/event_receiver.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include "tests/support/listen_port.hpp"

namespace vergegrid::test {

namespace {

using State = EventReceiver::State;

class Handler final : public Poco::Net::HTTPRequestHandler {
  public:
    explicit Handler(std::shared_ptr<State> state) : state_(std::move(state)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        ReceivedRequest got;
        got.method = request.getMethod();
        got.path = request.getURI();
        for (const auto& [name, value] : request) {
            got.headers[Poco::toLower(name)] = value;
        }
        Poco::StreamCopier::copyToString(request.stream(), got.body);
        got.at = std::chrono::steady_clock::now();
        int status = 0;
        {
            std::lock_guard lock(state_->mutex);
            status = state_->status;
            got.answered = status;
            state_->received.push_back(std::move(got));
        }
        state_->arrived.notify_all();
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        response.setContentLength(0);
        response.send();
    }

  private:
    std::shared_ptr<State> state_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Factory(std::shared_ptr<State> state) : state_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler(state_);
    }

  private:
    std::shared_ptr<State> state_;
};

}  // namespace

EventReceiver::EventReceiver() : port_(unclaimed_listen_port()) {
    start();
}

EventReceiver::~EventReceiver() {
    stop();
}

void EventReceiver::start() {
    if (server_) {
        return;
    }
    // Reusing the address: connections the receiver closed linger in TIME_WAIT on this port.
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port_), 64);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket, params);
    server_->start();
}

void EventReceiver::stop() {
    if (server_) {
        server_->stopAll(true);  // closes the listening socket too
        server_.reset();
    }
}

bool EventReceiver::refuses_connections() const {
    try {
        Poco::Net::StreamSocket probe;
        probe.connect(Poco::Net::SocketAddress("127.0.0.1", port_), Poco::Timespan(2, 0));
        return false;
    } catch (const Poco::Net::ConnectionRefusedException&) {
        return true;
    } catch (const Poco::Exception&) {
        return false;  // a timeout: something holds the port without answering
    }
}

std::string EventReceiver::url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/events";
}

void EventReceiver::answer_with(int status) {
    std::lock_guard lock(state_->mutex);
    state_->status = status;
}

std::vector<ReceivedRequest> EventReceiver::received() const {
    std::lock_guard lock(state_->mutex);
    return state_->received;
}

std::vector<ReceivedRequest> EventReceiver::delivered() const {
    std::vector<ReceivedRequest> out;
    for (auto& request : received()) {
        if (request.delivered()) {
            out.push_back(std::move(request));
        }
    }
    return out;
}

bool EventReceiver::wait_until(const std::function<bool(const std::vector<ReceivedRequest>&)>& done,
                               std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(state_->mutex);
    while (!done(state_->received)) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        state_->arrived.wait_for(lock, std::chrono::milliseconds(100));
    }
    return true;
}

}  // namespace vergegrid::test
