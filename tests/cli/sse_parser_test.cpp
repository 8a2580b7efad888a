// cli/sse_parser: the event stream read as the HTML standard says, whatever way the bytes are cut
// into chunks.
#include "cli/sse_parser.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace sse_parser_test {
namespace {

using vergegrid::cli::SseEvent;
using vergegrid::cli::SseParser;
using namespace std::string_literals;

struct Collected {
    std::vector<SseEvent> events;
    SseParser parser{[this](const SseEvent& e) { events.push_back(e); }};
};

// The same stream fed whole, byte by byte, and in chunks of 3: the same events.
std::vector<SseEvent> parse_every_way(const std::string& stream) {
    Collected whole;
    whole.parser.feed(stream);
    for (const std::size_t size : {std::size_t{1}, std::size_t{3}}) {
        Collected cut;
        for (std::size_t i = 0; i < stream.size(); i += size) {
            cut.parser.feed(std::string_view(stream).substr(i, size));
        }
        EXPECT_EQ(cut.events.size(), whole.events.size()) << "chunks of " << size;
        for (std::size_t i = 0; i < std::min(cut.events.size(), whole.events.size()); ++i) {
            EXPECT_EQ(cut.events[i].id, whole.events[i].id);
            EXPECT_EQ(cut.events[i].type, whole.events[i].type);
            EXPECT_EQ(cut.events[i].data, whole.events[i].data);
        }
    }
    return whole.events;
}

TEST(SseParser, ReadsTheServersMessages) {
    const auto events = parse_every_way(
        "retry: 500\n\n"
        "id: 7\nevent: org.vergegrid.region.created\ndata: {\"a\":1}\n\n"
        "id: 8\nevent: org.vergegrid.region.updated\ndata: {\"a\":2}\n\n");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].id, "7");
    EXPECT_EQ(events[0].type, "org.vergegrid.region.created");
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_EQ(events[1].id, "8");
    EXPECT_EQ(events[1].type, "org.vergegrid.region.updated");
}

TEST(SseParser, LineEndsMayBeCrlfLfOrCr) {
    for (const std::string end : {"\r\n", "\n", "\r"}) {
        const auto events = parse_every_way("id: 1" + end + "data: x" + end + end + "id: 2" + end +
                                            "data: y" + end + end);
        ASSERT_EQ(events.size(), 2u) << "line end of " << end.size() << " bytes";
        EXPECT_EQ(events[0].data, "x");
        EXPECT_EQ(events[1].id, "2");
        EXPECT_EQ(events[1].data, "y");
    }
}

TEST(SseParser, DataLinesJoinWithNewlines) {
    const auto events = parse_every_way("data: {\ndata:  \"a\": 1\ndata\ndata: }\n\n");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, "{\n \"a\": 1\n\n}") << "one space after the colon is dropped";
    EXPECT_EQ(events[0].type, "message") << "no event field: the default type";
}

TEST(SseParser, CommentsAndUnknownFieldsAreIgnored) {
    Collected c;
    c.parser.feed(": keep-alive\n\n:another\nfoo: bar\ndata:x\n\n");
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].data, "x");
    EXPECT_EQ(c.parser.comments(), 2u);
}

TEST(SseParser, IdPersistsAndAnIdOnlyMessageMovesIt) {
    Collected c;
    c.parser.feed("id: 41\n\n");
    EXPECT_TRUE(c.events.empty()) << "no data: nothing dispatched";
    EXPECT_EQ(c.parser.last_event_id(), "41");
    c.parser.feed("event: t\n\ndata: a\n\n");
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].id, "41") << "an event without id gets the last one";
    EXPECT_EQ(c.events[0].type, "message") << "the type of an undispatched message is dropped";
    c.parser.feed("id\ndata: b\n\n");
    EXPECT_EQ(c.events.back().id, "") << "a bare id field clears it";
    c.parser.feed("id: 9\0x\ndata: c\n\n"s);
    EXPECT_EQ(c.events.back().id, "") << "an id holding NUL is ignored";
}

TEST(SseParser, TheIdMovesOnlyWhenItsMessageEnds) {
    Collected c;
    c.parser.feed("id: 4\ndata: a\n\nid: 5\ndata: b\n");
    EXPECT_EQ(c.parser.last_event_id(), "4") << "event 5 is not whole yet";
    c.parser.feed("\n");
    EXPECT_EQ(c.parser.last_event_id(), "5");
}

TEST(SseParser, ResumesFromAnEarlierConnectionsId) {
    Collected c;
    c.parser.resume_from("12");
    c.parser.feed("data: a\n\n");
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].id, "12");
}

TEST(SseParser, RetryTakesDigitsOnly) {
    Collected c;
    EXPECT_FALSE(c.parser.retry_ms());
    c.parser.feed("retry: 250\n");
    EXPECT_EQ(c.parser.retry_ms(), 250);
    c.parser.feed("retry: 1s\nretry: -5\nretry:\n");
    EXPECT_EQ(c.parser.retry_ms(), 250);
}

TEST(SseParser, AnUnfinishedMessageIsNotDispatched) {
    Collected c;
    c.parser.feed("id: 3\ndata: half\n");
    EXPECT_TRUE(c.events.empty());
    c.parser.feed("\n");
    EXPECT_EQ(c.events.size(), 1u);
}

TEST(SseParser, ALeadingByteOrderMarkIsDropped) {
    Collected c;
    c.parser.feed(
        "\xEF\xBB\xBF"
        "data: x\n\n");
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].data, "x");
}

TEST(SseParser, LinesAndDataAreBounded) {
    SseParser small([](const SseEvent&) {}, 16);
    EXPECT_THROW(small.feed(std::string(17, 'x')), std::length_error);
    SseParser data([](const SseEvent&) {}, 16);
    data.feed("data: 0123456789\n");
    EXPECT_THROW(data.feed("data: 0123456789\n"), std::length_error);
}

}  // namespace
}  // namespace sse_parser_test
