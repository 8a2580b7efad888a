// Graceful stop: requests already received finish, idle connections do not delay the stop, new
// connections are refused.
#include <atomic>
#include <future>

#include "server_fixture.hpp"

namespace {

using namespace vergegrid::test;
using Clock = std::chrono::steady_clock;

class ServerStop : public ServerFixture {
  protected:
    bool request_in_flight() const {
        return metrics_contain("vergegrid_http_requests_in_flight 1\n");
    }
};

TEST_F(ServerStop, RequestWhoseBodyIsStillArrivingCompletesBeforeStopReturns) {
    start();
    RawClient client(port());
    client.send("POST /echo/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n");
    ASSERT_TRUE(eventually([&] { return request_in_flight(); }));

    std::atomic<bool> stop_returned{false};
    const auto stop_began = Clock::now();
    auto stopping = std::async(std::launch::async, [&] {
        server_->stop(10000ms);
        stop_returned = true;
    });
    // Once new connections are refused, stop() is draining.
    ASSERT_TRUE(eventually([&] { return connection_refused(port()); }));
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(stop_returned) << "stop() returned while a request was in flight";

    client.send("hello");
    const auto reply = client.read_reply();
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.json()["body"], "hello");
    EXPECT_EQ(Poco::toLower(reply.header("connection")), "close");

    ASSERT_EQ(stopping.wait_for(5s), std::future_status::ready);
    EXPECT_LT(Clock::now() - stop_began, 5s);
    EXPECT_TRUE(connection_refused(port()));
}

TEST_F(ServerStop, NewConnectionsAreRefusedAfterStop) {
    start();
    const auto bound = port();
    {
        RawClient client(bound);
        EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200);
    }
    server_->stop(1000ms);
    EXPECT_TRUE(connection_refused(bound));
}

TEST_F(ServerStop, IdleKeepAliveConnectionDoesNotDelayStop) {
    start();  // keep-alive timeout 10 s
    RawClient client(port());
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200);

    const auto stop_began = Clock::now();
    server_->stop(5000ms);
    EXPECT_LT(Clock::now() - stop_began, 1000ms);
    EXPECT_TRUE(client.closed_by_server(1000ms));
}

TEST_F(ServerStop, ConnectionThatNeverSentARequestDoesNotDelayStop) {
    start();  // request timeout 5 s
    RawClient client(port());
    ASSERT_TRUE(eventually([&] { return log_contains("listening"); }));
    std::this_thread::sleep_for(50ms);  // let a connection thread pick it up

    const auto stop_began = Clock::now();
    server_->stop(5000ms);
    EXPECT_LT(Clock::now() - stop_began, 1000ms);
    EXPECT_TRUE(client.closed_by_server(1000ms));
}

TEST_F(ServerStop, DrainTimeoutShutsDownAStalledRequest) {
    start();
    RawClient client(port());
    client.send(
        "POST /echo/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n");  // body never sent
    ASSERT_TRUE(eventually([&] { return request_in_flight(); }));

    const auto stop_began = Clock::now();
    server_->stop(300ms);
    const auto took = Clock::now() - stop_began;
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 1500ms);
    EXPECT_TRUE(log_contains("drain timed out"));
    EXPECT_TRUE(client.closed_by_server(1000ms));
}

TEST_F(ServerStop, StopIsIdempotentAndDestructionWithoutStopIsClean) {
    start();
    server_->stop(100ms);
    server_->stop(100ms);

    auto settings = test_settings();
    auto other = std::make_unique<http::Server>(settings, router_, registry_, log_);
    other->start();
    RawClient client(other->port());
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200);
    other.reset();  // destructor stops and joins
}

}  // namespace
