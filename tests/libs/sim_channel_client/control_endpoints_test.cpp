// control.url as a list (libs/sim_channel_client/control_endpoints.*, failover_client.*): the
// list's syntax and refusals, the order a failure moves along it, and FailoverClient against
// Poco servers on 127.0.0.1 that answer a chosen status (and a port nobody listens on).
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "sim_channel_client/control_endpoints.hpp"
#include "sim_channel_client/failover_client.hpp"
#include "tests/support/listen_port.hpp"

namespace {

using ::testing::HasSubstr;
using vergegrid::sim_channel::ChannelClientSettings;
using vergegrid::sim_channel::ChannelConfigError;
using vergegrid::sim_channel::ChannelEndpoint;
using vergegrid::sim_channel::ChannelError;
using vergegrid::sim_channel::ChannelRequest;
using vergegrid::sim_channel::ChannelResponse;
using vergegrid::sim_channel::ControlEndpoints;
using vergegrid::sim_channel::FailoverClient;
using vergegrid::sim_channel::InsecureChannelError;
using vergegrid::sim_channel::parse_endpoint_list;
using vergegrid::sim_channel::worth_another_url;
using Kind = ChannelError::Kind;
using namespace std::chrono_literals;

std::string refusal_of(const std::string& list) {
    try {
        parse_endpoint_list(list);
    } catch (const ChannelConfigError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << list;
    return "";
}

std::vector<std::string> urls_of(const std::vector<ChannelEndpoint>& endpoints) {
    std::vector<std::string> urls;
    for (const auto& endpoint : endpoints) {
        urls.push_back(endpoint.url());
    }
    return urls;
}

TEST(ControlEndpointList, OneUrlIsAListOfOneAsBefore) {
    EXPECT_EQ(urls_of(parse_endpoint_list("https://grid.example.org:9800/")),
              std::vector<std::string>{"https://grid.example.org:9800"});
}

TEST(ControlEndpointList, EntriesAreCommaSeparatedInOrderSpacesIgnored) {
    EXPECT_EQ(urls_of(parse_endpoint_list(
                  "https://a.example.org:9800, https://b.example.org ,http://127.0.0.1:9801")),
              (std::vector<std::string>{"https://a.example.org:9800", "https://b.example.org:443",
                                        "http://127.0.0.1:9801"}));
}

TEST(ControlEndpointList, AnEmptyEntryIsRefusedWithItsPosition) {
    EXPECT_THAT(refusal_of(""), HasSubstr("entry 1 is empty"));
    EXPECT_THAT(refusal_of("https://a:9800,"), HasSubstr("entry 2 is empty"));
    EXPECT_THAT(refusal_of("https://a:9800, ,https://b:9800"), HasSubstr("entry 2 is empty"));
}

TEST(ControlEndpointList, ABadEntryIsRefusedNamingItAndItsPosition) {
    const auto why = refusal_of("https://a:9800, ftp://b:21");
    EXPECT_THAT(why, HasSubstr("entry 2"));
    EXPECT_THAT(why, HasSubstr("'ftp://b:21'"));
    EXPECT_THAT(why, HasSubstr("only http and https"));
    EXPECT_THAT(refusal_of("https://a:9800/api,https://b:9800"),
                HasSubstr("entry 1: control plane URL 'https://a:9800/api' has a path"));
    EXPECT_THAT(refusal_of("https://a:0"), HasSubstr("entry 1"));
}

TEST(ControlEndpointList, ARepeatedUrlIsRefusedWhateverItsSpelling) {
    EXPECT_THAT(refusal_of("https://a:9800,https://b:9800,https://A:9800/"),
                HasSubstr("entry 3 (https://A:9800) repeats entry 1"));
    EXPECT_THAT(refusal_of("http://127.0.0.1, http://127.0.0.1:80"),
                HasSubstr("entry 2 (http://127.0.0.1:80) repeats entry 1"));
    // Same host, other port or scheme: other replicas.
    EXPECT_EQ(parse_endpoint_list("https://a:9800,https://a:9801,http://a:9800").size(), 3u);
    EXPECT_THROW(ControlEndpoints({ChannelEndpoint::parse("https://a"),
                                   ChannelEndpoint::parse("https://a:443")}),
                 ChannelConfigError);
    EXPECT_THROW(ControlEndpoints({}), ChannelConfigError);
}

TEST(ControlEndpoints, StartsAtTheFirstAndAFailureMovesToTheNextWrapping) {
    ControlEndpoints list(parse_endpoint_list("https://a:1,https://b:1,https://c:1"));
    EXPECT_EQ(list.current(), 0u);
    EXPECT_TRUE(list.move_past(0));
    EXPECT_EQ(list.current(), 1u);
    EXPECT_TRUE(list.move_past(1));
    EXPECT_EQ(list.current(), 2u);
    EXPECT_TRUE(list.move_past(2));
    EXPECT_EQ(list.current(), 0u);
}

TEST(ControlEndpoints, OneFailureSeenByManyThreadsIsOneMove) {
    ControlEndpoints list(parse_endpoint_list("https://a:1,https://b:1,https://c:1"));
    std::atomic<int> moved{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] { moved += list.move_past(0) ? 1 : 0; });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(moved, 1);
    EXPECT_EQ(list.current(), 1u) << "not past b: b has not failed";
    EXPECT_FALSE(list.move_past(0)) << "a failure of a URL no longer in use moves nothing";
    EXPECT_EQ(list.current(), 1u);
}

TEST(ControlEndpoints, OnlyGatewayStatusesAndConnectionFailuresAreWorthAnotherUrl) {
    for (const int status : {502, 503, 504}) {
        EXPECT_TRUE(worth_another_url(status)) << status;
    }
    for (const int status : {200, 204, 400, 401, 403, 404, 409, 413, 429, 500, 501}) {
        EXPECT_FALSE(worth_another_url(status)) << status;
    }
    for (const auto kind :
         {Kind::connect, Kind::timeout, Kind::certificate, Kind::tls, Kind::transport}) {
        EXPECT_TRUE(worth_another_url(ChannelError(kind, "x"))) << to_string(kind);
    }
    EXPECT_FALSE(worth_another_url(ChannelError(Kind::protocol, "x")));
}

// A control-plane replica that answers every request with `status` (and a JSON body), or with a
// 200 whose body breaks off after 10 of 100 bytes.
class Replica {
  public:
    Replica()
        : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          server_(new Factory(*this), socket_, new Poco::Net::HTTPServerParams) {
        server_.start();
    }
    ~Replica() { server_.stopAll(true); }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(socket_.address().port());
    }
    int hits() const { return hits_; }
    void answer(int status) { status_ = status; }
    void cut_the_body() { cut_ = true; }

  private:
    struct Handler : Poco::Net::HTTPRequestHandler {
        explicit Handler(Replica& r) : replica(r) {}
        void handleRequest(Poco::Net::HTTPServerRequest&,
                           Poco::Net::HTTPServerResponse& response) override {
            ++replica.hits_;
            response.setStatus(
                static_cast<Poco::Net::HTTPResponse::HTTPStatus>(replica.status_.load()));
            response.setContentType("application/json");
            if (replica.cut_) {
                response.setContentLength(100);
                response.send() << "0123456789" << std::flush;
                return;  // the server closes: 90 bytes short
            }
            const std::string body = "{\"status\":" + std::to_string(replica.status_.load()) + "}";
            response.setContentLength(static_cast<std::streamsize>(body.size()));
            response.send() << body;
        }
        Replica& replica;
    };
    struct Factory : Poco::Net::HTTPRequestHandlerFactory {
        explicit Factory(Replica& r) : replica(r) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(
            const Poco::Net::HTTPServerRequest&) override {
            return new Handler(replica);
        }
        Replica& replica;
    };

    std::atomic<int> hits_{0};
    std::atomic<int> status_{200};
    std::atomic<bool> cut_{false};
    Poco::Net::ServerSocket socket_;
    Poco::Net::HTTPServer server_;
};

std::string url_of(const vergegrid::test::RefusingPort& closed) {
    return "http://127.0.0.1:" + std::to_string(closed.port());
}

struct Switch {
    std::string from, to, why;
};

class Failover : public ::testing::Test {
  protected:
    std::unique_ptr<FailoverClient> client_for(const std::vector<std::string>& urls) {
        std::string list;
        for (const auto& url : urls) {
            list += (list.empty() ? "" : ",") + url;
        }
        ChannelClientSettings settings;
        settings.connect_timeout = 2s;
        settings.request_timeout = 5s;
        return std::make_unique<FailoverClient>(
            parse_endpoint_list(list), settings,
            [this](const std::string& from, const std::string& to, const std::string& why) {
                switches_.push_back({from, to, why});
            });
    }
    static ChannelResponse get(const FailoverClient& client) {
        ChannelRequest request;
        request.path = "/api/v1/sim/operations?wait=0";
        return client.request(request);
    }

    std::vector<Switch> switches_;
};

TEST_F(Failover, ARefusedConnectionMovesToTheNextUrlWhichThenStaysInUse) {
    Replica replica;
    const vergegrid::test::RefusingPort refusing;
    const auto closed = url_of(refusing);
    auto client = client_for({closed, replica.url()});
    EXPECT_EQ(client->current_url(), closed);
    EXPECT_EQ(get(*client).status, 200);
    ASSERT_EQ(switches_.size(), 1u);
    EXPECT_EQ(switches_[0].from, closed);
    EXPECT_EQ(switches_[0].to, replica.url());
    EXPECT_THAT(switches_[0].why, HasSubstr("connection refused"));
    EXPECT_EQ(client->current_url(), replica.url());
    EXPECT_EQ(get(*client).status, 200);
    EXPECT_EQ(get(*client).status, 200);
    EXPECT_EQ(replica.hits(), 3);
    EXPECT_EQ(switches_.size(), 1u) << "no switch while the URL answers";
}

TEST_F(Failover, AGatewayStatusMovesOnAndTheUrlThatAnswersIsKeptWhenTheFirstRecovers) {
    Replica first, second;
    first.answer(503);
    auto client = client_for({first.url(), second.url()});
    EXPECT_EQ(get(*client).status, 200);
    ASSERT_EQ(switches_.size(), 1u);
    EXPECT_EQ(switches_[0].why, "HTTP 503");
    first.answer(200);
    EXPECT_EQ(get(*client).status, 200);
    EXPECT_EQ(first.hits(), 1) << "sticks to the second: no round-robin";
    EXPECT_EQ(second.hits(), 2);
}

TEST_F(Failover, AClientErrorIsTheControlPlanesAnswerNotAReasonToMove) {
    Replica first, second;
    auto client = client_for({first.url(), second.url()});
    for (const int status : {400, 401, 403, 404, 409, 500}) {
        first.answer(status);
        EXPECT_EQ(get(*client).status, status);
    }
    EXPECT_TRUE(switches_.empty());
    EXPECT_EQ(second.hits(), 0);
    EXPECT_EQ(client->current_url(), first.url());
}

TEST_F(Failover, EachUrlIsTriedOncePerRequestThenTheLastAnswerGoesBack) {
    Replica first, second, third;
    for (auto* replica : {&first, &second, &third}) {
        replica->answer(502);
    }
    auto client = client_for({first.url(), second.url(), third.url()});
    EXPECT_EQ(get(*client).status, 502);
    EXPECT_EQ(first.hits() + second.hits() + third.hits(), 3);
    EXPECT_EQ(switches_.size(), 2u);
    EXPECT_EQ(client->current_url(), third.url()) << "the last tried keeps its place";
    // The caller's next attempt (after its back-off) goes around once more, from there.
    first.answer(200);
    EXPECT_EQ(get(*client).status, 200);
    EXPECT_EQ(third.hits(), 2);
    EXPECT_EQ(first.hits(), 2);
    EXPECT_EQ(second.hits(), 1);
    EXPECT_EQ(client->current_url(), first.url());
}

TEST_F(Failover, WhenNoUrlConnectsTheLastConnectionErrorGoesBack) {
    const vergegrid::test::RefusingPort first, second;
    const auto a = url_of(first);
    const auto b = url_of(second);
    auto client = client_for({a, b});
    try {
        get(*client);
        FAIL() << "a response from nowhere";
    } catch (const ChannelError& e) {
        EXPECT_EQ(e.kind(), Kind::connect);
        EXPECT_THAT(e.what(), HasSubstr(b));
    }
    EXPECT_EQ(switches_.size(), 1u);
}

TEST_F(Failover, ADownloadCutShortIsNotSentAgainButTheNextRequestUsesTheNextUrl) {
    Replica first, second;
    first.cut_the_body();
    auto client = client_for({first.url(), second.url()});
    ChannelRequest request;
    request.path = "/api/v1/sim/snapshots/x/content";
    std::string taken;
    request.body_sink = [&](const ChannelResponse&, std::string_view piece) { taken += piece; };
    try {
        client->request(request);
        FAIL() << "a cut body went unnoticed";
    } catch (const ChannelError& e) {
        EXPECT_EQ(e.kind(), Kind::transport) << e.what();
    }
    EXPECT_EQ(taken, "0123456789") << "the sink saw the first URL's bytes only";
    EXPECT_EQ(second.hits(), 0);
    EXPECT_EQ(client->current_url(), second.url());
    EXPECT_EQ(get(*client).status, 200);
    EXPECT_EQ(second.hits(), 1);
}

TEST_F(Failover, TheTransportRuleAndTheCaFileApplyToEveryEntry) {
    ChannelClientSettings settings;
    try {
        FailoverClient(parse_endpoint_list("http://127.0.0.1:9800,http://192.0.2.10:9800"),
                       settings);
        FAIL() << "plain http over the network accepted";
    } catch (const InsecureChannelError& e) {
        EXPECT_THAT(e.what(), HasSubstr("http://192.0.2.10:9800"));
    }
    try {
        FailoverClient(parse_endpoint_list("http://127.0.0.1:9800,https://127.0.0.1:9801"),
                       settings);
        FAIL() << "https without a CA file accepted";
    } catch (const ChannelConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("https://127.0.0.1:9801 is https but no CA file"));
    }
    settings.allow_insecure_http = true;
    EXPECT_NO_THROW(FailoverClient(
        parse_endpoint_list("http://127.0.0.1:9800,http://192.0.2.10:9800"), settings));
}

}  // namespace
