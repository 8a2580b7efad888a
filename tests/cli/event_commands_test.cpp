// vergegridctl events list|tail, webhooks …, subscriptions …, audit verify|checkpoint against
// tests/cli/fake_server, scripted to the event bus's REST contract (docs/api.md): what each command
// sends (method, path, query, body, Last-Event-ID) and prints, and how it fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>

#include "tests/cli/ctl_runner.hpp"

namespace event_commands_test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using vergegrid::cli::test::CtlRunner;
using vergegrid::cli::test::FakeServer;
using vergegrid::cli::test::Reply;
using vergegrid::cli::test::SeenRequest;
using vergegrid::cli::test::TempDir;
using Json = nlohmann::ordered_json;

constexpr const char* kHook = "0193a1b2-0000-7000-8000-0000000000a1";
constexpr const char* kRegion = "0193a1b2-0000-7000-8000-000000000777";

Json cloud_event(int seq, const std::string& type) {
    return {{"specversion", "1.0"},
            {"id", "0193a1b2-0000-7000-8000-00000000e" + std::to_string(100 + seq)},
            {"source", "/vergegrid/control"},
            {"type", type},
            {"subject", kRegion},
            {"time", "2026-12-05T08:00:0" + std::to_string(seq % 10) + "Z"},
            {"data", {{"name", "Alpha"}, {"version", "1.0." + std::to_string(seq)}}}};
}

std::string sse(int seq, const std::string& type) {
    return "id: " + std::to_string(seq) + "\nevent: " + type +
           "\ndata: " + cloud_event(seq, type).dump() + "\n\n";
}

Reply json_reply(const Json& body, int status = 200) {
    return Reply{status, "application/json", body.dump()};
}

Reply stream_reply(std::string body) {
    return Reply{200, "text/event-stream", std::move(body)};
}

// A 400 for a request a test did not expect (a reconnect without the right Last-Event-ID): ends
// the tail at once instead of letting it retry until the test times out.
Reply unexpected(const SeenRequest& request) {
    const Json error = {{"error",
                         {{"code", "unexpected"},
                          {"message", request.uri + " Last-Event-ID=" + request.last_event_id}}}};
    return Reply{400, "application/json", error.dump()};
}

FakeServer::Responder answering(const Json& body, int status = 200) {
    return [text = body.dump(), status](const SeenRequest&) {
        return Reply{status, "application/json", text};
    };
}

Json webhook(const std::string& name, const Json& types) {
    return {{"id", kHook},
            {"name", name},
            {"url", "https://hooks.example/vg"},
            {"types", types},
            {"subjects", Json::array()},
            {"state", "active"},
            {"cursor", 41},
            {"lag", 2},
            {"created_at", "2026-12-05T08:00:00Z"},
            {"updated_at", "2026-12-05T08:00:00Z"}};
}

std::string line_starting(const std::string& out, const std::string& start) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(start, 0) == 0) {
            return line;
        }
    }
    return "(no line starting with " + start + ")";
}

// ---- events list -------------------------------------------------------------------------

TEST(EventCommands, ListSendsTheFiltersAndShowsSeqTimeTypeSubject) {
    const Json answer = {
        {"items",
         {{{"seq", 6}, {"event", cloud_event(6, "org.vergegrid.region.created")}},
          {{"seq", 7}, {"event", cloud_event(7, "org.vergegrid.region.updated")}}}},
        {"last_seq", 7}};
    FakeServer server(answering(answer));
    CtlRunner ctl;
    const auto result =
        ctl(server, {"events", "list", "--after", "5", "--type", "org.vergegrid.region.*",
                     "--subject", kRegion, "--limit", "2"});
    ASSERT_EQ(result.code, 0) << result.err;
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].method, "GET");
    EXPECT_EQ(server.requests()[0].uri,
              std::string("/api/v1/events?after=5&type=org.vergegrid.region.%2A&subject=") +
                  kRegion + "&limit=2");
    EXPECT_THAT(result.out, StartsWith("SEQ  TIME                  TYPE"));
    EXPECT_THAT(
        line_starting(result.out, "6 "),
        HasSubstr(std::string("2026-12-05T08:00:06Z  org.vergegrid.region.created  ") + kRegion));
    EXPECT_THAT(line_starting(result.out, "7 "), HasSubstr("org.vergegrid.region.updated"));
    EXPECT_EQ(result.err, "(more events may follow: pass --after 7)\n");
}

TEST(EventCommands, ListJsonIsTheServersAnswer) {
    const Json answer = {
        {"items", {{{"seq", 1}, {"event", cloud_event(1, "org.vergegrid.estate.created")}}}},
        {"last_seq", 1}};
    FakeServer server(answering(answer));
    CtlRunner ctl;
    const auto result = ctl(server, {"events", "list", "-o", "json"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests()[0].uri, "/api/v1/events");
    EXPECT_EQ(result.out, answer.dump(2) + "\n");
    EXPECT_THAT(result.err, IsEmpty());
}

TEST(EventCommands, ListErrorsNameTheField) {
    FakeServer server(answering({{"error",
                                  {{"code", "invalid"},
                                   {"message", "a type pattern may end in * only"},
                                   {"field", "type"}}}},
                                400));
    CtlRunner ctl;
    const auto result = ctl(server, {"events", "list", "--type", "org.*.created"});
    EXPECT_EQ(result.code, 1);
    EXPECT_EQ(result.err, "error: invalid: a type pattern may end in * only (field: type)\n");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"events", "list", "--limit", "501"},
          {"events", "list", "--limit", "0"},
          {"events", "list", "--after", "-1"},
          {"events", "list", "--after", "x"}}) {
        const auto usage = ctl(server, args);
        EXPECT_EQ(usage.code, 2) << args[3];
        EXPECT_THAT(usage.err, HasSubstr(args[2])) << "names the flag";
    }
    EXPECT_EQ(server.requests().size(), 1u) << "usage errors send nothing";
}

TEST(EventCommands, ListAnswerWithoutItemsIsNamed) {
    FakeServer server(answering({{"last_seq", 3}}));
    CtlRunner ctl;
    const auto result = ctl(server, {"events", "list"});
    EXPECT_EQ(result.code, 1);
    EXPECT_EQ(result.err, "error: the server's events answer has no \"items\"\n");
}

// ---- events tail -------------------------------------------------------------------------

// The server ends the response after each batch; each reconnect carries Last-Event-ID and
// no ?after=, the filters stay.
TEST(EventCommands, TailReconnectsWithLastEventIdAfterEachBatch) {
    FakeServer server([](const SeenRequest& request) {
        if (request.last_event_id.empty()) {
            return stream_reply("retry: 500\n\n" + sse(1, "org.vergegrid.region.created") +
                                sse(2, "org.vergegrid.region.updated"));
        }
        if (request.last_event_id == "2") {
            return stream_reply(": batch\n" + sse(3, "org.vergegrid.region.deleted"));
        }
        return unexpected(request);
    });
    CtlRunner ctl;
    const auto result = ctl(server, {"events", "tail", "--after", "0", "--type",
                                     "org.vergegrid.region.*", "--count", "3"});
    ASSERT_EQ(result.code, 0) << result.err;
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].method, "GET");
    EXPECT_EQ(requests[0].uri, "/api/v1/events/stream?type=org.vergegrid.region.%2A&after=0");
    EXPECT_EQ(requests[0].accept, "text/event-stream");
    EXPECT_THAT(requests[0].last_event_id, IsEmpty());
    EXPECT_EQ(requests[1].uri, "/api/v1/events/stream?type=org.vergegrid.region.%2A");
    EXPECT_EQ(requests[1].last_event_id, "2");
    const std::string subject = std::string("  ") + kRegion + "\n";
    EXPECT_EQ(result.out, "1  2026-12-05T08:00:01Z  org.vergegrid.region.created" + subject +
                              "2  2026-12-05T08:00:02Z  org.vergegrid.region.updated" + subject +
                              "3  2026-12-05T08:00:03Z  org.vergegrid.region.deleted" + subject);
    EXPECT_THAT(result.err, IsEmpty());
}

// An id-only message (where a stream that starts from now begins) and a quiet response ended with
// a keep-alive comment: the reconnect still resumes from that id, after the stream's retry delay.
TEST(EventCommands, TailResumesFromAnIdOnlyMessageAcrossQuietResponses) {
    std::atomic<int> calls{0};
    FakeServer server([&calls](const SeenRequest& request) {
        switch (calls++) {
            case 0:
                return stream_reply("retry: 20\nid: 41\n\n");
            case 1:
                return request.last_event_id == "41" ? stream_reply(": keep-alive\n\n")
                                                     : unexpected(request);
            default:
                return request.last_event_id == "41"
                           ? stream_reply(sse(42, "org.vergegrid.simulator.offline"))
                           : unexpected(request);
        }
    });
    CtlRunner ctl;
    const auto started = std::chrono::steady_clock::now();
    const auto result = ctl(server, {"events", "tail", "--count", "1"});
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(result.code, 0) << result.err;
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0].uri, "/api/v1/events/stream") << "no --after: the server starts now";
    EXPECT_THAT(requests[0].last_event_id, IsEmpty());
    EXPECT_EQ(requests[1].last_event_id, "41");
    EXPECT_EQ(requests[2].last_event_id, "41");
    EXPECT_THAT(result.out,
                StartsWith("42  2026-12-05T08:00:02Z  org.vergegrid.simulator.offline"));
    EXPECT_GE(took, std::chrono::milliseconds(40)) << "two empty responses, 20 ms retry each";
}

TEST(EventCommands, TailJsonPrintsEachCloudEventOnOneLine) {
    // Multi-line data, CRLF line ends and comments: still one event each.
    const Json first = cloud_event(5, "org.vergegrid.region.created");
    std::string body =
        ":hello\r\nretry: 500\r\n\r\nid: 5\r\nevent: org.vergegrid.region.created\r\n";
    body += "data: {\"specversion\":\"1.0\",\r\ndata: " + first.dump().substr(21) + "\r\n\r\n";
    body += sse(6, "org.vergegrid.region.updated");
    FakeServer server([body](const SeenRequest&) { return stream_reply(body); });
    CtlRunner ctl;
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"events", "tail", "--json", "--count", "2"},
          {"-o", "json", "events", "tail", "--count", "2"}}) {
        const auto result = ctl(server, args);
        ASSERT_EQ(result.code, 0) << result.err;
        EXPECT_EQ(result.out, first.dump() + "\n" +
                                  cloud_event(6, "org.vergegrid.region.updated").dump() + "\n");
    }
}

// Events are printed as they arrive, not when the response ends.
TEST(EventCommands, TailPrintsAnEventBeforeTheResponseEnds) {
    FakeServer server([](const SeenRequest&) {
        Reply reply = stream_reply("retry: 500\n\n" + sse(9, "org.vergegrid.region.created"));
        reply.later = sse(10, "org.vergegrid.region.updated");
        reply.later_delay = std::chrono::seconds(20);
        return reply;
    });
    CtlRunner ctl;
    const auto started = std::chrono::steady_clock::now();
    const auto result = ctl(server, {"events", "tail", "--count", "1"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    EXPECT_THAT(result.out, StartsWith("9  "));
}

// Once the stream has answered, a 503 (a restart, a leader change) is retried with a note.
TEST(EventCommands, TailRetriesAServerErrorAfterTheStreamAnswered) {
    std::atomic<int> calls{0};
    FakeServer server([&calls](const SeenRequest& request) {
        switch (calls++) {
            case 0:
                return stream_reply("retry: 10\n\n" + sse(1, "org.vergegrid.region.created"));
            case 1:
                return Reply{503, "application/json",
                             R"({"error":{"code":"unavailable","message":"not the leader"}})"};
            default:
                return request.last_event_id == "1"
                           ? stream_reply(sse(2, "org.vergegrid.region.updated"))
                           : unexpected(request);
        }
    });
    CtlRunner ctl;
    const auto result = ctl(server, {"events", "tail", "--count", "2"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests().size(), 3u);
    EXPECT_THAT(result.out, HasSubstr("\n2  "));
    EXPECT_EQ(result.err, "(event stream: unavailable: not the leader; reconnecting in 10 ms)\n");
}

// A stream silent for longer than --timeout counts as broken: reconnected from the last id.
TEST(EventCommands, TailReconnectsAStreamThatWentQuietBeyondTheTimeout) {
    std::atomic<int> calls{0};
    FakeServer server([&calls](const SeenRequest& request) {
        if (calls++ == 0) {
            Reply reply = stream_reply("retry: 10\n\n" + sse(1, "org.vergegrid.region.created"));
            reply.later = sse(99, "org.vergegrid.region.deleted");  // never read: too late
            reply.later_delay = std::chrono::seconds(20);
            return reply;
        }
        return request.last_event_id == "1" ? stream_reply(sse(2, "org.vergegrid.region.updated"))
                                            : unexpected(request);
    });
    CtlRunner ctl;
    const auto result = ctl(server, {"events", "tail", "--timeout", "1", "--count", "2"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests().size(), 2u);
    EXPECT_THAT(result.out, StartsWith("1  "));
    EXPECT_THAT(result.out, HasSubstr("\n2  "));
    EXPECT_THAT(result.out, Not(HasSubstr("99")));
    EXPECT_THAT(result.err, StartsWith("(event stream: the connection to " + server.url()));
    EXPECT_THAT(result.err,
                HasSubstr("broke off in the middle of the answer; reconnecting in 10 ms)"));
}

TEST(EventCommands, TailFailsAtOnceOnTheFirstConnectionOrA4xx) {
    CtlRunner ctl;
    {
        FakeServer server(answering(
            {{"error", {{"code", "unauthenticated"}, {"message", "sign in first"}}}}, 401));
        const auto result = ctl(server, {"events", "tail"});
        EXPECT_EQ(result.code, 1);
        EXPECT_EQ(result.err, "error: unauthenticated: sign in first\n");
        EXPECT_EQ(server.requests().size(), 1u);
    }
    {
        FakeServer server(
            answering({{"error", {{"code", "unavailable"}, {"message", "starting"}}}}, 503));
        const auto result = ctl(server, {"events", "tail"});
        EXPECT_EQ(result.code, 1) << "a first connection that fails is not retried";
        EXPECT_EQ(server.requests().size(), 1u);
    }
    {
        FakeServer server(answering(
            {{"error", {{"code", "invalid"}, {"message", "bad pattern"}, {"field", "type"}}}},
            400));
        const auto result = ctl(server, {"events", "tail", "--type", "org.*x"});
        EXPECT_EQ(result.code, 1);
        EXPECT_EQ(result.err, "error: invalid: bad pattern (field: type)\n");
    }
    {
        FakeServer server(
            answering({{"error", {{"code", "not_found"}, {"message", "no route"}}}}, 404));
        EXPECT_EQ(ctl(server, {"events", "tail"}).code, 4);
    }
}

TEST(EventCommands, TailRefusesWhatIsNotAnEventStream) {
    CtlRunner ctl;
    {
        FakeServer server(answering({{"items", Json::array()}}));
        const auto result = ctl(server, {"events", "tail", "--count", "1"});
        EXPECT_EQ(result.code, 1);
        EXPECT_THAT(result.err, HasSubstr("is not an event stream (HTTP 200, application/json)"));
    }
    {
        FakeServer server([](const SeenRequest&) {
            return stream_reply("id: 3\nevent: x\ndata: {not json\n\n");
        });
        const auto result = ctl(server, {"events", "tail", "--count", "1"});
        EXPECT_EQ(result.code, 1);
        EXPECT_THAT(result.err,
                    StartsWith("error: the server sent event 3 whose data is not JSON"));
        EXPECT_THAT(result.out, IsEmpty());
    }
    {
        FakeServer server([](const SeenRequest&) { return stream_reply("id: 4\ndata: [1]\n\n"); });
        const auto result = ctl(server, {"events", "tail", "--count", "1"});
        EXPECT_EQ(result.code, 1);
        EXPECT_THAT(result.err, HasSubstr("event 4 whose data is not a JSON object"));
    }
    {
        FakeServer server(answering({}));
        EXPECT_EQ(ctl(server, {"events", "tail", "--count", "0"}).code, 2);
    }
}

// ---- webhooks and subscriptions -----------------------------------------------------------

TEST(WebhookCommands, ListShowsTheFiltersAndNeverASecret) {
    FakeServer server(answering(
        {{"items",
          {webhook("ops", Json::array()),
           webhook("regions", {"org.vergegrid.region.*", "org.vergegrid.estate.created"})}}}));
    CtlRunner ctl;
    const auto result = ctl(server, {"webhooks", "list"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests()[0].method, "GET");
    EXPECT_EQ(server.requests()[0].uri, "/api/v1/webhooks");
    EXPECT_THAT(result.out, StartsWith("ID  "));
    for (const char* header : {"NAME", "STATE", "URL", "TYPES", "SUBJECTS", "CURSOR", "LAG"}) {
        EXPECT_THAT(result.out, HasSubstr(header));
    }
    EXPECT_THAT(line_starting(result.out, std::string(kHook) + "  ops"),
                HasSubstr("active  https://hooks.example/vg  all  "));
    EXPECT_THAT(
        line_starting(result.out, std::string(kHook) + "  regions"),
        HasSubstr("org.vergegrid.region.*,org.vergegrid.estate.created  all       41      2"));
}

TEST(WebhookCommands, ShowGetsOneWebhook) {
    FakeServer server(answering(webhook("ops", Json::array())));
    CtlRunner ctl;
    const auto result = ctl(server, {"webhooks", "show", kHook});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests()[0].uri, std::string("/api/v1/webhooks/") + kHook);
    EXPECT_THAT(result.out,
                StartsWith(std::string("id          ") + kHook + "\nname        ops\n"));
    EXPECT_THAT(result.out, HasSubstr("url         https://hooks.example/vg\n"));
    EXPECT_THAT(result.out, HasSubstr("lag         2\n"));
}

TEST(WebhookCommands, CreatePostsTheFieldsGiven) {
    FakeServer server(
        [](const SeenRequest&) { return json_reply(webhook("ops", Json::array()), 201); });
    CtlRunner ctl;
    const auto result =
        ctl(server, {"webhooks", "create", "--url", "https://hooks.example/vg", "--secret",
                     "s3cret", "--name", "ops", "--type", "org.vergegrid.region.*", "--type",
                     "org.vergegrid.estate.created", "--subject", kRegion});
    ASSERT_EQ(result.code, 0) << result.err;
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].method, "POST");
    EXPECT_EQ(server.requests()[0].uri, "/api/v1/webhooks");
    EXPECT_EQ(nlohmann::json::parse(server.requests()[0].body),
              nlohmann::json::parse(R"({"url":"https://hooks.example/vg","secret":"s3cret",
                  "name":"ops","types":["org.vergegrid.region.*","org.vergegrid.estate.created"],
                  "subjects":[")" + std::string(kRegion) +
                                    R"("]})"));
    EXPECT_THAT(result.out, StartsWith(std::string("id          ") + kHook));
    EXPECT_THAT(result.out, Not(HasSubstr("s3cret")));

    const auto minimal = ctl(server, {"webhooks", "create", "--url", "https://h.example",
                                      "--secret", "k", "-o", "json"});
    ASSERT_EQ(minimal.code, 0) << minimal.err;
    EXPECT_EQ(nlohmann::json::parse(server.requests()[1].body),
              nlohmann::json::parse(R"({"url":"https://h.example","secret":"k"})"))
        << "no filters given: none sent";
    EXPECT_EQ(minimal.out, webhook("ops", Json::array()).dump(2) + "\n");
}

TEST(WebhookCommands, TheSecretMayComeFromStandardInputOrAFile) {
    FakeServer server(
        [](const SeenRequest&) { return json_reply(webhook("ops", Json::array()), 201); });
    CtlRunner ctl;
    TempDir dir;
    const auto file = dir.path() / "secret";
    std::ofstream(file) << "from-a-file\r\n";
    const auto piped =
        ctl(server, {"webhooks", "create", "--url", "https://h", "--secret", "-"}, "from-stdin\n");
    ASSERT_EQ(piped.code, 0) << piped.err;
    const auto filed =
        ctl(server, {"webhooks", "create", "--url", "https://h", "--secret-file", file.string()});
    ASSERT_EQ(filed.code, 0) << filed.err;
    const auto updated =
        ctl(server, {"webhooks", "update", kHook, "--secret-file", "-"}, "rotated\n");
    ASSERT_EQ(updated.code, 0) << updated.err;
    ASSERT_EQ(server.requests().size(), 3u);
    EXPECT_EQ(nlohmann::json::parse(server.requests()[0].body)["secret"], "from-stdin");
    EXPECT_EQ(nlohmann::json::parse(server.requests()[1].body)["secret"], "from-a-file");
    EXPECT_EQ(nlohmann::json::parse(server.requests()[2].body),
              nlohmann::json::parse(R"({"secret":"rotated"})"));
}

TEST(WebhookCommands, SecretUsageErrors) {
    FakeServer server(answering(webhook("ops", Json::array())));
    CtlRunner ctl;
    TempDir dir;
    const auto empty = dir.path() / "empty";
    std::ofstream(empty) << "\n";
    const struct {
        std::vector<std::string> args;
        std::string input;
        const char* message;
    } cases[] = {
        {{"webhooks", "create", "--url", "https://h"}, "", "a webhook needs a secret"},
        {{"webhooks", "create", "--secret", "k"}, "", "--url"},
        {{"webhooks", "create", "--url", "https://h", "--secret", "k", "--secret-file", "f"},
         "",
         "excludes"},
        {{"webhooks", "create", "--url", "https://h", "--secret", "-"},
         "\n",
         "--secret - (standard input): the secret is empty"},
        {{"webhooks", "create", "--url", "https://h", "--secret-file", empty.string()},
         "",
         "the secret is empty"},
        {{"webhooks", "create", "--url", "https://h", "--secret-file",
          (dir.path() / "missing").string()},
         "",
         "missing: cannot be read"},
    };
    for (const auto& c : cases) {
        const auto result = ctl(server, c.args, c.input);
        EXPECT_EQ(result.code, 2) << c.message;
        EXPECT_THAT(result.err, HasSubstr(c.message));
    }
    EXPECT_TRUE(server.requests().empty());
}

TEST(WebhookCommands, UpdatePatchesOnlyWhatIsGiven) {
    FakeServer server(answering(webhook("ops", Json::array())));
    CtlRunner ctl;
    const auto paused = ctl(server, {"webhooks", "update", kHook, "--state", "paused"});
    ASSERT_EQ(paused.code, 0) << paused.err;
    const auto widened = ctl(server, {"webhooks", "update", kHook, "--all-types", "--subject",
                                      kRegion, "--url", "https://new.example", "--name", "n2"});
    ASSERT_EQ(widened.code, 0) << widened.err;
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].method, "PATCH");
    EXPECT_EQ(requests[0].uri, std::string("/api/v1/webhooks/") + kHook);
    EXPECT_EQ(nlohmann::json::parse(requests[0].body),
              nlohmann::json::parse(R"({"state":"paused"})"));
    EXPECT_EQ(nlohmann::json::parse(requests[1].body),
              nlohmann::json::parse(R"({"url":"https://new.example","name":"n2","types":[],
                  "subjects":[")" + std::string(kRegion) +
                                    R"("]})"));

    const auto nothing = ctl(server, {"webhooks", "update", kHook});
    EXPECT_EQ(nothing.code, 2);
    EXPECT_THAT(nothing.err, HasSubstr("nothing to update"));
    EXPECT_EQ(ctl(server, {"webhooks", "update", kHook, "--state", "stopped"}).code, 2);
    EXPECT_EQ(ctl(server, {"webhooks", "update", kHook, "--all-types", "--type", "a"}).code, 2);
    EXPECT_EQ(server.requests().size(), 2u);
}

TEST(WebhookCommands, ServerErrorsNameTheField) {
    FakeServer server(answering(
        {{"error", {{"code", "invalid"}, {"message", "the url must be https"}, {"field", "url"}}}},
        422));
    CtlRunner ctl;
    const auto result =
        ctl(server, {"webhooks", "create", "--url", "http://plain", "--secret", "k"});
    EXPECT_EQ(result.code, 1);
    EXPECT_EQ(result.err, "error: invalid: the url must be https (field: url)\n");
    EXPECT_THAT(result.out, IsEmpty());
}

TEST(WebhookCommands, DeleteSaysWhatItDeleted) {
    FakeServer server([](const SeenRequest&) { return Reply{204, "", ""}; });
    CtlRunner ctl;
    const auto result = ctl(server, {"webhooks", "delete", kHook});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests()[0].method, "DELETE");
    EXPECT_EQ(server.requests()[0].uri, std::string("/api/v1/webhooks/") + kHook);
    EXPECT_EQ(result.out, std::string("deleted webhook ") + kHook + "\n");
    EXPECT_THAT(ctl(server, {"webhooks", "delete", kHook, "-o", "json"}).out, IsEmpty());
}

TEST(WebhookCommands, TestExitsOneWhenTheEndpointRefused) {
    CtlRunner ctl;
    {
        FakeServer server(
            answering({{"delivered", true}, {"status", 200}, {"duration_ms", 35}, {"error", ""}}));
        const auto result = ctl(server, {"webhooks", "test", kHook});
        ASSERT_EQ(result.code, 0) << result.err;
        EXPECT_EQ(server.requests()[0].method, "POST");
        EXPECT_EQ(server.requests()[0].uri, std::string("/api/v1/webhooks/") + kHook + "/test");
        EXPECT_EQ(result.out, std::string("delivered a test event to webhook ") + kHook +
                                  " (HTTP 200, 35 ms)\n");
    }
    {
        const Json refused = {
            {"delivered", false}, {"status", 500}, {"duration_ms", 12}, {"error", "HTTP 500"}};
        FakeServer server(answering(refused));
        const auto result = ctl(server, {"webhooks", "test", kHook});
        EXPECT_EQ(result.code, 1);
        EXPECT_THAT(result.out, IsEmpty());
        EXPECT_EQ(result.err, std::string("error: the test event was not delivered to webhook ") +
                                  kHook + ": HTTP 500 (HTTP 500, 12 ms)\n");
        const auto json = ctl(server, {"webhooks", "test", kHook, "-o", "json"});
        EXPECT_EQ(json.code, 1);
        EXPECT_EQ(json.out, refused.dump(2) + "\n");
    }
    {
        FakeServer server(answering({{"delivered", false},
                                     {"status", 0},
                                     {"duration_ms", 5000},
                                     {"error", "connect: connection refused"}}));
        const auto result = ctl(server, {"webhooks", "test", kHook});
        EXPECT_EQ(result.code, 1);
        EXPECT_THAT(result.err, HasSubstr("connect: connection refused (no HTTP answer, 5000 ms)"));
    }
    {
        FakeServer server(answering({{"status", 200}}));
        const auto result = ctl(server, {"webhooks", "test", kHook});
        EXPECT_EQ(result.code, 1);
        EXPECT_EQ(result.err, "error: the server's webhook test answer has no \"delivered\"\n");
    }
}

TEST(WebhookCommands, DeliveriesOfAWebhookAndOfASubscriptionShareTheRoute) {
    const Json answer = {{"items",
                          {{{"id", 90},
                            {"event_seq", 42},
                            {"event_id", "e42"},
                            {"event_type", "org.vergegrid.region.created"},
                            {"at", "2026-12-05T08:00:02Z"},
                            {"state", "dead"},
                            {"attempt", 8},
                            {"status", 503},
                            {"duration_ms", 10000},
                            {"error", "deadline exceeded"}}}},
                         {"next_before", 90}};
    FakeServer server(answering(answer));
    CtlRunner ctl;
    const auto hook = ctl(server, {"webhooks", "deliveries", kHook, "--state", "dead", "--limit",
                                   "1", "--before", "100"});
    ASSERT_EQ(hook.code, 0) << hook.err;
    const auto sink = ctl(server, {"subscriptions", "deliveries", "sink:nats"});
    ASSERT_EQ(sink.code, 0) << sink.err;
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].uri, std::string("/api/v1/event-subscriptions/") + kHook +
                                   "/deliveries?state=dead&before=100&limit=1");
    EXPECT_EQ(requests[1].uri, "/api/v1/event-subscriptions/sink:nats/deliveries");
    EXPECT_THAT(hook.out, StartsWith("ID  EVENT_SEQ  EVENT_TYPE"));
    for (const char* header : {"AT", "STATE", "ATTEMPT", "STATUS", "DURATION_MS", "ERROR"}) {
        EXPECT_THAT(hook.out, HasSubstr(header));
    }
    EXPECT_THAT(
        line_starting(hook.out, "90 "),
        HasSubstr("42         org.vergegrid.region.created  2026-12-05T08:00:02Z  dead   8"));
    EXPECT_THAT(line_starting(hook.out, "90 "), HasSubstr("10000        deadline exceeded"));
    EXPECT_EQ(hook.err, "(older deliveries on the server: pass --before 90)\n");
    EXPECT_EQ(hook.out, sink.out);
    const auto json = ctl(server, {"webhooks", "deliveries", kHook, "-o", "json"});
    EXPECT_EQ(json.out, answer.dump(2) + "\n");
    EXPECT_THAT(json.err, IsEmpty());
    EXPECT_EQ(ctl(server, {"webhooks", "deliveries", kHook, "--state", "lost"}).code, 2);
    EXPECT_EQ(ctl(server, {"subscriptions", "deliveries"}).code, 2) << "the id is required";
}

TEST(WebhookCommands, SubscriptionsListShowsEverySink) {
    FakeServer server(answering({{"items",
                                  {{{"id", kHook},
                                    {"sink", "webhook"},
                                    {"name", "ops"},
                                    {"state", "active"},
                                    {"cursor", 41},
                                    {"lag", 2}},
                                   {{"id", "sink:nats"},
                                    {"sink", "nats"},
                                    {"name", "nats"},
                                    {"state", "active"},
                                    {"cursor", 43},
                                    {"lag", 0}}}}}));
    CtlRunner ctl;
    const auto result = ctl(server, {"subscriptions", "list"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests()[0].uri, "/api/v1/event-subscriptions");
    EXPECT_THAT(result.out,
                StartsWith("ID                                    SINK     NAME  STATE   "
                           "CURSOR  LAG\n"));
    EXPECT_THAT(result.out,
                HasSubstr("sink:nats                             nats     nats  active  "
                          "43      0\n"));
}

// ---- audit verify and checkpoint -----------------------------------------------------------

TEST(AuditChainCommands, VerifyExitsZeroWhenTheChainHolds) {
    const Json answer = {{"ok", true},      {"checked", 1200},     {"unchained", 3},
                         {"last_id", 1203}, {"last_hash", "9f2c"}, {"broken", nullptr}};
    FakeServer server(answering(answer));
    CtlRunner ctl;
    const auto result = ctl(server, {"audit", "verify"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests()[0].method, "GET");
    EXPECT_EQ(server.requests()[0].uri, "/api/v1/audit/verify");
    EXPECT_EQ(result.out,
              "ok         true\nchecked    1200\nunchained  3\nlast_id    1203\n"
              "last_hash  9f2c\nbroken     none\n");
    const auto json = ctl(server, {"audit", "verify", "-o", "json"});
    EXPECT_EQ(json.code, 0);
    EXPECT_EQ(json.out, answer.dump(2) + "\n");
}

TEST(AuditChainCommands, VerifyExitsOneNamingTheBrokenRow) {
    const Json answer = {
        {"ok", false},         {"checked", 17},
        {"unchained", 0},      {"last_id", 1203},
        {"last_hash", "9f2c"}, {"broken", {{"id", 17}, {"reason", "content hash does not match"}}}};
    FakeServer server(answering(answer));
    CtlRunner ctl;
    const auto result = ctl(server, {"audit", "verify"});
    EXPECT_EQ(result.code, 1);
    EXPECT_THAT(result.out, HasSubstr("ok         false\n"));
    EXPECT_THAT(result.out, HasSubstr("broken     row 17: content hash does not match\n"));
    EXPECT_EQ(result.err,
              "error: the audit chain is broken at row 17: content hash does not match\n");
    const auto json = ctl(server, {"audit", "verify", "-o", "json"});
    EXPECT_EQ(json.code, 1);
    EXPECT_EQ(json.out, answer.dump(2) + "\n");
}

TEST(AuditChainCommands, VerifyAnswersThatCannotBeReadAreNamed) {
    const struct {
        Json body;
        const char* message;
    } cases[] = {
        {{{"checked", 1}, {"broken", nullptr}}, "has no \"ok\""},
        {{{"ok", "yes"}, {"broken", nullptr}}, "has a \"ok\" that is not true or false"},
        {{{"ok", false}, {"broken", nullptr}},
         "says the chain is broken but has no \"broken\" row"},
        {{{"ok", false}, {"broken", {{"reason", "x"}}}}, "has no \"broken.id\""},
        {{{"ok", true}}, "has no \"broken\""},
    };
    CtlRunner ctl;
    for (const auto& c : cases) {
        FakeServer server(answering(c.body));
        const auto result = ctl(server, {"audit", "verify"});
        EXPECT_EQ(result.code, 1) << c.body.dump();
        EXPECT_THAT(result.err, StartsWith("error: the server's audit verify answer "));
        EXPECT_THAT(result.err, HasSubstr(c.message)) << c.body.dump();
        EXPECT_THAT(result.out, IsEmpty());
    }
}

TEST(AuditChainCommands, CheckpointShowsTheHead) {
    const Json answer = {{"id", 1203}, {"hash", "9f2c"}, {"at", "2026-12-05T08:10:00Z"}};
    FakeServer server(answering(answer));
    CtlRunner ctl;
    const auto result = ctl(server, {"audit", "checkpoint"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests()[0].uri, "/api/v1/audit/checkpoint");
    EXPECT_EQ(result.out, "id    1203\nhash  9f2c\nat    2026-12-05T08:10:00Z\n");
    EXPECT_EQ(ctl(server, {"audit", "checkpoint", "-o", "json"}).out, answer.dump(2) + "\n");
}

}  // namespace
}  // namespace event_commands_test
