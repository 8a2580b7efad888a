// Webhooks against a real vergegrid-control and a local receiver (docs/events.md): a signed
// region.created within a second of the API's answer; at-least-once delivery across a SIGKILL
// right after a commit; a receiver down for a minute gets everything in outbox order after; an
// event that keeps failing past events.retry_for_s becomes a dead letter and the cursor moves on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "tests/e2e/events/event_receiver.hpp"
#include "tests/e2e/events/event_stack.hpp"

namespace webhook_delivery_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::create_estate;
using vergegrid::test::create_region;
using vergegrid::test::create_webhook;
using vergegrid::test::deliveries;
using vergegrid::test::EventControlPlane;
using vergegrid::test::EventReceiver;
using vergegrid::test::eventually;
using vergegrid::test::expected_signature;
using vergegrid::test::outbox;
using vergegrid::test::OutboxItem;
using vergegrid::test::ReceivedRequest;
using vergegrid::test::update_region;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// An audit checkpoint is an event too, 30 s after the start: tests that compare the outbox with
// what arrived take none.
constexpr const char* kNoCheckpoints = "[events]\ncheckpoint_interval_s = 0\n";
constexpr const char* kSecret = "e2e-webhook-secret-0123456789";

std::string event_id(const ReceivedRequest& request) {
    return request.header("x-vergegrid-event-id");
}

// Every id in `wanted` has been answered 2xx at least once.
bool all_delivered(const std::vector<ReceivedRequest>& received,
                   const std::vector<OutboxItem>& wanted) {
    std::set<std::string> got;
    for (const auto& request : received) {
        if (request.delivered()) {
            got.insert(event_id(request));
        }
    }
    for (const auto& item : wanted) {
        if (!got.count(item.id())) {
            return false;
        }
    }
    return true;
}

// What the receiver accepted, each event once at its first delivery, in arrival order; counts
// the repeats. A repeat must be the same request body (an exact re-send), never another event
// under the same id.
struct FirstDeliveries {
    std::vector<std::string> ids;
    std::map<std::string, std::string> bodies;
    int repeats = 0;
};

FirstDeliveries first_deliveries(const std::vector<ReceivedRequest>& received) {
    FirstDeliveries out;
    std::map<std::string, std::string> sent;  // every attempt's body, refused ones too
    for (const auto& request : received) {
        const auto id = event_id(request);
        const auto it = sent.emplace(id, request.body).first;
        EXPECT_EQ(it->second, request.body) << "a re-send of event " << id << " is byte for byte";
        if (!request.delivered()) {
            continue;
        }
        if (out.bodies.emplace(id, request.body).second) {
            out.ids.push_back(id);
        } else {
            ++out.repeats;
        }
    }
    return out;
}

std::vector<std::string> ids_of(const std::vector<OutboxItem>& items) {
    std::vector<std::string> ids;
    for (const auto& item : items) {
        ids.push_back(item.id());
    }
    return ids;
}

TEST(EventBus, WebhookGetsRegionCreatedSignedWithinASecond) {
    EventReceiver receiver;
    EventControlPlane control;
    const auto& api = control.api();
    create_webhook(api, receiver.url(), kSecret);
    const auto estate = create_estate(api, "Signed");

    const auto created = api.post("/api/v1/regions", vergegrid::test::region_body(estate, 1));
    const auto answered = Clock::now();
    ASSERT_EQ(created.status, 201) << created.raw;
    const std::string region_id = created.body.at("id");

    ReceivedRequest got;
    ASSERT_TRUE(receiver.wait_until(
        [&](const std::vector<ReceivedRequest>& received) {
            for (const auto& request : received) {
                const auto body = json::parse(request.body, nullptr, false);
                if (!body.is_discarded() &&
                    body.value("type", "") == "org.vergegrid.region.created" &&
                    body.value("subject", "") == region_id) {
                    got = request;
                    return true;
                }
            }
            return false;
        },
        10s))
        << "region.created never reached the receiver\n"
        << control.output();

    const auto after_answer =
        std::chrono::duration_cast<std::chrono::milliseconds>(got.at - answered);
    RecordProperty("arrival_after_answer_ms", static_cast<int>(after_answer.count()));
    std::cout << "[          ] region.created arrived " << after_answer.count()
              << " ms after the API's 201\n";
    EXPECT_LT(after_answer, 1000ms)
        << "arrived " << after_answer.count() << " ms after the API's 201";

    EXPECT_EQ(got.method, "POST");
    EXPECT_EQ(got.path, "/hooks/events");
    EXPECT_EQ(got.header("content-type"), "application/cloudevents+json");
    const auto timestamp = got.header("x-vergegrid-timestamp");
    ASSERT_FALSE(timestamp.empty());
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    EXPECT_LE(std::abs(now - std::stoll(timestamp)), 60) << "the timestamp is the sending time";
    EXPECT_EQ(got.header("x-vergegrid-signature"), expected_signature(kSecret, timestamp, got.body))
        << "HMAC-SHA256(secret, \"<timestamp>.<body>\")";
    EXPECT_NE(got.header("x-vergegrid-signature"),
              expected_signature("another-secret-0123456789", timestamp, got.body));

    const auto event = json::parse(got.body);
    EXPECT_EQ(event.at("specversion"), "1.0");
    EXPECT_EQ(event.at("subject"), region_id);
    EXPECT_EQ(event.at("data").at("id"), region_id);
    EXPECT_EQ(event.at("data").at("name"), "Events 1");
    EXPECT_EQ(got.header("x-vergegrid-event-id"), event.at("id"));
}

TEST(EventBus, KillNineRightAfterACommitStillDelivers) {
    constexpr int kRegions = 12;
    EventReceiver receiver;
    receiver.answer_with(503);  // nothing is delivered before the crash
    EventControlPlane control(kNoCheckpoints);
    std::string webhook_id;
    std::int64_t cursor = 0;
    std::vector<std::string> region_ids;
    {
        const auto& api = control.api();
        const auto webhook = create_webhook(api, receiver.url(), kSecret);
        webhook_id = webhook.at("id");
        cursor = webhook.at("cursor");
        const auto estate = create_estate(api, "Crash");
        for (int n = 0; n < kRegions; ++n) {
            region_ids.push_back(create_region(api, estate, n).at("id"));
        }
        control.kill();  // right after the last 201
    }
    for (const auto& request : receiver.received()) {
        ASSERT_FALSE(request.delivered());
    }
    receiver.answer_with(204);
    control.start();
    const auto& api = control.api();

    const auto committed = outbox(api, cursor);
    std::set<std::string> created_subjects;
    for (const auto& item : committed) {
        if (item.type() == "org.vergegrid.region.created") {
            created_subjects.insert(item.subject());
        }
    }
    EXPECT_EQ(created_subjects, std::set<std::string>(region_ids.begin(), region_ids.end()))
        << "every acknowledged create has its event in the outbox";

    ASSERT_TRUE(receiver.wait_until(
        [&](const auto& received) { return all_delivered(received, committed); }, 60s))
        << control.output();
    // Anything still in flight lands before the comparison.
    ASSERT_TRUE(eventually(
        [&] { return vergegrid::test::subscription(api, webhook_id).at("lag") == 0; }, 20s));

    const auto first = first_deliveries(receiver.received());
    const auto committed_ids = ids_of(committed);
    EXPECT_EQ(std::set<std::string>(first.ids.begin(), first.ids.end()),
              std::set<std::string>(committed_ids.begin(), committed_ids.end()))
        << "exactly the committed events, none invented";
    std::map<std::string, std::vector<std::int64_t>> per_subject;
    std::map<std::string, std::int64_t> seq_of;
    for (const auto& item : committed) {
        seq_of[item.id()] = item.seq;
    }
    for (const auto& id : first.ids) {
        per_subject[json::parse(first.bodies.at(id)).at("subject")].push_back(seq_of.at(id));
    }
    for (const auto& [subject, seqs] : per_subject) {
        EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end())) << "outbox order for " << subject;
    }
    RecordProperty("repeated_deliveries", first.repeats);
    std::cout << "[          ] " << committed.size() << " events, " << first.repeats
              << " delivered more than once (at least once allows it)\n";
}

TEST(EventBus, ReceiverDownForAMinuteGetsEverythingInOrder) {
    EventReceiver receiver;
    EventControlPlane control;  // [events] max_backoff_s left at its default (60 s)
    const auto& api = control.api();
    const auto webhook = create_webhook(api, receiver.url(), kSecret);
    const std::string webhook_id = webhook.at("id");
    const std::int64_t cursor = webhook.at("cursor");
    const auto estate = create_estate(api, "Downtime");
    ASSERT_TRUE(eventually(
        [&] { return vergegrid::test::subscription(api, webhook_id).at("lag") == 0; }, 20s))
        << "the receiver takes events before it goes down";
    const auto delivered_before = receiver.delivered().size();

    receiver.stop();
    const auto down = Clock::now();
    EXPECT_TRUE(receiver.refuses_connections())
        << "stopped means refused, also with a control plane started after the receiver";
    // Over the minute: four regions made, then each changed twice (three events per subject).
    std::vector<std::string> regions;
    for (int step = 0; step < 12; ++step) {
        std::this_thread::sleep_until(down + step * 5s);
        if (step < 4) {
            regions.push_back(create_region(api, estate, step).at("id"));
        } else {
            update_region(api, regions.at(step % 4), 20.0 + step);
        }
    }
    std::this_thread::sleep_until(down + 60s);
    receiver.start();

    const auto committed = outbox(api, cursor);
    // The back-off doubles up to 60 s: the next try comes at most a minute after the receiver is
    // back.
    ASSERT_TRUE(receiver.wait_until(
        [&](const auto& received) { return all_delivered(received, committed); }, 150s))
        << control.output();
    ASSERT_TRUE(eventually(
        [&] { return vergegrid::test::subscription(api, webhook_id).at("lag") == 0; }, 20s));

    const auto first = first_deliveries(receiver.received());
    EXPECT_EQ(first.ids, ids_of(committed)) << "each event once, in outbox (seq) order";
    EXPECT_GT(first.ids.size(), delivered_before + 11);
    RecordProperty("repeated_deliveries", first.repeats);

    const auto failed = deliveries(api, webhook_id, "failed");
    ASSERT_GE(failed.size(), 3u) << "tries at 1, 2, 4, 8, ... s while the receiver was down";
    int highest_attempt = 0;
    for (const auto& attempt : failed) {
        EXPECT_THAT(attempt.at("error").get<std::string>(), HasSubstr("refused")) << attempt;
        highest_attempt = std::max(highest_attempt, attempt.at("attempt").get<int>());
    }
    EXPECT_GE(highest_attempt, 3);
    const auto ok = deliveries(api, webhook_id, "delivered");
    EXPECT_GE(ok.size(), committed.size());
}

TEST(EventBus, DeadLetterAfterRetryFor) {
    EventReceiver receiver;
    EventControlPlane control("[events]\nretry_for_s = 2\nmax_backoff_s = 1\n");
    const auto& api = control.api();
    const std::string webhook_id = create_webhook(api, receiver.url(), kSecret).at("id");
    const auto estate = create_estate(api, "Dead letters");
    // Delivered while the receiver works: the next event's tries start fresh when it is made.
    ASSERT_TRUE(eventually(
        [&] { return vergegrid::test::subscription(api, webhook_id).at("lag") == 0; }, 20s));
    receiver.answer_with(500);
    const std::string doomed_region = create_region(api, estate, 1).at("id");
    const auto doomed = outbox(api, 0, "type=org.vergegrid.region.created").at(0);
    ASSERT_EQ(doomed.subject(), doomed_region);

    auto is_dead = [&] {
        for (const auto& row : deliveries(api, webhook_id, "dead")) {
            if (row.at("event_id") == doomed.id()) {
                return true;
            }
        }
        return false;
    };
    ASSERT_TRUE(eventually(is_dead, 30s)) << control.output();
    const auto webhook = api.get("/api/v1/webhooks/" + webhook_id).body;
    EXPECT_GE(webhook.at("cursor").get<std::int64_t>(), doomed.seq) << "the cursor moved past it";
    bool failed_first = false;
    for (const auto& row : deliveries(api, webhook_id, "failed")) {
        failed_first = failed_first || row.at("event_id") == doomed.id();
    }
    EXPECT_TRUE(failed_first) << "retried before it was given up";
    for (const auto& row : deliveries(api, webhook_id, "dead")) {
        EXPECT_EQ(row.at("status"), 500);
    }

    receiver.answer_with(204);
    const std::string next_region = create_region(api, estate, 2).at("id");
    ASSERT_TRUE(receiver.wait_until(
        [&](const auto& received) {
            for (const auto& request : received) {
                if (request.delivered() && json::parse(request.body).at("subject") == next_region) {
                    return true;
                }
            }
            return false;
        },
        20s))
        << "the next event is delivered once the receiver recovers\n"
        << control.output();
    for (const auto& request : receiver.delivered()) {
        EXPECT_NE(event_id(request), doomed.id()) << "a dead letter is not sent again";
    }
}

}  // namespace
}  // namespace webhook_delivery_test
