// GET /api/v1/events/stream followed the way a console does (docs/events.md, "Live stream"):
// each response is one batch, the client reconnects with Last-Event-ID, and what it saw across
// a disconnect is the outbox with no gap and no repeat; a type filter passes only that type.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include "tests/e2e/events/event_stack.hpp"

namespace event_stream_test {
namespace {

using nlohmann::json;
using vergegrid::test::EventControlPlane;
using vergegrid::test::kTestAdminToken;
using vergegrid::test::outbox;
using namespace std::chrono_literals;

struct StreamMessage {
    std::int64_t id = 0;
    std::string event;
    json data;
};

struct StreamAnswer {
    int status = 0;
    std::string content_type;
    std::string retry;
    std::vector<StreamMessage> messages;
};

// One response of the stream, read to its end: the server closes it after each batch (or after
// ~25 s with a keep-alive comment).
StreamAnswer read_stream(std::uint16_t port, const std::string& query,
                         const std::string& last_event_id) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(40, 0));
    Poco::Net::HTTPRequest request("GET", "/api/v1/events/stream" + query,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", std::string("Bearer ") + kTestAdminToken);
    request.set("Accept", "text/event-stream");
    if (!last_event_id.empty()) {
        request.set("Last-Event-ID", last_event_id);
    }
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    StreamAnswer answer;
    answer.status = static_cast<int>(response.getStatus());
    answer.content_type = response.getContentType();
    // Messages end with an empty line; fields are "name: value".
    std::istringstream lines(text);
    std::string line;
    StreamMessage message;
    bool any = false;
    while (std::getline(lines, line)) {
        if (line.empty()) {
            if (any) {
                answer.messages.push_back(message);
            }
            message = {};
            any = false;
            continue;
        }
        if (line.rfind("retry: ", 0) == 0) {
            answer.retry = line.substr(7);
        } else if (line.rfind("id: ", 0) == 0) {
            message.id = std::stoll(line.substr(4));
            any = true;
        } else if (line.rfind("event: ", 0) == 0) {
            message.event = line.substr(7);
        } else if (line.rfind("data: ", 0) == 0) {
            message.data = json::parse(line.substr(6));
        }
    }
    return answer;
}

// Follows the stream from `last_id` until `enough(seen)` holds or `timeout` passes; returns what
// it saw, and leaves `last_id` at the last id it got (what it would send to resume).
std::vector<StreamMessage> follow(
    std::uint16_t port, const std::string& query, std::int64_t& last_id,
    const std::function<bool(const std::vector<StreamMessage>&)>& enough,
    std::chrono::seconds timeout) {
    std::vector<StreamMessage> seen;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!enough(seen) && std::chrono::steady_clock::now() < deadline) {
        const auto answer = read_stream(port, query, std::to_string(last_id));
        EXPECT_EQ(answer.status, 200);
        EXPECT_EQ(answer.content_type.rfind("text/event-stream", 0), 0u) << answer.content_type;
        EXPECT_EQ(answer.retry, "500");
        for (const auto& message : answer.messages) {
            seen.push_back(message);
            last_id = message.id;
        }
    }
    return seen;
}

TEST(EventBus, StreamResumesWithLastEventIdWithoutGaps) {
    EventControlPlane control("[events]\ncheckpoint_interval_s = 0\n");  // no events but ours
    const auto& api = control.api();
    const auto estate = vergegrid::test::create_estate(api, "Live");
    const auto start = vergegrid::test::outbox_head(api);

    // Regions made and changed while the client follows (the first five), the client leaves
    // after six events, the other five are made while it is away, it comes back with
    // Last-Event-ID.
    auto make = [&](int n) {
        const std::string id = vergegrid::test::create_region(api, estate, n).at("id");
        if (n % 2 == 0) {
            vergegrid::test::update_region(api, id, 10.0 + n);
        }
    };
    std::thread writer([&] {
        for (int n = 0; n < 5; ++n) {
            make(n);
            std::this_thread::sleep_for(100ms);
        }
    });
    std::int64_t last_id = start;
    const auto before = follow(
        control.port(), "", last_id, [](const auto& seen) { return seen.size() >= 6; }, 60s);
    const auto left_at = last_id;
    writer.join();
    for (int n = 5; n < 10; ++n) {
        make(n);
    }
    const auto committed = outbox(api, start);
    ASSERT_EQ(committed.size(), 15u) << "ten regions made, five changed";
    ASSERT_GE(before.size(), 6u);
    ASSERT_LE(before.size(), 8u) << "the client left before the last five regions were made";
    const auto after = follow(
        control.port(), "", last_id,
        [&](const auto& seen) { return before.size() + seen.size() >= committed.size(); }, 60s);
    ASSERT_FALSE(after.empty());
    EXPECT_GT(after.front().id, left_at);

    std::vector<StreamMessage> all = before;
    all.insert(all.end(), after.begin(), after.end());
    ASSERT_EQ(all.size(), committed.size()) << "no gap and no repeat";
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].id, committed[i].seq);
        EXPECT_EQ(all[i].event, committed[i].type());
        EXPECT_EQ(all[i].data, committed[i].event);
    }

    // With a type filter, from the same start: only region.created, all ten of them.
    std::int64_t filtered_last = start;
    const auto created = follow(
        control.port(), "?type=org.vergegrid.region.created", filtered_last,
        [](const auto& seen) { return seen.size() >= 10; }, 60s);
    const auto expected = outbox(api, start, "type=org.vergegrid.region.created");
    ASSERT_EQ(expected.size(), 10u);
    ASSERT_EQ(created.size(), expected.size());
    for (std::size_t i = 0; i < created.size(); ++i) {
        EXPECT_EQ(created[i].event, "org.vergegrid.region.created");
        EXPECT_EQ(created[i].id, expected[i].seq);
        EXPECT_EQ(created[i].data.at("id"), expected[i].id());
    }
}

}  // namespace
}  // namespace event_stream_test
