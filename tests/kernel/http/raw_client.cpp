#include "raw_client.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <stdexcept>

namespace vergegrid::test {

std::string http_request(const std::string& method, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         const std::string& body) {
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) {
        request += name + ": " + value + "\r\n";
    }
    if (!body.empty()) {
        request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    return request + "\r\n" + body;
}

namespace {

Poco::Net::Context::Ptr& default_tls() {
    static Poco::Net::Context::Ptr context;
    return context;
}

Poco::Net::StreamSocket connect(std::uint16_t port, const Poco::Net::Context::Ptr& tls) {
    const Poco::Net::SocketAddress address("127.0.0.1", port);
    if (tls) {
        // Connects and completes the handshake, checking the certificate against 127.0.0.1.
        return Poco::Net::SecureStreamSocket(address, tls);
    }
    return Poco::Net::StreamSocket(address);
}

}  // namespace

void set_raw_client_tls(Poco::Net::Context::Ptr client_context) {
    default_tls() = std::move(client_context);
}

RawClient::RawClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : RawClient(port, timeout, default_tls()) {}

RawClient::RawClient(std::uint16_t port, std::chrono::milliseconds timeout,
                     Poco::Net::Context::Ptr tls)
    : socket_(connect(port, tls)) {
    const Poco::Timespan span(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000);
    socket_.setReceiveTimeout(span);
    socket_.setSendTimeout(span);
}

void RawClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const int sent = socket_.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
        if (sent <= 0) {
            throw std::runtime_error("send failed");
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

bool RawClient::receive_more() {
    std::array<char, 8192> chunk{};
    const int n = socket_.receiveBytes(chunk.data(), static_cast<int>(chunk.size()));
    if (n <= 0) {
        return false;
    }
    buffer_.append(chunk.data(), static_cast<std::size_t>(n));
    return true;
}

HttpReply RawClient::read_reply() {
    HttpReply reply = read_reply_head();
    const auto length = reply.header("content-length");
    if (!length.empty()) {
        const auto size = std::stoul(length);
        while (buffer_.size() < size) {
            if (!receive_more()) {
                throw std::runtime_error("connection closed inside a response body");
            }
        }
        reply.body = buffer_.substr(0, size);
        buffer_.erase(0, size);
    } else if (reply.status != 204 && reply.status != 304) {
        while (receive_more()) {
        }
        reply.body = std::move(buffer_);
        buffer_.clear();
    }
    return reply;
}

std::size_t RawClient::read_some(char* buffer, std::size_t capacity) {
    if (buffer_.empty() && !receive_more()) {
        return 0;
    }
    const auto size = std::min(capacity, buffer_.size());
    std::copy_n(buffer_.data(), size, buffer);
    buffer_.erase(0, size);
    return size;
}

HttpReply RawClient::read_reply_head() {
    while (true) {
        std::size_t head_end;
        while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
            if (!receive_more()) {
                throw std::runtime_error("connection closed before a response head");
            }
        }
        HttpReply reply;
        const std::string head = buffer_.substr(0, head_end);
        buffer_.erase(0, head_end + 4);
        std::size_t line_end = head.find("\r\n");
        const std::string status_line = head.substr(0, line_end);
        reply.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
        while (line_end != std::string::npos) {
            const auto start = line_end + 2;
            line_end = head.find("\r\n", start);
            const auto line = head.substr(
                start, line_end == std::string::npos ? std::string::npos : line_end - start);
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                reply.headers[Poco::toLower(line.substr(0, colon))] =
                    Poco::trim(line.substr(colon + 1));
            }
        }
        if (reply.status == 100) {
            continue;
        }
        return reply;
    }
}

void RawClient::abort() {
    socket_.setLinger(true, 0);
    socket_.close();
}

bool RawClient::closed_by_server(std::chrono::milliseconds wait) {
    socket_.setReceiveTimeout(
        Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(wait.count()) * 1000));
    try {
        if (receive_more()) {
            return false;  // the server sent something
        }
    } catch (const Poco::TimeoutException&) {
        return false;
    } catch (const Poco::Net::NetException&) {
        // A reset, or (TLS) a TCP close without a close_notify alert: ask the socket below.
    }
    // Over TLS a receive timeout can come back as "nothing received", like an orderly close:
    // the TCP connection itself tells them apart.
    const int fd = socket_.impl()->sockfd();
    pollfd poll_fd{fd, POLLIN, 0};
    if (::poll(&poll_fd, 1, 500) <= 0) {
        return false;
    }
    char byte = 0;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

bool connection_refused(std::uint16_t port) {
    try {
        Poco::Net::StreamSocket probe(Poco::Net::SocketAddress("127.0.0.1", port));
        return false;
    } catch (const Poco::Net::ConnectionRefusedException&) {
        return true;
    } catch (const Poco::Net::ConnectionResetException&) {
        // A connect caught in the backlog while the listener shuts down is reset, not refused:
        // not refused yet, the next probe tells (this was a flaky test under load).
        return false;
    }
}

}  // namespace vergegrid::test
