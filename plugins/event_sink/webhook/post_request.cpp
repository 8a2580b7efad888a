#include "post_request.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/InvalidCertificateHandler.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/VerificationErrorArgs.h>

#include <map>
#include <mutex>
#include <sstream>
#include <string_view>
#include <thread>

#include "ssl_runtime/ssl_runtime.hpp"

namespace vergegrid::event_sink {

namespace {

using Clock = std::chrono::steady_clock;

// Why OpenSSL refused the receiver's certificate chain, per thread doing a handshake (different
// subscriptions deliver from different threads at once). Not a thread_local: a plugin's dynamic
// TLS outlives the plugin in every thread's vector after dlclose, which LeakSanitizer then reads
// and crashes on.
class ChainErrors {
  public:
    void set(std::string error) {
        std::lock_guard lock(mutex_);
        errors_[std::this_thread::get_id()] = std::move(error);
    }
    // This thread's error, now forgotten ("" when none).
    std::string take() {
        std::lock_guard lock(mutex_);
        const auto it = errors_.find(std::this_thread::get_id());
        if (it == errors_.end()) {
            return {};
        }
        std::string error = std::move(it->second);
        errors_.erase(it);
        return error;
    }

  private:
    std::mutex mutex_;
    std::map<std::thread::id, std::string> errors_;
};

ChainErrors chain_errors;

// Poco's default handler, without a Poco::Util::Application, looks in configuration and may
// prompt on the console. This one never accepts, and remembers why.
class RejectAndRemember final : public Poco::Net::InvalidCertificateHandler {
  public:
    RejectAndRemember() : Poco::Net::InvalidCertificateHandler(false) {}
    void onInvalidCertificate(const void*, Poco::Net::VerificationErrorArgs& args) override {
        chain_errors.set(args.errorMessage() + " (certificate of '" +
                         args.certificate().subjectName() + "')");
        args.setIgnoreError(false);
    }
};

}  // namespace

// Named rather than anonymous: WebhookSession (post_request.hpp) takes a Deadline and keeps a
// Connection.
namespace post_detail {

// Thrown inside WebhookSession::post when the deadline has passed; caught there.
struct DeadlinePassed {};

class Deadline {
  public:
    explicit Deadline(std::chrono::milliseconds total) : end_(Clock::now() + total) {}
    // What is left, at least 1 ms; throws DeadlinePassed when nothing is.
    Poco::Timespan left() const {
        const auto left =
            std::chrono::duration_cast<std::chrono::microseconds>(end_ - Clock::now());
        if (left.count() < 1000) {
            throw DeadlinePassed{};
        }
        return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(left.count()));
    }
    bool passed() const { return Clock::now() >= end_; }

  private:
    Clock::time_point end_;
};

// A connected socket, plain or TLS, whose every wait is bounded by the deadline of the post
// using it. A TLS socket is non-blocking: Poco 1.11's blocking TLS reads wait out the socket
// timeout once in SSL_read and again in poll(), twice what is left. A plain socket stays
// blocking, with a poll and socket timeouts of what is left before each call.
class Connection {
  public:
    Connection(Poco::Net::StreamSocket socket, bool tls) : socket_(std::move(socket)), tls_(tls) {}

    void send_all(std::string_view data, const Deadline& deadline) {
        while (!data.empty()) {
            prepare(Poco::Net::Socket::SELECT_WRITE, deadline);
            const int n = socket_.sendBytes(data.data(), static_cast<int>(data.size()));
            if (n > 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
            } else if (!wait_for_tls(n, deadline)) {
                throw Poco::Net::NetException("the connection took no more of the request");
            }
        }
    }

    // Bytes received into `buffer` (at least 1), or 0 when the receiver closed the connection.
    int receive_some(char* buffer, int size, const Deadline& deadline) {
        for (;;) {
            prepare(Poco::Net::Socket::SELECT_READ, deadline);
            const int n = socket_.receiveBytes(buffer, size);
            if (n >= 0) {
                return n;
            }
            if (!wait_for_tls(n, deadline)) {
                throw Poco::Net::NetException("receiving the answer failed");
            }
        }
    }

  private:
    // Poco 1.11's TLS socket keeps a blocking flag of its own and, on "want read", polls with
    // the socket timeouts before it returns: they get what is left too.
    void prepare(int mode, const Deadline& deadline) {
        if (!tls_ && !socket_.poll(deadline.left(), mode)) {
            throw DeadlinePassed{};
        }
        const auto left = deadline.left();
        socket_.setSendTimeout(left);
        socket_.setReceiveTimeout(left);
    }

    // For a TLS socket's "want read"/"want write": waits for it within the deadline.
    bool wait_for_tls(int code, const Deadline& deadline) {
        if (!tls_) {
            return false;
        }
        int mode = 0;
        if (code == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_READ) {
            mode = Poco::Net::Socket::SELECT_READ;
        } else if (code == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_WRITE) {
            mode = Poco::Net::Socket::SELECT_WRITE;
        } else {
            return false;
        }
        if (!socket_.poll(deadline.left(), mode)) {
            throw DeadlinePassed{};
        }
        return true;
    }

    Poco::Net::StreamSocket socket_;
    bool tls_;
};

}  // namespace post_detail

using post_detail::Connection;
using post_detail::Deadline;
using post_detail::DeadlinePassed;

namespace {

Poco::Net::StreamSocket connect_plain(const Poco::Net::SocketAddress& address,
                                      const Deadline& deadline) {
    Poco::Net::StreamSocket socket;
    socket.connect(address, deadline.left());
    socket.setNoDelay(true);
    return socket;
}

// As sim_channel_client's connect_tls: a non-blocking handshake whose every wait gets what is
// left of the deadline, then the check that the certificate names the host.
Poco::Net::StreamSocket connect_tls(const WebhookTarget& target,
                                    const Poco::Net::SocketAddress& address,
                                    const Poco::Net::Context::Ptr& context,
                                    const Deadline& deadline) {
    Poco::Net::SecureStreamSocket socket(context);
    socket.setLazyHandshake(true);
    socket.setPeerHostName(target.host);  // SNI and the host name check
    socket.connect(address, deadline.left());
    socket.setNoDelay(true);
    socket.setBlocking(false);
    for (;;) {
        const auto left = deadline.left();  // see Connection::prepare
        socket.setReceiveTimeout(left);
        socket.setSendTimeout(left);
        const int state = socket.completeHandshake();
        if (state == 1) {
            break;
        }
        int mode = 0;
        if (state == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_READ) {
            mode = Poco::Net::Socket::SELECT_READ;
        } else if (state == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_WRITE) {
            mode = Poco::Net::Socket::SELECT_WRITE;
        } else {
            throw Poco::Net::SSLException("the TLS handshake failed");
        }
        if (!socket.poll(deadline.left(), mode)) {
            throw DeadlinePassed{};
        }
    }
    socket.verifyPeerCertificate();
    return socket;
}

std::string request_head(const WebhookTarget& target, const Headers& headers,
                         const std::string& content_type, std::size_t body_size) {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, target.path_and_query,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost(target.host, target.port);
    request.setContentType(content_type);
    request.setContentLength64(static_cast<Poco::Int64>(body_size));
    request.setKeepAlive(true);
    for (const auto& [name, value] : headers) {
        request.set(name, value);
    }
    std::ostringstream out;
    request.write(out);
    return out.str();
}

// Reads up to the end of the answer's head; fills `response` from it and returns the bytes read
// past it (the start of the body). `answered` once any byte of it came.
std::string read_response_head(Connection& connection, const Deadline& deadline,
                               std::size_t max_bytes, Poco::Net::HTTPResponse& response,
                               bool& answered) {
    std::string head;
    char buffer[4096];
    std::size_t scanned = 0;
    for (;;) {
        const auto room = max_bytes - head.size();
        if (room == 0) {
            throw Poco::Net::MessageException("the answer's head is larger than " +
                                              std::to_string(max_bytes) + " bytes");
        }
        const int n = connection.receive_some(
            buffer, static_cast<int>(std::min<std::size_t>(sizeof buffer, room)), deadline);
        if (n == 0) {
            throw Poco::Net::NoMessageException();
        }
        answered = true;
        head.append(buffer, static_cast<std::size_t>(n));
        const auto end = head.find("\r\n\r\n", scanned > 3 ? scanned - 3 : 0);
        if (end != std::string::npos) {
            std::istringstream in(head.substr(0, end + 4));
            response.read(in);
            return head.substr(end + 4);
        }
        scanned = head.size();
    }
}

// Reads the rest of the answer's body when its length is known and within `max_bytes`, so that
// the connection can carry the next post; false when it cannot (no length, chunked, too long,
// more bytes than announced): then the connection is closed instead.
bool read_response_body(Connection& connection, const Deadline& deadline, std::size_t max_bytes,
                        const Poco::Net::HTTPResponse& response, std::size_t already) {
    const auto status = static_cast<int>(response.getStatus());
    if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
        return already == 0;  // no body, whatever the headers say
    }
    if (response.getChunkedTransferEncoding() || !response.hasContentLength()) {
        return false;
    }
    const auto length = static_cast<std::size_t>(response.getContentLength64());
    if (length > max_bytes || already > length) {
        return false;
    }
    char buffer[4096];
    for (std::size_t left = length - already; left > 0;) {
        const int n = connection.receive_some(
            buffer, static_cast<int>(std::min<std::size_t>(sizeof buffer, left)), deadline);
        if (n == 0) {
            return false;
        }
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

// Poco's SSL set-up, once per load of this plugin. Not ssl_runtime::ensure_initialized(): the
// plugin would hold its own copy of that static, whose destructor runs Poco::Net::uninitializeSSL()
// when the plugin unloads, and that shuts NetSSL's SSLManager down for the whole process, the
// host's HTTPS server included. The reference taken here is never given back; OpenSSL 1.1 and
// later clean up at process exit by themselves.
void initialize_ssl_once() {
    static const bool initialized = [] {
        Poco::Net::initializeSSL();
        return true;
    }();
    (void)initialized;
}

std::string timed_out(std::chrono::milliseconds deadline) {
    return "timed out after " + std::to_string(deadline.count()) + " ms";
}

}  // namespace

Poco::Net::Context::Ptr webhook_tls_context(
    const std::optional<std::filesystem::path>& extra_ca_file) {
    initialize_ssl_once();
    Poco::Net::Context::Params params;
    params.loadDefaultCAs = true;
    if (extra_ca_file) {
        params.caLocation = extra_ca_file->string();
    }
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.cipherList = ssl_runtime::kTls12Ciphers;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->enableExtendedCertificateVerification(true);
    context->setInvalidCertificateHandler(new RejectAndRemember);
    return context;
}

struct WebhookSession::Open {
    Connection connection;
};

WebhookSession::WebhookSession(WebhookTarget target, Poco::Net::Context::Ptr context,
                               std::size_t max_response_bytes)
    : target_(std::move(target)),
      context_(std::move(context)),
      max_response_bytes_(max_response_bytes) {}

WebhookSession::~WebhookSession() = default;

PostOutcome WebhookSession::post(const Headers& headers, const std::string& content_type,
                                 const std::string& body, std::chrono::milliseconds deadline_ms) {
    const Deadline deadline(deadline_ms);
    PostOutcome outcome;
    chain_errors.take();
    if (target_.https) {
        ssl_runtime::clear_openssl_errors();
    }
    try {
        // A kept connection the receiver has closed meanwhile fails before any of the answer
        // arrives: the post goes once more, on a new connection.
        for (bool again = false;; again = true) {
            const bool reused = open_ != nullptr;
            bool answered = false;
            try {
                outcome = exchange(headers, content_type, body, deadline, answered);
                break;
            } catch (const DeadlinePassed&) {
                throw;
            } catch (const Poco::TimeoutException&) {
                throw;
            } catch (const Poco::Exception&) {
                open_.reset();
                if (!reused || answered || again) {
                    throw;
                }
            }
        }
    } catch (const DeadlinePassed&) {
        outcome.error = timed_out(deadline_ms);
    } catch (const Poco::TimeoutException&) {
        outcome.error = timed_out(deadline_ms);
    } catch (const Poco::Net::CertificateValidationException& e) {
        outcome.error =
            "certificate verify failed: the certificate does not name '" + target_.host + "'";
    } catch (const Poco::Net::SSLException& e) {
        if (auto chain_error = chain_errors.take(); !chain_error.empty()) {
            outcome.error = "certificate verify failed: " + chain_error;
        } else if (deadline.passed()) {
            outcome.error = timed_out(deadline_ms);
        } else {
            outcome.error = "TLS failed: " + e.displayText();
        }
    } catch (const Poco::Net::ConnectionRefusedException&) {
        outcome.error = "connection refused";
    } catch (const Poco::Net::HostNotFoundException&) {
        outcome.error = "host not found: " + target_.host;
    } catch (const Poco::Net::NoAddressFoundException&) {
        outcome.error = "host not found: " + target_.host;
    } catch (const Poco::Net::NoMessageException&) {
        outcome.error = "the connection closed before an answer";
    } catch (const Poco::Net::MessageException& e) {
        outcome.error = "malformed answer: " + e.message();
    } catch (const Poco::Exception& e) {
        outcome.error = deadline.passed() ? timed_out(deadline_ms) : e.displayText();
    } catch (const std::exception& e) {
        outcome.error = e.what();
    }
    if (!outcome.error.empty() && outcome.status == 0) {
        open_.reset();  // failed on the way: the connection's state is unknown
    }
    if (target_.https) {
        chain_errors.take();  // one left by a handshake that failed otherwise (a timeout)
        ssl_runtime::clear_openssl_errors();
    }
    return outcome;
}

PostOutcome WebhookSession::exchange(const Headers& headers, const std::string& content_type,
                                     const std::string& body, const Deadline& deadline,
                                     bool& answered) {
    if (!open_) {
        // Name lookup is the system resolver's and keeps its own timeouts (resolv.conf).
        const Poco::Net::SocketAddress address(target_.host, target_.port);
        open_ = std::make_unique<Open>(
            Open{Connection(target_.https ? connect_tls(target_, address, context_, deadline)
                                          : connect_plain(address, deadline),
                            target_.https)});
    }
    Connection& connection = open_->connection;
    connection.send_all(request_head(target_, headers, content_type, body.size()), deadline);
    connection.send_all(body, deadline);
    Poco::Net::HTTPResponse response;
    const std::string body_start =
        read_response_head(connection, deadline, max_response_bytes_, response, answered);
    // Kept for the next post only when this answer is read to its end and the receiver keeps
    // the connection (HTTP/1.1 without "Connection: close").
    if (!response.getKeepAlive() || !read_response_body(connection, deadline, max_response_bytes_,
                                                        response, body_start.size())) {
        open_.reset();
    }
    PostOutcome outcome;
    outcome.status = static_cast<int>(response.getStatus());
    if (outcome.status >= 200 && outcome.status < 300) {
        return outcome;
    }
    outcome.error = "HTTP " + std::to_string(outcome.status);
    if (outcome.status >= 300 && outcome.status < 400) {
        const auto& location = response.get("Location", "");
        outcome.error += location.empty() ? " redirect (not followed)"
                                          : " redirect to " + location + " (not followed)";
    }
    return outcome;
}

}  // namespace vergegrid::event_sink
