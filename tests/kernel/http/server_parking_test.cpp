// Long polls parked without a worker thread: many of them on a server with a few workers, wake-up,
// deadline, a client leaving, pipelined input, the max_parked limit and a stop with polls waiting.
#include <atomic>
#include <future>
#include <mutex>
#include <optional>
#include <vector>

#include "kernel/http/deferred.hpp"
#include "server_fixture.hpp"

namespace {

using namespace vergegrid::test;
using Clock = std::chrono::steady_clock;

// What the test's polls wait for: release() answers every parked poll.
class Board {
  public:
    void release() {
        std::vector<std::function<void()>> wakes;
        {
            std::lock_guard lock(mutex_);
            ++generation_;
            wakes.swap(wakes_);
        }
        for (auto& wake : wakes) {
            wake();
        }
    }
    std::uint64_t generation() {
        std::lock_guard lock(mutex_);
        return generation_;
    }
    void subscribe(std::function<void()> wake) {
        std::lock_guard lock(mutex_);
        wakes_.push_back(std::move(wake));
    }
    std::atomic<int> destroyed{0};

  private:
    std::mutex mutex_;
    std::uint64_t generation_ = 0;
    std::vector<std::function<void()>> wakes_;
};

class TestPoll final : public http::Deferred {
  public:
    TestPoll(Board& board, std::chrono::milliseconds wait)
        : board_(board), seen_(board.generation()), deadline_(Clock::now() + wait) {}
    ~TestPoll() override { ++board_.destroyed; }
    Clock::time_point deadline() const override { return deadline_; }
    void arm(std::function<void()> wake) override { board_.subscribe(std::move(wake)); }
    std::optional<http::Response> resume(bool final) override {
        const bool woken = board_.generation() != seen_;
        if (!woken && !final) {
            return std::nullopt;
        }
        return http::Response::json(200, {{"woken", woken}});
    }

  private:
    Board& board_;
    std::uint64_t seen_;
    Clock::time_point deadline_;
};

class ServerParking : public ServerFixture {
  protected:
    ServerParking() {
        router_->add("GET", "/poll", vergegrid::kernel::http::Permission::anyone,
                     [this](const http::Request& request) {
                         const auto it = request.query.find("wait_ms");
                         const auto wait = std::chrono::milliseconds(
                             it == request.query.end() ? 30000 : std::stoi(it->second));
                         http::Response later;
                         later.deferred = std::make_shared<TestPoll>(board_, wait);
                         return later;
                     });
    }

    static http::ServerSettings few_workers() {
        auto settings = test_settings();
        settings.max_connections = 4;
        return settings;
    }

    // Opens `count` connections, each sending a poll, one after the other: each is parked before
    // the next, so the count parked is known at every step.
    std::vector<std::unique_ptr<RawClient>> parked_polls(int count) {
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int i = 0; i < count; ++i) {
            clients.push_back(std::make_unique<RawClient>(port()));
            clients.back()->send(http_request("GET", "/poll"));
            EXPECT_TRUE(parked_are(static_cast<std::size_t>(i + 1))) << i;
        }
        return clients;
    }

    bool parked_are(std::size_t count) {
        return eventually([&] { return server_->parked_connections() == count; });
    }

    Board board_;
};

TEST_F(ServerParking, TwoHundredPollsOnFourWorkersAreAllAnsweredAndKeepTheirConnections) {
    start(few_workers());
    auto clients = parked_polls(200);
    ASSERT_EQ(server_->parked_connections(), 200u);
    EXPECT_TRUE(metrics_contain("vergegrid_http_parked_connections 200\n"));
    // No worker is held: ordinary requests are served meanwhile.
    EXPECT_EQ(RawClient(port()).exchange(http_request("GET", "/hello")).status, 200);

    board_.release();
    for (auto& client : clients) {
        const auto reply = client->read_reply();
        ASSERT_EQ(reply.status, 200) << reply.body;
        EXPECT_EQ(reply.json()["woken"], true);
    }
    // Each connection goes on serving requests after its poll.
    for (auto& client : clients) {
        EXPECT_EQ(client->exchange(http_request("GET", "/hello")).status, 200);
    }
    EXPECT_TRUE(metrics_contain(
        R"(vergegrid_http_requests_total{method="GET",route="/poll",status="200"} 200)"));
}

TEST_F(ServerParking, AWokenPollIsAnsweredAndTheConnectionCanPollAgain) {
    start(few_workers());
    RawClient client(port());
    client.send(http_request("GET", "/poll"));
    ASSERT_TRUE(parked_are(1));
    board_.release();
    const auto reply = client.read_reply();
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.json()["woken"], true);
    EXPECT_NE(Poco::toLower(reply.header("connection")), "close");

    client.send(http_request("GET", "/poll?wait_ms=200"));
    const auto expired = client.read_reply();
    EXPECT_EQ(expired.status, 200);
    EXPECT_EQ(expired.json()["woken"], false) << "answered at its deadline";
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200);
}

TEST_F(ServerParking, AConnectionIdleAfterItsPollClosesAtTheKeepAliveTimeout) {
    auto settings = few_workers();
    settings.keep_alive_timeout = 300ms;
    start(settings);
    RawClient client(port());
    client.send(http_request("GET", "/poll"));
    ASSERT_TRUE(parked_are(1));
    board_.release();
    EXPECT_EQ(client.read_reply().status, 200);
    EXPECT_TRUE(client.closed_by_server(3000ms)) << "idle between requests, like any connection";
    EXPECT_TRUE(parked_are(0));
}

TEST_F(ServerParking, MetricsTellTheBoundSoThatSaturationIsParkedOverMaxParked) {
    auto settings = few_workers();
    settings.max_parked = 3;
    start(settings);
    EXPECT_TRUE(metrics_contain("vergegrid_http_max_parked 3\n"));
    auto clients = parked_polls(3);
    EXPECT_TRUE(metrics_contain("vergegrid_http_parked_connections 3\n"));
    board_.release();
}

TEST_F(ServerParking, AClientClosingAParkedPollIsForgotten) {
    start(few_workers());
    {
        RawClient leaving(port());
        leaving.send(http_request("GET", "/poll"));
        ASSERT_TRUE(parked_are(1));
    }
    EXPECT_TRUE(parked_are(0));
    EXPECT_TRUE(metrics_contain("vergegrid_http_parked_connections 0\n"));
    EXPECT_TRUE(eventually([&] { return board_.destroyed.load() == 1; }));
    board_.release();  // waking a poll that is gone is harmless
    EXPECT_EQ(RawClient(port()).exchange(http_request("GET", "/hello")).status, 200);
}

TEST_F(ServerParking, ARequestPipelinedBehindAPollAnswersThePollAtOnce) {
    start(few_workers());
    RawClient client(port());
    client.send(http_request("GET", "/poll") + http_request("GET", "/hello"));
    const auto poll = client.read_reply();
    EXPECT_EQ(poll.status, 200);
    EXPECT_EQ(poll.json()["woken"], false);
    EXPECT_EQ(client.read_reply().status, 200);
}

TEST_F(ServerParking, PollsBeyondMaxParkedGetA503) {
    auto settings = few_workers();
    settings.max_parked = 2;
    start(settings);
    RawClient first(port());
    RawClient second(port());
    first.send(http_request("GET", "/poll"));
    second.send(http_request("GET", "/poll"));
    ASSERT_TRUE(parked_are(2));
    RawClient third(port());
    const auto refused = third.exchange(http_request("GET", "/poll"));
    EXPECT_EQ(refused.status, 503);
    EXPECT_EQ(refused.json()["error"]["code"], "too_many_waiting");
    EXPECT_EQ(refused.header("retry-after"), "1");
    EXPECT_EQ(third.exchange(http_request("GET", "/hello")).status, 200);
}

TEST_F(ServerParking, StopAnswersParkedPollsAtOnce) {
    start(few_workers());
    auto clients = parked_polls(20);
    ASSERT_EQ(server_->parked_connections(), 20u);
    const auto began = Clock::now();
    auto stopping = std::async(std::launch::async, [&] { server_->stop(10000ms); });
    for (auto& client : clients) {
        const auto reply = client->read_reply();
        EXPECT_EQ(reply.status, 503);
        EXPECT_EQ(reply.json()["error"]["code"], "shutting_down");
        EXPECT_EQ(Poco::toLower(reply.header("connection")), "close");
    }
    ASSERT_EQ(stopping.wait_for(5s), std::future_status::ready);
    EXPECT_LT(Clock::now() - began, 5s) << "the 30 s polls did not hold the stop";
    EXPECT_EQ(server_->parked_connections(), 0u);
    EXPECT_EQ(board_.destroyed.load(), 20);
}

}  // namespace
