#include "sim_bridge/remote_admin/bounded_http.hpp"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <optional>
#include <sstream>
#include <string_view>

#include "sim_bridge/remote_admin/xmlrpc.hpp"

namespace vergegrid::bridge {

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void timed_out() {
    throw XmlRpcTransportError("deadline passed", true);
}

[[noreturn]] void broken(const std::string& why) {
    throw XmlRpcTransportError(why, false);
}

// What is left of the deadline, as Poco wants it; throws once nothing is left.
Poco::Timespan left(Clock::time_point deadline) {
    const auto rest =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    if (rest.count() <= 0) {
        timed_out();
    }
    return Poco::Timespan(rest.count());
}

// Reads a chunked body as it arrives; the cursor keeps the work linear in the bytes received.
class ChunkReader {
  public:
    // `raw` is everything after the headers so far; true once the last chunk and trailers are in.
    bool advance(std::string_view raw, std::size_t max_bytes) {
        while (true) {
            const auto line_end = raw.find("\r\n", cursor_);
            if (line_end == std::string_view::npos) {
                return false;
            }
            const auto line = raw.substr(cursor_, line_end - cursor_);
            std::uint64_t size = 0;
            const auto [end, ec] =
                std::from_chars(line.data(), line.data() + line.size(), size, 16);
            if (ec != std::errc{} || end == line.data() ||
                (end != line.data() + line.size() && *end != ';' && *end != ' ')) {
                broken("a chunk size line is not hexadecimal");
            }
            if (size > max_bytes) {
                broken("a chunk is larger than " + std::to_string(max_bytes) + " bytes");
            }
            if (size == 0) {
                // Trailer lines, if any, then the empty line that ends the message.
                for (auto at = line_end + 2;;) {
                    const auto next = raw.find("\r\n", at);
                    if (next == std::string_view::npos) {
                        return false;
                    }
                    if (next == at) {
                        return true;
                    }
                    at = next + 2;
                }
            }
            const auto data = line_end + 2;
            if (raw.size() < data + size + 2) {
                return false;
            }
            if (raw.substr(data + size, 2) != "\r\n") {
                broken("a chunk does not end where its size says");
            }
            body_.append(raw.substr(data, size));
            cursor_ = data + size + 2;
        }
    }

    std::string take() { return std::move(body_); }

  private:
    std::size_t cursor_ = 0;
    std::string body_;
};

std::string request_bytes(const HttpPost& post) {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, post.path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost(post.host, post.port);
    request.setContentType(post.content_type);
    request.setContentLength(static_cast<std::streamsize>(post.body.size()));
    request.setKeepAlive(false);
    std::ostringstream head;
    request.write(head);
    return head.str() + post.body;
}

void send_all(Poco::Net::StreamSocket& socket, const std::string& bytes,
              Clock::time_point deadline) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        socket.setSendTimeout(left(deadline));
        const auto chunk = static_cast<int>(std::min<std::size_t>(bytes.size() - sent, INT_MAX));
        // MSG_NOSIGNAL: a simulator that hangs up mid-request must not raise SIGPIPE.
        const int n = socket.sendBytes(bytes.data() + sent, chunk, MSG_NOSIGNAL);
        if (n <= 0) {
            broken("the connection closed while sending");
        }
        sent += static_cast<std::size_t>(n);
    }
}

// Everything about the answer that arrives before its body.
struct Head {
    std::size_t size = 0;  // bytes up to and including the empty line
    int status = 0;
    bool chunked = false;
    std::optional<std::size_t> length;
};

std::optional<Head> read_head(const std::string& raw, std::size_t& searched) {
    const auto end = raw.find("\r\n\r\n", searched);
    if (end == std::string::npos) {
        searched = raw.size() < 3 ? 0 : raw.size() - 3;
        return std::nullopt;
    }
    Head head;
    head.size = end + 4;
    Poco::Net::HTTPResponse response;
    try {
        std::istringstream text(raw.substr(0, head.size));
        response.read(text);
        head.chunked = response.getChunkedTransferEncoding();
        if (!head.chunked && response.hasContentLength()) {
            const auto length = response.getContentLength64();
            if (length < 0) {
                broken("a negative Content-Length");
            }
            head.length = static_cast<std::size_t>(length);
        }
    } catch (const Poco::Exception& e) {
        broken("not an HTTP answer: " + e.displayText());
    }
    head.status = static_cast<int>(response.getStatus());
    return head;
}

}  // namespace

HttpAnswer post_within(const HttpPost& post, Clock::time_point deadline, std::size_t max_bytes) {
    try {
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress(post.host, post.port), left(deadline));
        send_all(socket, request_bytes(post), deadline);

        std::string raw;
        std::size_t searched = 0;
        std::optional<Head> head;
        ChunkReader chunks;
        bool complete = false;
        char buffer[16 * 1024];
        while (!complete) {
            if (!socket.poll(left(deadline), Poco::Net::Socket::SELECT_READ)) {
                timed_out();
            }
            const int n = socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0) {
                break;  // the server closed: the answer is what arrived
            }
            if (raw.size() + static_cast<std::size_t>(n) > max_bytes) {
                broken("the answer is larger than " + std::to_string(max_bytes) + " bytes");
            }
            raw.append(buffer, static_cast<std::size_t>(n));
            if (!head) {
                head = read_head(raw, searched);
            }
            if (head) {
                const auto body = std::string_view(raw).substr(head->size);
                complete = head->chunked ? chunks.advance(body, max_bytes)
                                         : head->length && body.size() >= *head->length;
            }
        }
        if (!head) {
            broken("the connection closed before the answer's headers ended");
        }
        if (!complete && (head->chunked || head->length)) {
            broken("the connection closed before the answer's body ended");
        }
        HttpAnswer answer;
        answer.status = head->status;
        answer.body = head->chunked ? chunks.take()
                                    : raw.substr(head->size, head->length.value_or(raw.size()));
        return answer;
    } catch (const Poco::TimeoutException&) {
        timed_out();
    } catch (const Poco::Exception& e) {
        broken(e.displayText());
    }
}

}  // namespace vergegrid::bridge
