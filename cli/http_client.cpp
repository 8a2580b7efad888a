#include "cli/http_client.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <istream>
#include <ostream>
#include <vector>

#include "cli/exit_codes.hpp"

#ifdef VERGEGRID_CLI_HTTPS
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#endif

#ifndef VERGEGRID_CLI_VERSION
#define VERGEGRID_CLI_VERSION "0"
#endif

namespace vergegrid::cli {

namespace {

bool has_control_characters(const std::string& text) {
    for (const unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false;
}

#ifdef VERGEGRID_CLI_HTTPS
// Verifies the server's certificate against the system's CAs (OpenSSL's default paths, so
// SSL_CERT_FILE and SSL_CERT_DIR apply) and its host name; a failure ends the exchange.
Poco::Net::Context::Ptr tls_context() {
    static const Poco::Net::Context::Ptr context = [] {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Ptr made = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_RELAXED, 9, true);
        made->setInvalidCertificateHandler(new Poco::Net::RejectCertificateHandler(false));
        return made;
    }();
    return context;
}
#endif

}  // namespace

bool https_supported() {
#ifdef VERGEGRID_CLI_HTTPS
    return true;
#else
    return false;
#endif
}

HttpClient::HttpClient(ServerUrl server, std::string token, std::chrono::seconds timeout)
    : server_(std::move(server)), token_(std::move(token)), timeout_(timeout) {
    if (server_.https() && !https_supported()) {
        throw CliError(
            ExitCode::usage,
            "https is not supported by this build of vergegridctl (built without Poco NetSSL); use "
            "http:// or rebuild with libpoco-dev's NetSSL and libssl-dev");
    }
    if (has_control_characters(token_)) {
        throw CliError(ExitCode::usage, "the token contains control characters");
    }
}

HttpClient::~HttpClient() = default;

void HttpClient::interrupt() {
    const std::lock_guard lock(session_mutex_);
    interrupted_ = true;
    if (session_) {
        try {
            session_->socket().shutdown();
        } catch (const Poco::Exception&) {
            // not connected: nothing waits on it
        }
    }
}

void HttpClient::drop_session() {
    const std::lock_guard lock(session_mutex_);
    session_.reset();
}

Poco::Net::HTTPClientSession& HttpClient::session() {
    const std::lock_guard lock(session_mutex_);
    if (interrupted_) {
        throw CliError(ExitCode::unreachable,
                       "the exchange with " + server_.to_string() + " was interrupted");
    }
    if (!session_) {
#ifdef VERGEGRID_CLI_HTTPS
        if (server_.https()) {
            session_ = std::make_unique<Poco::Net::HTTPSClientSession>(server_.host, server_.port,
                                                                       tls_context());
        }
#endif
        if (!session_) {
            session_ = std::make_unique<Poco::Net::HTTPClientSession>(server_.host, server_.port);
        }
        session_->setTimeout(Poco::Timespan(static_cast<long>(timeout_.count()), 0));
        session_->setKeepAlive(true);
        session_used_ = false;
    }
    return *session_;
}

HttpResponse HttpClient::exchange(const HttpRequest& request, const SinkOpener* open) {
    auto& http = session();
    Poco::Net::HTTPRequest message(request.method, server_.base_path + request.target,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    message.set("Accept", "application/json, text/plain");
    message.set("User-Agent", "vergegridctl/" VERGEGRID_CLI_VERSION);
    if (!token_.empty()) {
        message.set("Authorization", "Bearer " + token_);
    }
    for (const auto& [name, value] : request.headers) {
        message.set(name, value);
    }
    if (request.body) {
        message.setContentType("application/json");
        message.setContentLength(static_cast<std::streamsize>(request.body->size()));
    } else if (request.method == "POST" || request.method == "PATCH" || request.method == "PUT") {
        message.setContentLength(0);
    }
    std::ostream& out = http.sendRequest(message);
    if (request.body) {
        out << *request.body;
    }
    Poco::Net::HTTPResponse answer;
    std::istream& in = http.receiveResponse(answer);
    HttpResponse response;
    response.status = static_cast<int>(answer.getStatus());
    response.reason = answer.getReason();
    response.content_type = answer.get("Content-Type", "");
    response.content_range = answer.get("Content-Range", "");
    if (answer.hasContentLength()) {
        response.content_length = static_cast<std::int64_t>(answer.getContentLength64());
    }
    if (open != nullptr && (response.status == 200 || response.status == 206)) {
        std::vector<char> chunk(kStreamChunkBytes);
        bool broken = false;
        try {
            const BodySink sink = (*open)(response);
            // peek() waits for the next bytes, readsome() takes what has arrived: each chunk
            // reaches the sink as soon as it is here (an event stream's lines are not held back
            // until 64 KiB have gathered).
            while (in.peek() != std::char_traits<char>::eof()) {
                const std::streamsize got =
                    in.readsome(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                if (got <= 0) {
                    break;
                }
                sink(chunk.data(), static_cast<std::size_t>(got));
            }
        } catch (const Poco::Exception&) {
            broken = true;  // never retried: the sink has some of the bytes already
        } catch (...) {
            drop_session();  // the rest of the body is still unread on this connection
            throw;
        }
        if (broken || in.bad()) {
            drop_session();
            throw CliError(ExitCode::unreachable, "the connection to " + server_.to_string() +
                                                      " broke off in the middle of the answer");
        }
        session_used_ = true;
        return response;
    }
    char buffer[16384];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        response.body.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (response.body.size() > kMaxAnswerBytes) {
            drop_session();
            throw CliError(ExitCode::server_error,
                           "the server's answer is larger than " +
                               std::to_string(kMaxAnswerBytes / (1024 * 1024)) + " MiB");
        }
    }
    if (in.bad()) {
        drop_session();
        throw CliError(ExitCode::unreachable, "the connection to " + server_.to_string() +
                                                  " broke off while reading the answer");
    }
    session_used_ = true;
    return response;
}

HttpResponse HttpClient::send(const HttpRequest& request) {
    return send_with_retry(request, nullptr);
}

HttpResponse HttpClient::stream(const HttpRequest& request, const SinkOpener& open) {
    return send_with_retry(request, &open);
}

HttpResponse HttpClient::send_with_retry(const HttpRequest& request, const SinkOpener* open) {
    const auto failure = [&](const Poco::Exception& e) {
        drop_session();
        return CliError(ExitCode::unreachable, "cannot talk to the server at " +
                                                   server_.to_string() + ": " + e.displayText());
    };
    const bool retry = session_used_ && request.method == "GET";
    try {
        return exchange(request, open);
    } catch (const Poco::Exception& e) {
        // A streamed body that broke off is a CliError, never retried: its sink would get the
        // same bytes twice.
        if (!retry) {
            throw failure(e);
        }
        drop_session();  // the server may have closed the kept-alive connection
    }
    try {
        return exchange(request, open);
    } catch (const Poco::Exception& e) {
        throw failure(e);
    }
}

}  // namespace vergegrid::cli
