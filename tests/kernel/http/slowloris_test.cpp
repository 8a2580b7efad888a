// Slow request heads (slowloris): a connection still sending its head holds a descriptor, not a
// worker thread, and one deadline bounds the whole head however slowly it trickles in.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <sys/resource.h>

#include <iostream>
#include <vector>

#include "server_fixture.hpp"

namespace {

using namespace vergegrid::test;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kTricklers = 1000;

// Each trickling socket takes a descriptor here and one in the server (same process).
bool ensure_open_file_limit(rlim_t wanted) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return false;
    }
    if (limit.rlim_cur < wanted && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = std::min(wanted, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    return ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= wanted;
}

Poco::Net::StreamSocket open_plain(std::uint16_t port) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
    socket.setNoDelay(true);
    return socket;
}

void send_all(Poco::Net::StreamSocket& socket, std::string_view bytes) {
    while (!bytes.empty()) {
        const int sent = socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
        if (sent <= 0) {
            throw std::runtime_error("send failed");
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

class Slowloris : public ServerFixture {};

TEST_F(Slowloris, AThousandTricklingHeadsDoNotStopOtherClients) {
    ASSERT_TRUE(ensure_open_file_limit(2 * kTricklers + 512))
        << "the open-file limit is too low for this test";
    auto settings = test_settings();
    // The listen backlog: on a busy machine the thousand connect faster than they are accepted.
    settings.max_queued = 1024;
    // Not what this test is about: opening them all may take a while on a loaded machine.
    settings.head_timeout = 60s;
    start(settings);

    std::vector<Poco::Net::StreamSocket> slow;
    slow.reserve(kTricklers);
    for (std::size_t i = 0; i < kTricklers; ++i) {
        slow.push_back(open_plain(port()));
        send_all(slow.back(), "GET /hello HTTP/1.1\r\n");
    }
    // A few more header lines each, never the blank line that ends the head.
    for (int round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < slow.size(); ++i) {
            send_all(slow[i],
                     "X-Slow-" + std::to_string(round) + ": " + std::to_string(i) + "\r\n");
        }
        std::this_thread::sleep_for(50ms);
    }
    // Every one of them waits without a thread (8 workers would be far too few).
    EXPECT_TRUE(eventually([&] { return server_->connections_awaiting_head() >= kTricklers; }));

    // The old server (a worker per connection reading its head) did not answer for the whole
    // request timeout; 2 s only a hang exceeds.
    const auto began = Clock::now();
    RawClient client(port(), 2000ms);
    const auto reply = client.exchange(http_request("GET", "/hello"));
    const auto elapsed = std::chrono::duration<double, std::milli>(Clock::now() - began);
    EXPECT_EQ(reply.status, 200);
    EXPECT_LT(elapsed.count(), 2000.0);
    std::cout << "GET /hello answered in " << elapsed.count() << " ms with " << kTricklers
              << " trickling heads open\n";
    RecordProperty("hello_ms_with_1000_slow_heads", std::to_string(elapsed.count()));

    // And keep-alive requests after it are served too.
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200);
}

TEST_F(Slowloris, AHeadTrickledPastTheHeadDeadlineIsCutOffWith408) {
    auto settings = test_settings();
    settings.head_timeout = 500ms;
    settings.request_timeout = 5000ms;  // each line comes well within this per-read bound
    start(settings);
    auto socket = open_plain(port());
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    const auto began = Clock::now();
    send_all(socket, "GET /hello HTTP/1.1\r\n");
    // A header line every 100 ms for up to 6 s, until the server answers.
    int line = 0;
    while (Clock::now() - began < 6s &&
           !socket.poll(Poco::Timespan(0, 100 * 1000), Poco::Net::Socket::SELECT_READ)) {
        send_all(socket, "X-Line-" + std::to_string(line++) + ": y\r\n");
    }
    const auto cut_after = Clock::now() - began;
    std::string received;
    std::array<char, 4096> chunk{};
    for (int n = 0; (n = socket.receiveBytes(chunk.data(), static_cast<int>(chunk.size()))) > 0;) {
        received.append(chunk.data(), static_cast<std::size_t>(n));
    }
    EXPECT_LT(cut_after, 3s) << "the head kept the connection open for " << line << " lines";
    EXPECT_EQ(received.rfind("HTTP/1.1 408", 0), 0U) << received;
    EXPECT_NE(received.find("\"request_timeout\""), std::string::npos) << received;
    EXPECT_TRUE(metrics_contain("status=\"408\""));
}

TEST_F(Slowloris, APartialHeadPipelinedBehindARequestIsCutOffToo) {
    auto settings = test_settings();
    settings.head_timeout = 500ms;
    settings.request_timeout = 5000ms;
    start(settings);
    RawClient client(port(), 5000ms);
    // One segment: Poco reads the start of the second head along with the first request, so
    // that head is read by the worker, not waited for in the parking lot.
    client.send(http_request("GET", "/hello") + "GET /hello HTTP/1.1\r\n");
    EXPECT_EQ(client.read_reply().status, 200);
    const auto began = Clock::now();
    bool cut = false;
    for (int line = 0; Clock::now() - began < 6s; ++line) {
        std::this_thread::sleep_for(100ms);
        try {
            client.send("X-Line-" + std::to_string(line) + ": y\r\n");
        } catch (const std::exception&) {
            cut = true;
            break;
        }
    }
    cut = cut || client.closed_by_server(100ms);
    EXPECT_TRUE(cut);
    EXPECT_LT(Clock::now() - began, 3s);
}

TEST_F(Slowloris, ANewConnectionThatSaysNothingIsClosedAtTheHeadDeadline) {
    auto settings = test_settings();
    settings.head_timeout = 300ms;
    settings.request_timeout = 30s;
    start(settings);
    RawClient client(port(), 5000ms);
    EXPECT_TRUE(client.closed_by_server(3000ms));
}

// Found by tests/fuzz http_request_head: Poco reads the missing version token on past the blank
// line, so the worker waited request_timeout for bytes that never come.
TEST_F(Slowloris, ARequestLineWithoutAVersionIsA400AtOnceNotAWaitingWorker) {
    auto settings = test_settings();
    settings.request_timeout = 30s;
    start(settings);
    for (const char* head : {"GET /hello\r\n\r\n", "POST\r\n\r\n", "GET /hello\n\n"}) {
        RawClient client(port(), 5000ms);
        const auto began = Clock::now();
        client.send(head);
        const auto reply = client.read_reply();
        EXPECT_EQ(reply.status, 400) << head;
        EXPECT_EQ(reply.json()["error"]["code"], "bad_request") << head;
        EXPECT_LT(Clock::now() - began, 3s) << head;
    }
}

TEST_F(Slowloris, AHeadLargerThanTheLimitIsA431BeforeItEnds) {
    start();  // max_header_bytes 4096
    RawClient client(port());
    // Never ends: the answer must not wait for the blank line.
    client.send("GET /hello HTTP/1.1\r\nX-Big: " + std::string(5000, 'b') + "\r\n");
    const auto reply = client.read_reply();
    EXPECT_EQ(reply.status, 431);
    EXPECT_EQ(reply.json()["error"]["code"], "request_header_fields_too_large");
}

TEST_F(Slowloris, KeepAliveConnectionsAreServedAfterWaitingWithoutAThread) {
    auto settings = test_settings();
    settings.max_connections = 1;
    start(settings);
    // More idle keep-alive connections than workers, each used again after a pause.
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<RawClient>(port(), 2000ms));
        EXPECT_EQ(clients.back()->exchange(http_request("GET", "/hello")).status, 200);
    }
    std::this_thread::sleep_for(100ms);
    for (auto& client : clients) {
        EXPECT_EQ(client->exchange(http_request("GET", "/hello")).status, 200);
    }
}

}  // namespace
