#include "sim_channel_client/channel_client.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/InvalidCertificateHandler.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/VerificationErrorArgs.h>
#include <Poco/String.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <istream>
#include <vector>

#include "ssl_runtime/ssl_runtime.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::sim_channel {

namespace {

namespace fs = std::filesystem;
using Kind = ChannelError::Kind;

// A download's body reaches its sink in pieces of at most this size: one receive each at most.
constexpr std::size_t kSinkPieceBytes = 256 * 1024;

// Why OpenSSL refused the server's certificate chain in this thread's latest handshake. The
// verification callback runs in the thread doing the handshake, so a thread_local needs no lock.
thread_local std::string last_chain_error;

// Poco asks an InvalidCertificateHandler what to do with a certificate OpenSSL refused; the
// default one, without a Poco::Util::Application, is looked up in configuration and may prompt on
// the console. This one never accepts, and remembers why for the error message.
class RejectAndRemember final : public Poco::Net::InvalidCertificateHandler {
  public:
    RejectAndRemember() : Poco::Net::InvalidCertificateHandler(false) {}
    void onInvalidCertificate(const void*, Poco::Net::VerificationErrorArgs& args) override {
        last_chain_error = args.errorMessage() + " (certificate of '" +
                           args.certificate().subjectName() + "', depth " +
                           std::to_string(args.errorDepth()) + ")";
        args.setIgnoreError(false);
    }
};

Poco::Timespan to_timespan(std::chrono::milliseconds duration) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(duration.count()) * 1000);
}

std::string quoted(const fs::path& file) {
    return "'" + file.string() + "'";
}

// Not Poco::Crypto::X509Certificate::readPEM(): in Poco 1.11 it leaks its BIO when the file
// holds no certificate.
int count_pem_certificates(const fs::path& file) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(file.c_str(), "r"), &BIO_free);
    int count = 0;
    if (bio) {
        while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
            X509_free(cert);
            ++count;
        }
    }
    ssl_runtime::clear_openssl_errors();  // the read ends with "no start line"
    return count;
}

Poco::Net::Context::Ptr make_client_context(const ChannelClientSettings& settings) {
    const auto& url = settings.endpoint.url();
    if (settings.ca_file.empty()) {
        throw ChannelConfigError(url +
                                 " is https but no CA file is configured to verify the control "
                                 "plane's certificate with");
    }
    std::error_code error;
    if (!fs::is_regular_file(settings.ca_file, error)) {
        throw ChannelConfigError("CA file " + quoted(settings.ca_file) + " for " + url +
                                 " does not exist or is not a file");
    }
    ssl_runtime::ensure_initialized();
    try {
        if (count_pem_certificates(settings.ca_file) == 0) {
            throw ChannelConfigError("CA file " + quoted(settings.ca_file) + " for " + url +
                                     " holds no PEM certificate");
        }
        auto context = ssl_runtime::strict_client_context(settings.ca_file);
        context->setInvalidCertificateHandler(new RejectAndRemember);
        return context;
    } catch (const Poco::Exception& e) {
        ssl_runtime::clear_openssl_errors();
        throw ChannelConfigError("CA file " + quoted(settings.ca_file) + " for " + url +
                                 " cannot be used: " + e.displayText());
    }
}

// Connects and completes the TLS handshake within `connect_timeout`, then `io_timeout` bounds
// each read and write. Not left to HTTPSClientSession: with a blocking socket, Poco 1.11's
// handshake waits out the socket timeout in read(), then again in poll(), and its connect()
// swallows the first timeout, so a peer that accepts and never answers the handshake held a
// request for the connect timeout plus twice the request timeout (30 s where 10 s were asked).
// Here the descriptor is non-blocking during the handshake and every wait gets what is left of
// one deadline, whether Poco returns "want read" or waits by itself (with the socket timeouts,
// which are set to what is left before each step).
Poco::Net::SecureStreamSocket connect_tls(const ChannelEndpoint& endpoint,
                                          const Poco::Net::Context::Ptr& context,
                                          std::chrono::milliseconds connect_timeout,
                                          Poco::Timespan io_timeout) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + connect_timeout;
    const auto time_left = [deadline] {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            throw Poco::TimeoutException("no TLS handshake within the connect timeout");
        }
        return to_timespan(left);
    };
    Poco::Net::SecureStreamSocket socket(context);
    socket.setLazyHandshake(true);
    socket.setPeerHostName(endpoint.host);  // for SNI and for the host name check below
    socket.connect(Poco::Net::SocketAddress(endpoint.host, endpoint.port),
                   to_timespan(connect_timeout));
    socket.setBlocking(false);
    for (;;) {
        const auto left = time_left();
        socket.setReceiveTimeout(left);
        socket.setSendTimeout(left);
        const int state = socket.completeHandshake();
        if (state == 1) {
            break;
        }
        if (state != Poco::Net::SecureStreamSocket::ERR_SSL_WANT_READ &&
            state != Poco::Net::SecureStreamSocket::ERR_SSL_WANT_WRITE) {
            throw Poco::Net::SSLException("the TLS handshake failed");
        }
        const auto wanted = state == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_READ
                                ? Poco::Net::Socket::SELECT_READ
                                : Poco::Net::Socket::SELECT_WRITE;
        if (!socket.poll(time_left(), wanted)) {
            throw Poco::TimeoutException("no TLS handshake within the connect timeout");
        }
    }
    socket.setBlocking(true);
    // Non-blocking, Poco leaves the check that the certificate names the host to the caller.
    socket.verifyPeerCertificate();
    socket.setReceiveTimeout(io_timeout);
    socket.setSendTimeout(io_timeout);
    socket.setNoDelay(true);
    return socket;
}

// Poco's client session with reads of any size: its own body streams move 4 KiB per receive
// (HTTPBufferAllocator::BUFFER_SIZE). read() hands out what Poco buffered past the response head
// first, then receives on the socket at most the length asked for.
class ClientSession final : public Poco::Net::HTTPClientSession {
  public:
    using Poco::Net::HTTPClientSession::HTTPClientSession;
    using Poco::Net::HTTPSession::read;
};

// A large body goes straight to the socket in one send once the request head is flushed through
// Poco's stream: through the stream it would leave 4 KiB per send, a million system calls for a
// 4 GiB archive. A small one (JSON) goes through the stream, where it shares the head's packet.
// Poco errors (timeout, reset) propagate to the caller's mapping.
void send_request_body(ClientSession& session, std::ostream& head, std::string_view body) {
    constexpr std::size_t kStreamedBodyBytes = 4096;
    if (body.size() <= kStreamedBodyBytes) {
        head.write(body.data(), static_cast<std::streamsize>(body.size()));
        return;  // sent at the latest when receiveResponse() flushes the stream
    }
    if (head.rdbuf()->pubsync() != 0) {
        throw Poco::Net::NetException("the request head could not be sent");
    }
    constexpr std::size_t kLargestSend = std::size_t{1} << 30;  // sendBytes counts in int
    while (!body.empty()) {
        const auto piece = std::min(body.size(), kLargestSend);
        const int sent = session.socket().sendBytes(body.data(), static_cast<int>(piece));
        if (sent <= 0) {
            throw Poco::Net::NetException("the connection took no more of the request body");
        }
        body.remove_prefix(static_cast<std::size_t>(sent));
    }
}

bool is_token(const std::string& text) {
    if (text.empty()) {
        return false;
    }
    for (const unsigned char c : text) {
        if (c <= 0x20 || c >= 0x7f ||
            std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) !=
                std::string_view::npos) {
            return false;
        }
    }
    return true;
}

// No CR, LF or other control characters: they would let a value end the header early.
bool is_header_value(const std::string& text) {
    for (const unsigned char c : text) {
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return false;
        }
    }
    return true;
}

void validate(const ChannelRequest& request) {
    if (!is_token(request.method)) {
        throw std::invalid_argument("'" + request.method + "' is not an HTTP method");
    }
    const bool path_ok = !request.path.empty() && request.path.front() == '/' &&
                         request.path.find_first_of(" \t") == std::string::npos &&
                         is_header_value(request.path);
    if (!path_ok) {
        throw std::invalid_argument("'" + request.path + "' is not an absolute request path");
    }
    if (!is_header_value(request.bearer_token) ||
        request.bearer_token.find(' ') != std::string::npos) {
        throw std::invalid_argument("the bearer token holds spaces or control characters");
    }
    for (const auto& [name, value] : request.headers) {
        if (!is_token(name) || !is_header_value(value)) {
            throw std::invalid_argument("header '" + name + "' is malformed");
        }
    }
}

}  // namespace

std::string to_string(ChannelError::Kind kind) {
    switch (kind) {
        case Kind::connect:
            return "connect";
        case Kind::timeout:
            return "timeout";
        case Kind::certificate:
            return "certificate";
        case Kind::tls:
            return "tls";
        case Kind::transport:
            return "transport";
        case Kind::protocol:
            return "protocol";
    }
    return "unknown";
}

std::string ChannelResponse::header(const std::string& lower_case_name) const {
    const auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
}

nlohmann::json ChannelResponse::json() const {
    try {
        return strict_json::parse(body);
    } catch (const strict_json::Refused& e) {
        throw ChannelError(Kind::protocol, "the response (status " + std::to_string(status) +
                                               ") is not JSON: " + e.what());
    }
}

struct ChannelClient::Impl {
    ChannelClientSettings settings;
    Poco::Net::Context::Ptr context;  // https only
    std::string url;

    ChannelResponse exchange(ClientSession& session, Poco::Net::HTTPRequest& request,
                             std::string_view body, const BodySink& sink) const;
};

ChannelClient::ChannelClient(ChannelClientSettings settings) : impl_(std::make_unique<Impl>()) {
    check_transport_policy(settings.endpoint, settings.allow_insecure_http);
    if (settings.connect_timeout.count() <= 0 || settings.request_timeout.count() <= 0) {
        throw ChannelConfigError("the channel to " + settings.endpoint.url() +
                                 " needs positive connect and request timeouts");
    }
    if (settings.endpoint.is_https()) {
        impl_->context = make_client_context(settings);
    }
    impl_->url = settings.endpoint.url();
    impl_->settings = std::move(settings);
}

ChannelClient::~ChannelClient() = default;

const ChannelEndpoint& ChannelClient::endpoint() const {
    return impl_->settings.endpoint;
}

ChannelResponse ChannelClient::request(std::string method, std::string path,
                                       std::optional<nlohmann::json> json_body,
                                       std::string bearer_token) const {
    ChannelRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.json_body = std::move(json_body);
    request.bearer_token = std::move(bearer_token);
    return this->request(request);
}

ChannelResponse ChannelClient::request(const ChannelRequest& request) const {
    validate(request);
    const auto& settings = impl_->settings;
    const auto& endpoint = settings.endpoint;
    const auto timeout = to_timespan(request.timeout.value_or(settings.request_timeout));
    Poco::Net::HTTPRequest http(request.method, request.path, Poco::Net::HTTPMessage::HTTP_1_1);
    http.setHost(endpoint.host, endpoint.port);
    http.set("User-Agent", settings.user_agent);
    http.set("Accept", "application/json");
    for (const auto& [name, value] : request.headers) {
        http.set(name, value);
    }
    if (!request.bearer_token.empty()) {
        http.setCredentials("Bearer", request.bearer_token);
    }
    std::string json_text;
    std::string_view body;
    if (request.json_body) {
        json_text = request.json_body->dump();
        body = json_text;
        http.setContentType("application/json");
    } else if (!request.raw_body.empty()) {
        body = request.raw_body;
        http.setContentType(request.raw_content_type);
    }
    if (!body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
        http.setContentLength(static_cast<std::streamsize>(body.size()));
    }

    const std::string where = request.method + " " + impl_->url + request.path;
    last_chain_error.clear();
    if (endpoint.is_https()) {
        ssl_runtime::clear_openssl_errors();
    }
    try {
        std::unique_ptr<ClientSession> session;
        if (endpoint.is_https()) {
            // A plain HTTPClientSession over the connected TLS socket: in Poco 1.11
            // HTTPSClientSession's socket constructor sets the port, which a connected session
            // refuses.
            session = std::make_unique<ClientSession>(
                connect_tls(endpoint, impl_->context, settings.connect_timeout, timeout));
        } else {
            session = std::make_unique<ClientSession>(endpoint.host, endpoint.port);
            session->setTimeout(to_timespan(settings.connect_timeout), timeout, timeout);
        }
        session->setKeepAlive(false);
        return impl_->exchange(*session, http, body, request.body_sink);
    } catch (const ChannelError&) {
        throw;
    } catch (const Poco::Net::CertificateValidationException& e) {
        throw ChannelError(Kind::certificate, where + ": the server's certificate does not name '" +
                                                  endpoint.host + "' (" + e.displayText() + ")");
    } catch (const Poco::Net::SSLException& e) {
        if (!last_chain_error.empty()) {
            throw ChannelError(Kind::certificate,
                               where + ": the server's certificate is not trusted by CA file " +
                                   quoted(settings.ca_file) + ": " + last_chain_error);
        }
        throw ChannelError(Kind::tls, where + ": TLS failed (" + e.displayText() + ")");
    } catch (const Poco::TimeoutException& e) {
        throw ChannelError(Kind::timeout, where + ": timed out (" + e.displayText() + ")");
    } catch (const Poco::Net::ConnectionRefusedException&) {
        throw ChannelError(Kind::connect, where + ": connection refused");
    } catch (const Poco::Net::HostNotFoundException& e) {
        throw ChannelError(Kind::connect, where + ": " + e.displayText());
    } catch (const Poco::Net::NoAddressFoundException& e) {
        throw ChannelError(Kind::connect, where + ": " + e.displayText());
    } catch (const Poco::Net::DNSException& e) {
        throw ChannelError(Kind::connect, where + ": " + e.displayText());
    } catch (const Poco::Net::NoMessageException&) {
        throw ChannelError(Kind::transport, where + ": the connection closed without a response");
    } catch (const Poco::Net::MessageException& e) {
        throw ChannelError(Kind::protocol,
                           where + ": malformed response (" + e.displayText() + ")");
    } catch (const Poco::Exception& e) {
        throw ChannelError(Kind::transport, where + ": " + e.displayText());
    }
}

ChannelResponse ChannelClient::Impl::exchange(ClientSession& session,
                                              Poco::Net::HTTPRequest& request,
                                              std::string_view body, const BodySink& sink) const {
    send_request_body(session, session.sendRequest(request), body);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);

    ChannelResponse result;
    result.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) {
        result.headers[Poco::toLower(name)] = value;
    }
    const auto where = [&] { return request.getMethod() + " " + url + request.getURI(); };
    const bool to_sink = sink && result.status >= 200 && result.status < 300;
    if (to_sink && response.hasContentLength() && request.getMethod() != "HEAD") {
        // A download of known length: read on the session in large pieces (see ClientSession),
        // never past the body's end.
        const auto length = static_cast<std::uint64_t>(response.getContentLength64());
        std::vector<char> buffer(kSinkPieceBytes);
        std::uint64_t streamed = 0;
        while (streamed < length) {
            const auto asked = std::min<std::uint64_t>(buffer.size(), length - streamed);
            const int got = session.read(buffer.data(), static_cast<std::streamsize>(asked));
            if (got <= 0) {
                throw ChannelError(Kind::transport, where() + ": the response body was cut short");
            }
            sink(result, std::string_view(buffer.data(), static_cast<std::size_t>(got)));
            streamed += static_cast<std::uint64_t>(got);
        }
        return result;
    }
    std::streamsize streamed = 0;
    std::array<char, 64 * 1024> chunk{};
    while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
        if (to_sink) {
            sink(result, std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount())));
            streamed += in.gcount();
            continue;
        }
        result.body.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (result.body.size() > settings.max_response_bytes) {
            throw ChannelError(Kind::protocol, where() + ": the response is larger than " +
                                                   std::to_string(settings.max_response_bytes) +
                                                   " bytes");
        }
    }
    const auto received = to_sink ? streamed : static_cast<std::streamsize>(result.body.size());
    if (in.bad() || (response.hasContentLength() && received != response.getContentLength())) {
        throw ChannelError(Kind::transport, where() + ": the response body was cut short");
    }
    return result;
}

}  // namespace vergegrid::sim_channel
