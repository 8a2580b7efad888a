// The channel client's large bodies, which bypass Poco's 4 KiB streams (channel_client.cpp): a
// raw request body goes to the socket in one send after the head, and a 2xx body of known length
// reaches its sink in large reads, taking what Poco buffered with the response head first. The
// server here is a plain socket that sends exactly the bytes a test scripts.
#include <Poco/Exception.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "sim_channel_client/channel_client.hpp"

namespace {

using ::testing::HasSubstr;
using vergegrid::sim_channel::ChannelClient;
using vergegrid::sim_channel::ChannelClientSettings;
using vergegrid::sim_channel::ChannelEndpoint;
using vergegrid::sim_channel::ChannelError;
using vergegrid::sim_channel::ChannelRequest;
using vergegrid::sim_channel::ChannelResponse;
using namespace std::chrono_literals;

std::string patterned(std::size_t size) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
    }
    return bytes;
}

// One connection on 127.0.0.1: reads the request (head, then a body of its Content-Length),
// then lets `answer` write the response piece by piece and closes.
class ScriptedServer {
  public:
    using Answer = std::function<void(Poco::Net::StreamSocket&)>;

    explicit ScriptedServer(Answer answer)
        : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          thread_([this, answer = std::move(answer)] { serve(answer); }) {}
    ~ScriptedServer() { thread_.join(); }

    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(socket_.address().port());
    }
    // The request body the server read (valid once the client has its response).
    const std::string& body() const { return body_; }

  private:
    void serve(const Answer& answer) {
        Poco::Net::StreamSocket peer = socket_.acceptConnection();
        peer.setReceiveTimeout(Poco::Timespan(10, 0));
        std::string received;
        std::vector<char> buffer(64 * 1024);
        std::size_t head_end = std::string::npos;
        std::size_t length = 0;
        while (head_end == std::string::npos || received.size() < head_end + 4 + length) {
            const int got = peer.receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
            if (got <= 0) {
                return;
            }
            received.append(buffer.data(), static_cast<std::size_t>(got));
            if (head_end == std::string::npos &&
                (head_end = received.find("\r\n\r\n")) != std::string::npos) {
                const auto field = received.find("Content-Length: ");
                if (field != std::string::npos && field < head_end) {
                    length = std::stoul(received.substr(field + 16));
                }
            }
        }
        body_ = received.substr(head_end + 4, length);
        try {
            answer(peer);
            peer.shutdownSend();
        } catch (const Poco::Exception&) {
            // The client may hang up first (it stops reading at the Content-Length and closes):
            // the scripted bytes are sent or not, and the test judges what the client got.
        }
    }

    Poco::Net::ServerSocket socket_;
    std::string body_;
    std::thread thread_;
};

ChannelClient client_for(const std::string& url) {
    ChannelClientSettings settings;
    settings.endpoint = ChannelEndpoint::parse(url);
    settings.request_timeout = 10s;
    return ChannelClient(std::move(settings));
}

void send_all(Poco::Net::StreamSocket& peer, const std::string& bytes) {
    peer.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
}

std::string head(std::size_t content_length) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
           std::to_string(content_length) + "\r\nConnection: close\r\n\r\n";
}

TEST(ChannelRawBodies, ARawBodyOfMegabytesReachesTheServerWhole) {
    const std::string body = patterned(3u << 20);
    ScriptedServer server([](Poco::Net::StreamSocket& peer) {
        send_all(peer,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
                 "Connection: close\r\n\r\n{\"ok\":true}");
    });
    const auto client = client_for(server.url());
    ChannelRequest request;
    request.method = "PUT";
    request.path = "/upload";
    request.raw_body = body;
    const auto response = client.request(request);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.json().at("ok"), true);
    EXPECT_EQ(server.body().size(), body.size());
    EXPECT_TRUE(server.body() == body) << "the bytes arrived changed or out of order";
}

TEST(ChannelRawBodies, ADownloadSplitBetweenTheHeadsPacketAndLaterOnesReachesTheSinkWhole) {
    // Larger than the client's read piece, so that it takes several reads after the buffered
    // bytes; the first 1000 bytes travel with the head and Poco buffers them with it.
    const std::string content = patterned(700u << 10);
    ScriptedServer server([&content](Poco::Net::StreamSocket& peer) {
        send_all(peer, head(content.size()) + content.substr(0, 1000));
        std::this_thread::sleep_for(50ms);
        for (std::size_t sent = 1000; sent < content.size(); sent += 100'000) {
            send_all(peer, content.substr(sent, 100'000));
            std::this_thread::sleep_for(5ms);
        }
    });
    const auto client = client_for(server.url());
    std::string sunk;
    int pieces = 0;
    ChannelRequest request;
    request.path = "/content";
    request.body_sink = [&](const ChannelResponse& response, std::string_view piece) {
        EXPECT_EQ(response.status, 200);
        sunk.append(piece);
        ++pieces;
    };
    const auto response = client.request(request);
    EXPECT_EQ(response.status, 200);
    EXPECT_TRUE(response.body.empty());
    EXPECT_EQ(sunk.size(), content.size());
    EXPECT_TRUE(sunk == content) << "the bytes arrived changed or out of order";
    EXPECT_GT(pieces, 1);
}

TEST(ChannelRawBodies, ADownloadShorterThanItsContentLengthIsATransportError) {
    ScriptedServer server([](Poco::Net::StreamSocket& peer) {
        send_all(peer, head(100'000) + patterned(5000));  // then the connection closes
    });
    const auto client = client_for(server.url());
    std::size_t sunk = 0;
    ChannelRequest request;
    request.path = "/content";
    request.body_sink = [&](const ChannelResponse&, std::string_view piece) {
        sunk += piece.size();
    };
    try {
        client.request(request);
        ADD_FAILURE() << "a cut-short body was taken for a whole one";
    } catch (const ChannelError& e) {
        EXPECT_EQ(e.kind(), ChannelError::Kind::transport);
        EXPECT_THAT(e.what(), HasSubstr("cut short"));
    }
    EXPECT_EQ(sunk, 5000u) << "what did arrive reached the sink";
}

TEST(ChannelRawBodies, BytesPastTheContentLengthAreNotTakenForTheBody) {
    const std::string content = patterned(300u << 10);
    ScriptedServer server([&content](Poco::Net::StreamSocket& peer) {
        send_all(peer, head(content.size()) + content + "TRAILING GARBAGE");
    });
    const auto client = client_for(server.url());
    std::string sunk;
    ChannelRequest request;
    request.path = "/content";
    request.body_sink = [&](const ChannelResponse&, std::string_view piece) { sunk.append(piece); };
    EXPECT_EQ(client.request(request).status, 200);
    EXPECT_TRUE(sunk == content);
}

}  // namespace
