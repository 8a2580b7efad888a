// Request bodies with a Content-Length, which the server reads on the session directly in large
// pieces (kernel/http/body_reader.cpp): bytes Poco buffered with the head come first, then the
// socket's; never a byte past the body's end, however the client sends it and whatever it
// announced.
#include <atomic>
#include <cstddef>
#include <string>
#include <thread>

#include "server_fixture.hpp"

namespace {

using namespace vergegrid::test;

constexpr std::size_t kSizedRouteLimit = 8u << 20;

// Bytes that differ from one position to the next (with a period no chunking lines up with), so
// that a lost, doubled or reordered piece shows.
std::string patterned(std::size_t size) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
    }
    return bytes;
}

class SizedBody : public ServerFixture {
  protected:
    void SetUp() override {
        router_->add(
            "PUT", "/blob", http::Permission::anyone,
            [this](const http::Request& request) {
                ++handled_;
                return http::Response::json(
                    200, {{"size", request.body.size()},
                          {"intact", request.body == patterned(request.body.size())}});
            },
            kSizedRouteLimit);
        auto settings = test_settings();
        settings.request_timeout = 3000ms;
        start(settings);
    }

    static std::string head(std::size_t content_length) {
        return "PUT /blob HTTP/1.1\r\nHost: x\r\nContent-Length: " +
               std::to_string(content_length) + "\r\n\r\n";
    }

    std::atomic<int> handled_{0};
};

TEST_F(SizedBody, ABodySplitBetweenPocosBufferAndTheSocketArrivesWhole) {
    const std::string body = patterned(3u << 20);
    RawClient client(port(), 10000ms);
    // The head and the body's first bytes in one packet: Poco reads them together while parsing
    // the head, and the body continues on the socket.
    client.send(head(body.size()) + body.substr(0, 1500));
    std::this_thread::sleep_for(100ms);
    client.send(std::string_view(body).substr(1500));
    const auto reply = client.read_reply();
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json()["size"], body.size());
    EXPECT_EQ(reply.json()["intact"], true);
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200) << "keep-alive holds";
}

TEST_F(SizedBody, TheReadStopsAtTheBodysEndWhenTheNextRequestFollowsInTheSameSend) {
    const std::string big = patterned(512u << 10);
    const std::string small = patterned(100);
    RawClient client(port(), 10000ms);
    client.send(head(big.size()) + big + head(small.size()) + small +
                http_request("GET", "/hello"));
    const auto first = client.read_reply();
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.json()["size"], big.size());
    EXPECT_EQ(first.json()["intact"], true);
    const auto second = client.read_reply();
    ASSERT_EQ(second.status, 200) << second.body;
    EXPECT_EQ(second.json()["size"], small.size());
    EXPECT_EQ(second.json()["intact"], true);
    EXPECT_EQ(client.read_reply().json()["hello"], "world");
}

TEST_F(SizedBody, ASlowClientsBodyArrivesWholeFromManySmallPieces) {
    const std::string body = patterned(64u << 10);
    RawClient client(port(), 10000ms);
    client.send(head(body.size()));
    // Pieces that straddle every boundary a reader might use (Poco's 4 KiB, a first 64 KiB step).
    for (std::size_t sent = 0; sent < body.size(); sent += 1000) {
        client.send(std::string_view(body).substr(sent, 1000));
        std::this_thread::sleep_for(2ms);
    }
    const auto reply = client.read_reply();
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json()["size"], body.size());
    EXPECT_EQ(reply.json()["intact"], true);
}

TEST_F(SizedBody, AClientThatSendsLessThanItAnnouncedAndLeavesReachesNoHandler) {
    {
        RawClient client(port());
        client.send(head(1u << 20) + patterned(10u << 10));
        std::this_thread::sleep_for(100ms);
        client.abort();
    }
    // And one that stops sending without leaving is answered 408 at the request timeout.
    RawClient stalled(port(), 10000ms);
    const auto reply = stalled.exchange(head(1u << 20) + patterned(10u << 10));
    EXPECT_EQ(reply.status, 408);
    EXPECT_EQ(handled_.load(), 0);
    RawClient next(port());
    EXPECT_EQ(next.exchange(http_request("GET", "/hello")).status, 200) << "the server serves on";
}

TEST_F(SizedBody, BytesPastAnAnnouncedLengthAreTheNextRequest) {
    RawClient client(port(), 10000ms);
    // More bytes than announced: the handler gets the announced 10, and the rest is read as the
    // next request's head, which is malformed: refused (Poco takes it for an overlong request
    // line, a 414), then the connection closes.
    client.send(head(10) + patterned(10) + "NOT-A-REQUEST\r\n\r\n");
    const auto first = client.read_reply();
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.json()["size"], 10);
    EXPECT_EQ(first.json()["intact"], true);
    const auto second = client.read_reply();
    EXPECT_GE(second.status, 400);
    EXPECT_LT(second.status, 500);
    EXPECT_TRUE(client.closed_by_server(2000ms));
    EXPECT_EQ(handled_.load(), 1);
}

}  // namespace
