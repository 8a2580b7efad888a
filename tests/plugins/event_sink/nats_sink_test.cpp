// The nats event sink through its real shared object against a throwaway `nats-server -js` on a
// free loopback port: events stored in the stream with the same bytes and the documented
// subject, read back through a JetStream consumer; one event id stored once; a stopped server
// a failure within the timeout, never a hang or a throw; delivery again once it is back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nats/nats.h>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "plugin_host/loaded_plugin.hpp"
#include "plugins/event_sink/nats/nats_subject.hpp"
#include "tests/support/builtin_plugin.hpp"
#include "tests/support/listen_port.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/temp_dir.hpp"
#include "vergegrid/plugin_api/event_sink.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using ::testing::HasSubstr;
using vergegrid::event_sink::nats_subject;
using vergegrid::test::BuiltinPlugin;
using vergegrid::test::NatsServer;
using vergegrid::test::StreamReader;
using vergegrid::test::TempDir;
using Clock = std::chrono::steady_clock;

api::OutboxEvent event(int n, const std::string& subject = "") {
    api::OutboxEvent e;
    e.seq = n;
    e.id = "00000000-0000-4000-8000-0000000000" + std::to_string(10 + n % 90);
    e.type = "org.vergegrid.region.created";
    e.subject = subject.empty() ? "11111111-2222-4333-8444-5555555555" + std::to_string(10 + n % 90)
                                : subject;
    e.time = "2027-01-31T12:00:00.000Z";
    e.document = R"({"specversion":"1.0","id":")" + e.id +
                 R"(","source":"/vergegrid","type":"org.vergegrid.region.created","subject":")" +
                 e.subject + R"(","data":{"n":)" + std::to_string(n) + R"(,"name":"Région"}})";
    return e;
}

api::SinkTarget sink_target(std::int64_t deadline_ms = 10000) {
    api::SinkTarget target;
    target.subscription_id = "sink:nats";
    target.deadline_ms = deadline_ms;
    return target;
}

class NatsSink : public ::testing::Test {
  protected:
    std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
    std::shared_ptr<api::EventSink> sink(api::ConfigSection config = {}) {
        config.emplace("url", url());
        return plugin_.make<api::EventSink>(config);
    }
    void start_server() { server_ = std::make_unique<NatsServer>(port_, store_.path()); }

    void SetUp() override { start_server(); }

    TempDir store_;
    std::uint16_t port_ = vergegrid::test::unclaimed_listen_port();
    std::unique_ptr<NatsServer> server_;
    BuiltinPlugin plugin_{"vg-event_sink-nats.so", "event_sink", "nats"};
};

TEST(NatsSubject, IsPrefixTypeAndOneTokenForTheSubject) {
    EXPECT_EQ(nats_subject("vergegrid", "org.vergegrid.region.created",
                           "11111111-2222-4333-8444-555555555555"),
              "vergegrid.org.vergegrid.region.created.11111111-2222-4333-8444-555555555555");
    EXPECT_EQ(nats_subject("vg", "a.b", "x.y*z> w\tv"), "vg.a.b.x_y_z__w_v");
    EXPECT_EQ(nats_subject("vg", "a..b*", ""), "vg.a._.b_._");
}

TEST_F(NatsSink, IsOneConfiguredDestinationWithoutTargetSettings) {
    auto nats = sink();
    EXPECT_TRUE(nats->configured_destination());
    EXPECT_EQ(nats->check_target(""), "{}");
    EXPECT_EQ(nats->check_target(" { } "), "{}");
    try {
        nats->check_target(R"({"url":"nats://elsewhere"})");
        FAIL() << "target settings accepted";
    } catch (const api::TargetError& e) {
        EXPECT_EQ(e.field(), "target");
    }
}

TEST_F(NatsSink, StoresEachEventInTheStreamUnderItsSubject) {
    std::vector<api::OutboxEvent> batch{event(1), event(2), event(3, "odd.id*with>dots and")};
    const auto attempts = sink()->deliver(sink_target(), batch);
    ASSERT_EQ(attempts.size(), 3u);
    for (const auto& attempt : attempts) {
        EXPECT_TRUE(attempt.delivered) << attempt.error;
        EXPECT_EQ(attempt.error, "");
    }
    StreamReader reader(url());
    EXPECT_EQ(reader.message_count("VERGEGRID"), 3u);
    const auto stored = reader.read("VERGEGRID", "vergegrid.>", 3);
    ASSERT_EQ(stored.size(), 3u);
    for (std::size_t i = 0; i < stored.size(); ++i) {
        EXPECT_EQ(stored[i].data, batch[i].document);  // the same bytes, in order
        EXPECT_EQ(stored[i].msg_id, batch[i].id);
    }
    EXPECT_EQ(stored[0].subject, "vergegrid.org.vergegrid.region.created." + batch[0].subject);
    EXPECT_EQ(stored[2].subject, "vergegrid.org.vergegrid.region.created.odd_id_with_dots_and");
}

TEST_F(NatsSink, UsesTheConfiguredStreamAndPrefix) {
    const auto attempts = sink({{"stream", "EVENTS"}, {"subject_prefix", "grid.one"}})
                              ->deliver(sink_target(), {event(1)});
    ASSERT_EQ(attempts.size(), 1u);
    ASSERT_TRUE(attempts[0].delivered) << attempts[0].error;
    StreamReader reader(url());
    const auto stored = reader.read("EVENTS", "grid.one.>", 1);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].subject, "grid.one.org.vergegrid.region.created." + event(1).subject);
}

TEST_F(NatsSink, AMissingStreamIsNotCreatedWhenCreateStreamIsFalse) {
    const auto attempts = sink({{"stream", "ABSENT"}, {"create_stream", "false"}})
                              ->deliver(sink_target(), {event(1)});
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_THAT(attempts[0].error, HasSubstr("ABSENT"));
}

TEST_F(NatsSink, TheSameEventIdIsStoredOnce) {
    auto nats = sink();
    const auto first = nats->deliver(sink_target(), {event(7)});
    const auto again = nats->deliver(sink_target(), {event(7), event(8)});
    ASSERT_EQ(first.size(), 1u);
    ASSERT_EQ(again.size(), 2u);
    EXPECT_TRUE(first[0].delivered) << first[0].error;
    EXPECT_TRUE(again[0].delivered) << again[0].error;  // a duplicate is still "stored"
    EXPECT_TRUE(again[1].delivered) << again[1].error;
    StreamReader reader(url());
    EXPECT_EQ(reader.message_count("VERGEGRID"), 2u);
}

TEST_F(NatsSink, AStoppedServerIsAFailureWithinTheTimeoutThenDeliveryResumes) {
    const auto created = sink()->deliver(sink_target(), {event(1)});  // the stream, unhurried
    ASSERT_TRUE(created.at(0).delivered) << created.at(0).error;
    auto nats = sink({{"publish_timeout_ms", "1000"}});
    const auto connected = nats->deliver(sink_target(), {event(1)});
    ASSERT_TRUE(connected.at(0).delivered) << connected.at(0).error;

    server_->stop();
    const auto start = Clock::now();
    std::vector<api::SinkAttempt> attempts;
    EXPECT_NO_THROW(attempts = nats->deliver(sink_target(2000), {event(2), event(3)}));
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_NE(attempts[0].error, "");
    EXPECT_LT(took, 3 * 2000) << "a stopped server held the delivery";

    server_.reset();
    start_server();  // same port, same store
    // The same sink connects again; a store still recovering may miss the first 1 s, as a
    // dispatcher's retry would find.
    for (int attempt = 0; attempt < 3; ++attempt) {
        attempts = nats->deliver(sink_target(), {event(2), event(3)});
        if (attempts.size() == 2 && attempts[1].delivered) {
            break;
        }
    }
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_TRUE(attempts[0].delivered) << attempts[0].error;
    EXPECT_TRUE(attempts[1].delivered) << attempts[1].error;
    StreamReader reader(url());
    EXPECT_EQ(reader.message_count("VERGEGRID"), 3u);
}

TEST_F(NatsSink, AServerThatStopsAnsweringIsAFailureWithinThePublishTimeout) {
    // Creating the stream and the retry use the default timeout (5 s): on a loaded machine (CI
    // compiles beside the tests) a file-backed stream can take longer than the 1 s under test.
    auto patient = sink();
    const auto first = patient->deliver(sink_target(), {event(1)});
    ASSERT_TRUE(first.at(0).delivered) << first.at(0).error;
    auto nats = sink({{"publish_timeout_ms", "1000"}});
    const auto connected = nats->deliver(sink_target(), {event(1)});  // the same id: stored once
    ASSERT_TRUE(connected.at(0).delivered) << connected.at(0).error;

    server_->freeze();  // the connection stays open; nothing answers
    const auto start = Clock::now();
    const auto attempts = nats->deliver(sink_target(5000), {event(2), event(3)});
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    server_->signal(SIGCONT);
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_THAT(attempts[0].error, HasSubstr("publish to vergegrid.org.vergegrid.region.created."));
    EXPECT_GE(took, 900);
    EXPECT_LT(took, 3 * 1000) << "the publish outlived its timeout";

    // The unanswered publish may still reach the stream once the server runs again; the retry
    // carries the same message id, so the stream keeps the event once.
    const auto again = patient->deliver(sink_target(), {event(2), event(3)});
    ASSERT_EQ(again.size(), 2u) << again.at(0).error;
    EXPECT_TRUE(again[0].delivered) << again[0].error;
    EXPECT_TRUE(again[1].delivered) << again[1].error;
    StreamReader reader(url());
    EXPECT_EQ(reader.message_count("VERGEGRID"), 3u);
}

TEST_F(NatsSink, NoServerAtAllIsAFailureNotAThrow) {
    vergegrid::test::RefusingPort refusing;
    auto nats = plugin_.make<api::EventSink>(
        {{"url", "nats://127.0.0.1:" + std::to_string(refusing.port())}});
    const auto start = Clock::now();
    const auto attempts = nats->deliver(sink_target(2000), {event(1)});
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_EQ(attempts[0].error, "connect to nats://127.0.0.1:" + std::to_string(refusing.port()) +
                                     ": No server available for connection");
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(6));
}

TEST_F(NatsSink, BadConfigValuesNameTheirKey) {
    const auto key_of = [&](const api::ConfigSection& config) {
        try {
            plugin_.make<api::EventSink>(config);
        } catch (const vergegrid::plugin_host::PluginCreateError& e) {
            return e.config_key;
        }
        return std::string("(created)");
    };
    EXPECT_THAT(key_of({{"subject_prefix", "a.*"}}), HasSubstr("subject_prefix"));
    EXPECT_THAT(key_of({{"subject_prefix", "a..b"}}), HasSubstr("subject_prefix"));
    EXPECT_THAT(key_of({{"stream", "A.B"}}), HasSubstr("stream"));
    EXPECT_THAT(key_of({{"create_stream", "maybe"}}), HasSubstr("create_stream"));
    EXPECT_THAT(key_of({{"publish_timeout_ms", "5"}}), HasSubstr("publish_timeout_ms"));
    EXPECT_THAT(key_of({{"credentials_file", "/nonexistent.creds"}}),
                HasSubstr("credentials_file"));
    EXPECT_THAT(key_of({{"url", ""}}), HasSubstr("url"));
    EXPECT_EQ(key_of({{"publish_timeout_ms", "2500"}}), "(created)");
}

}  // namespace
