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

// Thrown inside post_within when the deadline has passed; caught there.
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

// A connected socket, plain or TLS, whose every wait is bounded by the deadline. A TLS socket is
// non-blocking: Poco 1.11's blocking TLS reads wait out the socket timeout once in SSL_read and
// again in poll(), twice what is left. A plain socket stays blocking, with a poll and socket
// timeouts of what is left before each call.
class Connection {
  public:
    Connection(Poco::Net::StreamSocket socket, bool tls, const Deadline& deadline)
        : socket_(std::move(socket)), tls_(tls), deadline_(deadline) {}

    void send_all(std::string_view data) {
        while (!data.empty()) {
            prepare(Poco::Net::Socket::SELECT_WRITE);
            const int n = socket_.sendBytes(data.data(), static_cast<int>(data.size()));
            if (n > 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
            } else if (!wait_for_tls(n)) {
                throw Poco::Net::NetException("the connection took no more of the request");
            }
        }
    }

    // Bytes received into `buffer` (at least 1), or 0 when the receiver closed the connection.
    int receive_some(char* buffer, int size) {
        for (;;) {
            prepare(Poco::Net::Socket::SELECT_READ);
            const int n = socket_.receiveBytes(buffer, size);
            if (n >= 0) {
                return n;
            }
            if (!wait_for_tls(n)) {
                throw Poco::Net::NetException("receiving the answer failed");
            }
        }
    }

  private:
    // Poco 1.11's TLS socket keeps a blocking flag of its own and, on "want read", polls with
    // the socket timeouts before it returns: they get what is left too.
    void prepare(int mode) {
        if (!tls_ && !socket_.poll(deadline_.left(), mode)) {
            throw DeadlinePassed{};
        }
        const auto left = deadline_.left();
        socket_.setSendTimeout(left);
        socket_.setReceiveTimeout(left);
    }

    // For a TLS socket's "want read"/"want write": waits for it within the deadline.
    bool wait_for_tls(int code) {
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
        if (!socket_.poll(deadline_.left(), mode)) {
            throw DeadlinePassed{};
        }
        return true;
    }

    Poco::Net::StreamSocket socket_;
    bool tls_;
    const Deadline& deadline_;
};

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
    request.setKeepAlive(false);
    for (const auto& [name, value] : headers) {
        request.set(name, value);
    }
    std::ostringstream out;
    request.write(out);
    return out.str();
}

// Reads up to the end of the answer's head; fills `response` from it.
void read_response_head(Connection& connection, std::size_t max_bytes,
                        Poco::Net::HTTPResponse& response) {
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
            buffer, static_cast<int>(std::min<std::size_t>(sizeof buffer, room)));
        if (n == 0) {
            throw Poco::Net::NoMessageException();
        }
        head.append(buffer, static_cast<std::size_t>(n));
        const auto end = head.find("\r\n\r\n", scanned > 3 ? scanned - 3 : 0);
        if (end != std::string::npos) {
            std::istringstream in(head.substr(0, end + 4));
            response.read(in);
            return;
        }
        scanned = head.size();
    }
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

PostOutcome post_within(const WebhookTarget& target, const Headers& headers,
                        const std::string& content_type, const std::string& body,
                        const Poco::Net::Context::Ptr& context,
                        std::chrono::milliseconds deadline_ms, std::size_t max_response_bytes) {
    const Deadline deadline(deadline_ms);
    PostOutcome outcome;
    chain_errors.take();
    if (target.https) {
        ssl_runtime::clear_openssl_errors();
    }
    try {
        // Name lookup is the system resolver's and keeps its own timeouts (resolv.conf).
        const Poco::Net::SocketAddress address(target.host, target.port);
        Connection connection(target.https ? connect_tls(target, address, context, deadline)
                                           : connect_plain(address, deadline),
                              target.https, deadline);
        connection.send_all(request_head(target, headers, content_type, body.size()));
        connection.send_all(body);
        Poco::Net::HTTPResponse response;
        read_response_head(connection, max_response_bytes, response);
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
    } catch (const DeadlinePassed&) {
        outcome.error = timed_out(deadline_ms);
    } catch (const Poco::TimeoutException&) {
        outcome.error = timed_out(deadline_ms);
    } catch (const Poco::Net::CertificateValidationException& e) {
        outcome.error =
            "certificate verify failed: the certificate does not name '" + target.host + "'";
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
        outcome.error = "host not found: " + target.host;
    } catch (const Poco::Net::NoAddressFoundException&) {
        outcome.error = "host not found: " + target.host;
    } catch (const Poco::Net::NoMessageException&) {
        outcome.error = "the connection closed before an answer";
    } catch (const Poco::Net::MessageException& e) {
        outcome.error = "malformed answer: " + e.message();
    } catch (const Poco::Exception& e) {
        outcome.error = deadline.passed() ? timed_out(deadline_ms) : e.displayText();
    } catch (const std::exception& e) {
        outcome.error = e.what();
    }
    if (target.https) {
        chain_errors.take();  // one left by a handshake that failed otherwise (a timeout)
        ssl_runtime::clear_openssl_errors();
    }
    return outcome;
}

}  // namespace vergegrid::event_sink
