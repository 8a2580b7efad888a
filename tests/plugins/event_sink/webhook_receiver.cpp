#include "webhook_receiver.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include "ssl_runtime/ssl_runtime.hpp"

namespace vergegrid::test {

namespace {

Poco::Net::Context::Ptr server_context(const ThrowawayPki& pki, const std::filesystem::path& cert) {
    ssl_runtime::ensure_initialized();
    return new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, pki.server_key().string(),
                                  cert.string(), "", Poco::Net::Context::VERIFY_NONE);
}

template <typename State>
class Handler final : public Poco::Net::HTTPRequestHandler {
  public:
    explicit Handler(std::shared_ptr<State> state) : state_(std::move(state)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        ReceivedPost post;
        post.method = request.getMethod();
        post.path = request.getURI();
        for (const auto& [name, value] : request) {
            post.headers[Poco::toLower(name)] = value;
        }
        Poco::StreamCopier::copyToString(request.stream(), post.body);
        post.client_port = request.clientAddress().port();
        int status = 204;
        bool close = false;
        std::string body;
        {
            std::lock_guard lock(state_->mutex);
            state_->received.push_back(std::move(post));
            if (!state_->statuses.empty()) {
                status = state_->statuses.front();
                state_->statuses.pop_front();
            }
            close = state_->close;
            body = state_->body;
        }
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        if (status >= 300 && status < 400) {
            response.set("Location", "/elsewhere");
        }
        if (close) {
            response.setKeepAlive(false);
        }
        if (status == 204 || body.empty()) {
            response.setContentLength(0);
            response.send();
            return;
        }
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        response.send() << body;
    }

  private:
    std::shared_ptr<State> state_;
};

template <typename State>
class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Factory(std::shared_ptr<State> state) : state_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler<State>(state_);
    }

  private:
    std::shared_ptr<State> state_;
};

}  // namespace

WebhookReceiver::WebhookReceiver()
    : WebhookReceiver(Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)), "http") {}

WebhookReceiver::WebhookReceiver(const ThrowawayPki& pki, const std::filesystem::path& cert)
    : WebhookReceiver(Poco::Net::SecureServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0), 64,
                                                    server_context(pki, cert)),
                      "https") {}

WebhookReceiver::WebhookReceiver(Poco::Net::ServerSocket socket, std::string scheme)
    : scheme_(std::move(scheme)), socket_(std::move(socket)) {
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory<State>(state_), socket_, params);
    server_->start();
}

WebhookReceiver::~WebhookReceiver() {
    server_->stopAll(true);
}

std::string WebhookReceiver::url() const {
    return scheme_ + "://127.0.0.1:" + std::to_string(socket_.address().port()) + "/hooks/in?x=1";
}

void WebhookReceiver::answer_with(std::vector<int> statuses) {
    std::lock_guard lock(state_->mutex);
    state_->statuses.assign(statuses.begin(), statuses.end());
}

void WebhookReceiver::close_each_connection() {
    std::lock_guard lock(state_->mutex);
    state_->close = true;
}

void WebhookReceiver::answer_body(std::string body) {
    std::lock_guard lock(state_->mutex);
    state_->body = std::move(body);
}

std::vector<ReceivedPost> WebhookReceiver::received() const {
    std::lock_guard lock(state_->mutex);
    return state_->received;
}

}  // namespace vergegrid::test
