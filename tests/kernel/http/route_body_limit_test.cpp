// Per-route request body limits (Router::add's max_body_bytes): a route may take more than the
// server's limit, and such a route knows and admits its caller before reading a byte of the body.
#include <gmock/gmock.h>

#include <atomic>

#include "server_fixture.hpp"

namespace {

using namespace vergegrid::test;

constexpr std::size_t kRouteLimit = 10u << 20;  // the fixture's server limit is 1024 bytes
const std::string kToken = "Bearer uploader";

class RouteBodyLimit : public ServerFixture {
  protected:
    void SetUp() override {
        router_->set_authenticator([](const http::Request& request) {
            http::Caller caller;
            if (request.header("authorization") == kToken) {
                caller.subject = "uploader";
                caller.role = "uploader";
            } else if (request.header("authorization") == "Bearer reader") {
                caller.subject = "reader";
                caller.role = "reader";
            }
            return caller;
        });
        router_->set_authorizer([](const http::Permission& needed, const http::Caller& caller) {
            return needed.name() == "upload" && caller.role == "uploader";
        });
        router_->add(
            "PUT", "/upload/{id}", http::Permission::named("upload"),
            [this](const http::Request& request) {
                ++handled_;
                return http::Response::json(200, {{"received", request.body.size()},
                                                  {"caller", request.caller.subject},
                                                  {"query", request.query}});
            },
            kRouteLimit);
        router_->add(
            "POST", "/small", http::Permission::anyone,
            [](const http::Request& request) {
                return http::Response::json(200, {{"received", request.body.size()}});
            },
            std::size_t{16});
        start();
    }

    std::atomic<int> handled_{0};
};

TEST_F(RouteBodyLimit, ARouteTakesABodyUpToItsOwnLimitWhileOthersKeepTheServers) {
    const std::string body(9u << 20, 'b');
    RawClient client(port(), 10000ms);
    const auto reply =
        client.exchange(http_request("PUT", "/upload/7?part=1", {{"Authorization", kToken}}, body));
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json()["received"], body.size());
    EXPECT_EQ(reply.json()["caller"], "uploader");
    EXPECT_EQ(reply.json()["query"]["part"], "1") << "the query is parsed for the handler too";
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200) << "keep-alive holds";

    // The same body on a route without its own limit meets the server's (refused by its
    // Content-Length: the head alone is sent, as the server closes without reading 9 MiB).
    RawClient other(port());
    EXPECT_EQ(other
                  .exchange(http_request("POST", "/echo/1",
                                         {{"Content-Length", std::to_string(body.size())}}))
                  .status,
              413);
    // And one past the route's own limit is refused by its Content-Length, unread.
    RawClient over(port());
    const auto refused = over.exchange(http_request(
        "PUT", "/upload/7",
        {{"Authorization", kToken}, {"Content-Length", std::to_string(kRouteLimit + 1)}}));
    EXPECT_EQ(refused.status, 413);
    EXPECT_THAT(refused.json()["error"]["message"].get<std::string>(),
                ::testing::HasSubstr(std::to_string(kRouteLimit)));
}

TEST_F(RouteBodyLimit, ASmallerRouteLimitIsEnforcedToo) {
    RawClient client(port());
    EXPECT_EQ(client.exchange(http_request("POST", "/small", {}, std::string(16, 's'))).status,
              200);
    EXPECT_EQ(client.exchange(http_request("POST", "/small", {}, std::string(17, 's'))).status,
              413);
}

TEST_F(RouteBodyLimit, ARefusedCallerIsAnsweredBeforeTheBodyIsSent) {
    // Only the head goes out: a server that waited for the 9 MiB before answering would time
    // the client out.
    for (const auto& [authorization, status] :
         std::vector<std::pair<std::string, int>>{{"", 401}, {"Bearer reader", 403}}) {
        RawClient client(port(), 3000ms);
        std::vector<std::pair<std::string, std::string>> headers{
            {"Content-Length", std::to_string(9u << 20)}};
        if (!authorization.empty()) {
            headers.emplace_back("Authorization", authorization);
        }
        const auto reply = client.exchange(http_request("PUT", "/upload/7", headers));
        EXPECT_EQ(reply.status, status) << authorization;
        EXPECT_EQ(Poco::toLower(reply.header("connection")), "close") << authorization;
        EXPECT_TRUE(client.closed_by_server(2000ms)) << authorization;
    }
    EXPECT_EQ(handled_.load(), 0);
    EXPECT_TRUE(metrics_contain(
        "vergegrid_http_requests_total{method=\"PUT\",route=\"/upload/{id}\",status=\"401\"} 1"));
}

TEST_F(RouteBodyLimit, ExpectContinueIsNotGrantedToARefusedCaller) {
    RawClient client(port(), 3000ms);
    const auto reply = client.exchange(
        http_request("PUT", "/upload/7",
                     {{"Content-Length", std::to_string(9u << 20)}, {"Expect", "100-continue"}}));
    EXPECT_EQ(reply.status, 401) << "no 100 Continue came first (read_reply skips one)";
}

TEST_F(RouteBodyLimit, RoutesListTheirOwnLimit) {
    for (const auto& route : router_->routes()) {
        if (route.pattern == "/upload/{id}") {
            EXPECT_EQ(route.max_body_bytes, kRouteLimit);
        } else if (route.pattern == "/hello") {
            EXPECT_FALSE(route.max_body_bytes.has_value());
        }
    }
}

}  // namespace
